import {rankBytes, savedTensors} from './activations.js'
import type {Architecture, ParamGroup, ParamInventory} from './architecture.js'
import {diagnostic, VramInputError} from './diagnostics.js'
import {bytesOf} from './dtypes.js'
import {paramInventory} from './model/params.js'
import {sources} from './sources.js'
import type {Component, ComponentKey, Formula, PerDevice, Result, Scenario} from './types.js'

/** A number for LaTeX: integers grouped with thin spaces, others to 4 significant digits. */
export function tex(value: number): string {
  if (Number.isInteger(value)) return value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\\,')
  return Number(value.toPrecision(4)).toString()
}

const byteWidth = (bits: number) => tex(bits / 8)

/** Devices in the layout: the product of every parallel degree. */
export function deviceCount(scenario: Scenario): number {
  const p = scenario.parallel
  return p.dp * p.tp * p.pp * p.ep * p.cp
}

/** Ranks holding a replica of the dense (non-expert) parameters: what ZeRO shards over. */
export function denseReplicas(scenario: Scenario): number {
  const p = scenario.parallel
  return p.dp * p.ep * p.cp
}

/** Ranks holding a replica of one expert shard (Megatron's expert-data-parallel size). */
export function expertReplicas(scenario: Scenario): number {
  const p = scenario.parallel
  return (p.dp * p.cp * p.tp) / p.etp
}

function requireShape(
  model: Architecture,
  fields: Array<keyof Architecture>,
  component: string,
): void {
  const missing = fields.filter((field) => model[field] === undefined)
  if (missing.length > 0) {
    const names = missing.map((field) => (field === 'kvHeads' ? 'kv_heads' : String(field)))
    throw new VramInputError([
      diagnostic(
        'missing-field',
        `The ${component} needs the model's ${names.join(', ')}; a model given only by \`params\` has no shape`,
        ['model'],
        {
          suggestion: `add ${names.map((name) => `\`${name}\``).join(', ')} to \`model\`, or use a preset`,
          fields: names,
        },
      ),
    ])
  }
}

interface Stage {
  index: number
  layers: number
  denseLayers: number
  moeLayers: number
  slidingLayers: number
  first: boolean
  last: boolean
}

/** Layers per pipeline stage: an even split, earlier stages taking the remainder (Megatron's default). */
export function pipelineStages(
  model: Architecture,
  inventory: ParamInventory,
  pp: number,
): Stage[] {
  // A model given only by `params` is spread evenly: one virtual layer per stage.
  const layers = inventory.given || model.layers === undefined ? pp : model.layers
  const stages: Stage[] = []
  let start = 0
  for (let index = 0; index < pp; index++) {
    const count = Math.floor(layers / pp) + (index < layers % pp ? 1 : 0)
    const end = start + count
    const dense = Math.max(
      0,
      Math.min(end, inventory.denseLayers) - Math.min(start, inventory.denseLayers),
    )
    let sliding = 0
    for (let layer = start; layer < end; layer++) if (isSliding(model, layer)) sliding++
    stages.push({
      index,
      layers: count,
      denseLayers: dense,
      moeLayers: count - dense,
      slidingLayers: sliding,
      first: index === 0,
      last: index === pp - 1,
    })
    start = end
  }
  return stages
}

/** Whether layer `index` uses sliding-window attention: all, alternating (Gemma 2, gpt-oss) or the first ones. */
export function isSliding(model: Architecture, index: number): boolean {
  const window = model.slidingWindow
  const layers = model.layers ?? 0
  if (!window || window.layers === 0) return false
  if (window.layers >= layers) return true
  if (window.layers * 2 === layers) return index % 2 === 0
  return index < window.layers
}

interface GroupShare {
  group: ParamGroup
  /** Elements of this group on the device. */
  elements: number
}

/** How many elements of each parameter group one device of `stage` holds, before ZeRO. */
function stageShares(inventory: ParamInventory, stage: Stage, scenario: Scenario): GroupShare[] {
  const p = scenario.parallel
  const shares: GroupShare[] = []
  for (const group of inventory.groups) {
    let instances: number
    if (group.placement === 'first') instances = stage.first ? group.count : 0
    else if (group.placement === 'last') instances = stage.last ? group.count : 0
    else {
      const layers =
        group.layerKind === 'dense'
          ? stage.denseLayers
          : group.layerKind === 'moe'
            ? stage.moeLayers
            : stage.layers
      instances = layers * group.count
    }
    if (instances === 0) continue
    // A params-only model: its one group is spread evenly over the stages.
    let perInstance =
      inventory.given && group.placement === 'layer'
        ? Math.ceil(group.elements / p.pp)
        : group.elements
    if (group.sharding === 'tp') perInstance = Math.ceil(perInstance / p.tp)
    if (group.sharding === 'expert') {
      perInstance = Math.ceil(perInstance / p.etp)
      instances = Math.ceil(instances / p.ep)
    }
    shares.push({group, elements: perInstance * instances})
  }
  return shares
}

function sumShares(shares: readonly GroupShare[], expert: boolean): number {
  return shares.reduce(
    (sum, share) => sum + ((share.group.sharding === 'expert') === expert ? share.elements : 0),
    0,
  )
}

/** Optimizer-state bytes per parameter (master copy excluded), and the states' description. */
export function optimizerStateBytes(scenario: Scenario): {bytes: number; terms: string[]} {
  // PyTorch creates Adam/Lion/momentum states in the parameter's dtype: fp32 under
  // mixed precision (they follow the fp32 master copy) and in fp32 training, 16-bit in pure bf16.
  const state = scenario.precision === 'bf16' ? 2 : 4
  switch (scenario.optimizer) {
    case 'adam':
    case 'adamw':
      return {bytes: 2 * state, terms: [`${state}`, `${state}`]}
    case 'adamw-8bit':
      // bitsandbytes: two 8-bit states, one fp32 absmax per 2048-element block each.
      return {bytes: 2 + 8 / 2048, terms: ['1', '1', '8/2048']}
    case 'sgd':
      return {bytes: 0, terms: []}
    case 'sgd-momentum':
    case 'lion':
      return {bytes: state, terms: [`${state}`]}
    case 'adafactor':
      // Factored second moment (row + column statistics); computed per matrix below.
      return {bytes: 0, terms: []}
  }
}

/** Adafactor's factored state for one group's share: rows + columns per matrix, full size for vectors (fp32). */
function adafactorElements(share: GroupShare): number {
  const {group} = share
  if (!group.shape) return share.elements
  const instances = share.elements / group.elements
  const [rows, cols] = group.shape
  return instances * (rows + cols)
}

interface StageMemory {
  stage: Stage
  perDevice: PerDevice
  offloaded: number
  formulas: Record<ComponentKey, Formula>
  notes: Partial<Record<ComponentKey, string>>
  params: number
}

/** Memory of one device on the given pipeline stage. */
function stageMemory(
  scenario: Scenario,
  inventory: ParamInventory,
  stage: Stage,
  stages: number,
  missing: Map<ComponentKey, string[]> | undefined,
): StageMemory {
  const {model, parallel: p} = scenario
  const training = scenario.mode === 'training'
  const shares = stageShares(inventory, stage, scenario)
  const denseElements = sumShares(shares, false)
  const expertElements = sumShares(shares, true)
  const onDevice = denseElements + expertElements
  const zDense = denseReplicas(scenario)
  const zExpert = expertReplicas(scenario)
  const sharded = (dense: number, expert: number) =>
    Math.ceil(dense / zDense) + Math.ceil(expert / zExpert)
  const partition = sharded(denseElements, expertElements)
  const zero = training ? p.zero : 0
  const offloadOptimizer = training && p.offload !== 'none'
  const offloadParams = training && p.offload === 'params'
  const deepspeed = scenario.accounting === 'deepspeed'
  // DeepSpeed ZeRO-3 gathers one layer's 16-bit params and grads at a time: 4·LL bytes (its estimator).
  const largest = Math.max(
    ...inventory.groups.map((group) =>
      group.sharding === 'tp'
        ? Math.ceil(group.elements / p.tp)
        : group.sharding === 'expert'
          ? Math.ceil(group.elements / p.etp)
          : group.elements,
    ),
  )
  const gather = zero === 3 && deepspeed
  const w = scenario.dtype
  const notes: Partial<Record<ComponentKey, string>> = {}
  let offloaded = 0

  // Weights. A sub-16-bit dtype may cover only some matrices (`quantize`); the rest stay bf16.
  const scoped = w.bits < 16 && scenario.quantize !== 'all' && zero !== 3
  const inScope = (group: ParamGroup) =>
    group.shape !== undefined &&
    (scenario.quantize === 'experts'
      ? group.family === 'expert'
      : ['attention', 'mlp', 'expert', 'shared_expert', 'mtp'].includes(group.family))
  const quantized = scoped
    ? shares.reduce((sum, share) => sum + (inScope(share.group) ? share.elements : 0), 0)
    : 0
  const weightElements = zero === 3 ? partition : onDevice
  let weights = scoped
    ? bytesOf(quantized, w) + (onDevice - quantized) * 2
    : bytesOf(weightElements, w)
  if (offloadParams) {
    offloaded += weights
    weights = 0
  }
  if (gather) weights += bytesOf(largest, w)
  const P = stages === 1 && deviceCount(scenario) === 1 ? 'P' : 'P_{dev}'
  // One term of a model-state formula: P × width, or its ZeRO shard (dense and expert
  // parameters shard over different data-parallel groups).
  const splitExperts = expertElements > 0 && zExpert !== zDense
  const term = (sharded: boolean, width: string, symbol: string): Formula => {
    if (!sharded)
      return {symbolic: `${P} \\times ${symbol}`, substituted: `${tex(onDevice)} \\times ${width}`}
    if (!splitExperts) {
      return {
        symbolic: `\\frac{${P}}{N_{dp}} \\times ${symbol}`,
        substituted: `\\frac{${tex(onDevice)}}{${tex(zDense)}} \\times ${width}`,
      }
    }
    return {
      symbolic: `\\left(\\frac{P_{dense}}{N_{dp}} + \\frac{P_{exp}}{N_{edp}}\\right) \\times ${symbol}`,
      substituted: `\\left(\\frac{${tex(denseElements)}}{${tex(zDense)}} + \\frac{${tex(expertElements)}}{${tex(zExpert)}}\\right) \\times ${width}`,
    }
  }
  const join = (name: string, terms: Formula[], suffix = ''): Formula => ({
    symbolic: `${name} = ${terms.map((entry) => entry.symbolic).join(' + ') || '0'}`,
    substituted: (terms.map((entry) => entry.substituted).join(' + ') || '0') + suffix,
  })
  const largestTerm = (width: string, symbol: string): Formula => ({
    symbolic: `LL \\times ${symbol}`,
    substituted: `${tex(largest)} \\times ${width}`,
  })
  const wb = byteWidth(w.bits)
  const weightsFormula = scoped
    ? join('M_{params}', [
        {symbolic: 'P_{q} \\times b', substituted: `${tex(quantized)} \\times ${wb}`},
        {symbolic: 'P_{16} \\times 2', substituted: `${tex(onDevice - quantized)} \\times 2`},
      ])
    : join(
        'M_{params}',
        [term(zero === 3, wb, 'b'), ...(gather ? [largestTerm(wb, 'b')] : [])],
        offloadParams ? '\\ (\\text{partition offloaded})' : '',
      )
  if (scoped)
    notes.weights = `P_q = ${quantized} parameters in ${w.name} (${scenario.quantize === 'experts' ? 'routed-expert matrices' : 'linear-layer matrices'}); the other ${onDevice - quantized} stay bf16`
  if (P !== 'P')
    notes.weights = `${notes.weights ? `${notes.weights}; ` : ''}P_dev = ${onDevice} parameters on the most loaded device (pipeline stage ${stage.index + 1} of ${stages}, 1/${p.tp} of each tensor-parallel matrix${model.moe ? `, ${Math.ceil(model.moe.experts / p.ep)} of ${model.moe.experts} experts per layer` : ''})`

  // Gradients.
  let gradients = 0
  let gradientsFormula: Formula = {symbolic: 'M_{grad} = 0', substituted: '0'}
  if (training) {
    const g = scenario.gradDtype
    // Mixed precision with 16-bit gradients: the optimizer steps on an fp32 copy of the
    // gradients (DeepSpeed's fp32 partition; Megatron documents 20 B/param for fp16 params
    // with fp16 grads). Sharded with the optimizer under ZeRO. The ZeRO paper omits it.
    const fp32Copy = deepspeed && scenario.precision === 'mixed' && g.bits < 32
    const copyElements = zero >= 1 ? partition : onDevice
    // ZeRO-3 reduce-scatters 16-bit gradients straight into that fp32 partition (DeepSpeed stage3.py).
    const keep16 = !(zero === 3 && fp32Copy)
    const gradElements = zero >= 2 ? partition : onDevice
    let onGpu = keep16 ? bytesOf(gradElements, g) : 0
    let copy = fp32Copy ? copyElements * 4 : 0
    if (offloadOptimizer) {
      // Reduced gradient partitions go to the pinned host buffer with the optimizer.
      offloaded += copy
      copy = 0
      if (zero >= 2) {
        offloaded += onGpu
        onGpu = 0
      }
    }
    const gatherGrads = gather ? bytesOf(largest, g) : 0
    gradients = onGpu + copy + gatherGrads
    const gb = byteWidth(g.bits)
    gradientsFormula = join('M_{grad}', [
      ...(onGpu > 0 ? [term(zero >= 2, gb, 'b_{grad}')] : []),
      ...(copy > 0 ? [term(zero >= 1, '4', '4')] : []),
      ...(gatherGrads > 0 ? [largestTerm(gb, 'b_{grad}')] : []),
    ])
    if (fp32Copy) notes.gradients = `${g.name} gradients plus the fp32 copy the optimizer steps on`
  }

  // Optimizer states (and the fp32 master copy under mixed precision).
  let optimizer = 0
  let optimizerFormula: Formula = {symbolic: 'M_{optim} = 0', substituted: '0'}
  if (training) {
    const master = scenario.precision === 'mixed' ? 4 : 0
    const {bytes: stateBytes, terms} = optimizerStateBytes(scenario)
    const sharded = zero >= 1
    const suffix = offloadOptimizer ? '\\ (\\text{offloaded})' : ''
    if (scenario.optimizer === 'adafactor') {
      // Factored second moments: F = Σ (rows + columns) per matrix, full size for vectors.
      const factored = shares.reduce((sum, share) => sum + adafactorElements(share), 0)
      const divide = sharded ? zDense : 1
      optimizer =
        Math.ceil((factored * 4) / divide) + Math.ceil((sharded ? partition : onDevice) * master)
      const stats: Formula = sharded
        ? {
            symbolic: '\\frac{F_{dev}}{N_{dp}} \\times 4',
            substituted: `\\frac{${tex(factored)}}{${tex(zDense)}} \\times 4`,
          }
        : {symbolic: 'F_{dev} \\times 4', substituted: `${tex(factored)} \\times 4`}
      optimizerFormula = join(
        'M_{optim}',
        [stats, ...(master ? [term(sharded, '4', '4')] : [])],
        suffix,
      )
    } else {
      optimizer = Math.ceil((sharded ? partition : onDevice) * (stateBytes + master))
      const factor = [...(master ? ['4'] : []), ...terms].join(' + ') || '0'
      optimizerFormula = join(
        'M_{optim}',
        [term(sharded, tex(stateBytes + master), `(${factor})`)],
        suffix,
      )
    }
    if (offloadOptimizer) {
      offloaded += optimizer
      optimizer = 0
    }
  }

  // Activations.
  let activations = 0
  let activationsFormula: Formula = {symbolic: 'M_{act} = 0', substituted: '0'}
  if (training) {
    const result = partially(missing, 'activations', () => activationBytes(scenario, stage))
    if (result) {
      activations = result.bytes
      activationsFormula = result.formula
      notes.activations = result.note
    }
  }

  // KV cache.
  let kvCache = 0
  let kvFormula: Formula = {symbolic: 'M_{kv} = 0', substituted: '0'}
  if (!training) {
    const result = partially(missing, 'kvCache', () => kvCacheBytes(scenario, stage))
    if (result) {
      kvCache = result.bytes
      kvFormula = result.formula
    }
  }

  const buffers = scenario.buffers
  const perDevice: PerDevice = {
    weights,
    gradients,
    optimizer,
    activations,
    kvCache,
    buffers,
    total: weights + gradients + optimizer + activations + kvCache + buffers,
  }
  return {
    stage,
    perDevice,
    offloaded,
    params: onDevice,
    notes,
    formulas: {
      weights: weightsFormula,
      gradients: gradientsFormula,
      optimizer: optimizerFormula,
      activations: activationsFormula,
      kvCache: kvFormula,
      buffers: {symbolic: 'M_{buf}', substituted: tex(buffers)},
    },
  }
}

/**
 * Runs a shape-dependent component. With `missing` (a partial computation), a
 * model without the shape records the missing fields instead of failing.
 */
function partially<T>(
  missing: Map<ComponentKey, string[]> | undefined,
  key: ComponentKey,
  run: () => T,
): T | undefined {
  try {
    return run()
  } catch (error) {
    if (!missing || !(error instanceof VramInputError)) throw error
    missing.set(key, [...new Set(error.diagnostics.flatMap((entry) => entry.fields ?? []))])
    return undefined
  }
}

/** Activation memory of one device on `stage` (training). */
function activationBytes(
  scenario: Scenario,
  stage: Stage,
): {bytes: number; formula: Formula; note: string} {
  const {model, parallel: p} = scenario
  requireShape(
    model,
    ['layers', 'hidden', 'heads', 'vocab', ...(model.moe ? [] : (['ffn'] as const))],
    'activation memory',
  )
  const h = model.hidden as number
  const a = model.heads as number
  const V = model.vocab as number
  const bytes = scenario.precision === 'fp32' ? 4 : 2
  const seqLocal = scenario.seq / p.cp
  const b = scenario.microBatch
  const tokens = seqLocal * b
  const shape = {tokens, seq: scenario.seq, microBatch: b, bytes}
  const dropQuadratic = scenario.recompute !== 'none'
  const layerBytes = (kind: 'dense' | 'moe') =>
    rankBytes(savedTensors(model, shape, scenario, kind), p.tp, p.sp, dropQuadratic, p.etp)
  const fullLayerBytes = (kind: 'dense' | 'moe') =>
    rankBytes(savedTensors(model, shape, scenario, kind), p.tp, p.sp, false, p.etp)
  // 1F1B: stage i holds min(pp − i, m) micro-batches in flight; interleaving adds (1 + (p−1)/(p·v)).
  const m = scenario.gradAccum
  let inflight = p.pp === 1 ? 1 : Math.min(p.pp - stage.index, m)
  if (p.vpp > 1) inflight *= 1 + (p.pp - 1) / (p.pp * p.vpp)
  const seqSplit = p.sp ? p.tp : 1

  let perLayerTotal: number
  let symbolic: string
  let substituted: string
  const dense = stage.denseLayers
  const moe = stage.moeLayers
  const layerSum = dense * layerBytes('dense') + moe * layerBytes('moe')
  if (scenario.recompute === 'full') {
    // Only each layer's input is kept (Korthikanti: 2sbh per layer); one layer at a time is recomputed in full.
    const input = (tokens * h * bytes) / seqSplit
    const working = Math.max(
      dense > 0 ? fullLayerBytes('dense') : 0,
      moe > 0 ? fullLayerBytes('moe') : 0,
    )
    perLayerTotal = stage.layers * input * inflight + working
    symbolic = `M_{act} = n_{mb} \\cdot L_{dev} \\cdot ${bytes} s b h${seqSplit > 1 ? ' / N_{tp}' : ''} + M_{layer}`
    substituted = `${tex(inflight)} \\cdot ${stage.layers} \\cdot ${bytes} \\cdot ${tex(seqLocal)} \\cdot ${b} \\cdot ${tex(h)}${seqSplit > 1 ? ` / ${p.tp}` : ''} + ${tex(Math.round(working))}`
  } else {
    perLayerTotal = layerSum * inflight
    // Express each layer kind as Korthikanti's s·b·h(α + β·a·s/h).
    const coefficients = (kind: 'dense' | 'moe') => {
      const tensors = savedTensors(model, shape, scenario, kind)
      const part = (quadratic: boolean) =>
        rankBytes(
          tensors.filter((t) => t.quadratic === quadratic),
          p.tp,
          p.sp,
          false,
          p.etp,
        )
      const alpha = part(false) / (tokens * h)
      const beta = dropQuadratic ? 0 : part(true) / (a * tokens * scenario.seq)
      return {alpha, beta}
    }
    const kinds = [
      ...(dense > 0 ? [{layers: dense, ...coefficients('dense')}] : []),
      ...(moe > 0 ? [{layers: moe, ...coefficients('moe')}] : []),
    ]
    const coefficient = (value: number) =>
      Number.isInteger(value) ? tex(value) : String(Number(value.toPrecision(6)))
    const bracket = (entry: {alpha: number; beta: number}, symbols: boolean) =>
      entry.beta
        ? symbols
          ? '\\alpha + \\beta \\frac{a s}{h}'
          : `${coefficient(entry.alpha)} + ${coefficient(entry.beta)} \\cdot \\frac{${a} \\cdot ${tex(scenario.seq)}}{${tex(h)}}`
        : symbols
          ? '\\alpha'
          : coefficient(entry.alpha)
    const prefix = `${tex(inflight)} \\cdot ${tex(seqLocal)} \\cdot ${b} \\cdot ${tex(h)}`
    if (kinds.length === 1) {
      const only = kinds[0] as (typeof kinds)[number]
      symbolic = `M_{act} = n_{mb} \\cdot L_{dev} \\cdot s b h \\left(${bracket(only, true)}\\right)`
      substituted = `${tex(inflight)} \\cdot ${only.layers} \\cdot ${tex(seqLocal)} \\cdot ${b} \\cdot ${tex(h)} \\left(${bracket(only, false)}\\right)`
    } else {
      symbolic =
        'M_{act} = n_{mb} \\cdot s b h \\left(L_{dense} \\alpha_{dense} + L_{moe} \\alpha_{moe}\\right)'
      substituted = `${prefix} \\left(${kinds.map((entry) => `${entry.layers} \\left(${bracket(entry, false)}\\right)`).join(' + ')}\\right)`
    }
  }
  // First stage: token ids (int64) and the embedding dropout mask per micro-batch in flight.
  let extras = 0
  if (stage.first) {
    extras += tokens * 8 * inflight
    if (model.dropout > 0) extras += ((tokens * h) / seqSplit) * inflight
  }
  // Last stage: final-norm input, LM-head input, fp32 logits for the loss (Korthikanti: 4sbh(1 + V/h)/t).
  if (stage.last) extras += (2 * tokens * h * bytes) / seqSplit + (4 * tokens * V) / p.tp
  const total = Math.ceil(perLayerTotal + extras)
  symbolic += ' + M_{emb} + M_{logits}'
  substituted += ` + ${tex(Math.round(extras))}`
  const note = `${stage.layers} layers on the most loaded stage, ${Number(inflight.toPrecision(4))} micro-batch(es) in flight, micro-batch ${b} × ${seqLocal} tokens; ${scenario.attention} attention, recompute ${scenario.recompute}; logits in fp32 on the last stage`
  return {bytes: total, formula: {symbolic, substituted}, note}
}

/** KV cache of one device on `stage` (inference). */
function kvCacheBytes(scenario: Scenario, stage: Stage): {bytes: number; formula: Formula} {
  const {model, parallel: p} = scenario
  requireShape(model, ['layers', 'hidden', 'heads'], 'KV cache')
  const batch = Math.ceil(scenario.batch / (p.dp * p.ep))
  const seq = scenario.seq / p.cp
  const bkv = scenario.kvDtype.bits / 8
  if (model.mla) {
    // MLA caches the compressed latent plus the shared rope key, not per-head K and V;
    // every tensor-parallel rank keeps the whole latent.
    const width = model.mla.kvLoraRank + model.mla.qkRopeHeadDim
    const bytes = Math.ceil(batch * seq * stage.layers * width * bkv)
    return {
      bytes,
      formula: {
        symbolic: 'M_{kv} = B \\times N \\times L \\times (d_c + d_r) \\times b_{kv}',
        substituted: `${batch} \\times ${tex(seq)} \\times ${stage.layers} \\times (${model.mla.kvLoraRank} + ${model.mla.qkRopeHeadDim}) \\times ${tex(bkv)}`,
      },
    }
  }
  const a = model.heads as number
  const k = model.kvHeads ?? a
  const dh = model.headDim ?? (model.hidden as number) / a
  // KV heads split over tp; when tp exceeds them each rank keeps one replicated head.
  const kvPerRank = Math.max(1, k / p.tp)
  const full = stage.layers - stage.slidingLayers
  const window = model.slidingWindow?.window ?? seq
  const tokens = full * seq + stage.slidingLayers * Math.min(seq, window)
  const bytes = Math.ceil(2 * batch * tokens * kvPerRank * dh * bkv)
  // Past one head per rank the heads replicate, so the divisor stops at n_kv.
  const kvSymbol = p.tp > 1 ? (p.tp > k ? '1' : '\\frac{n_{kv}}{N_{tp}}') : 'n_{kv}'
  const kvValue = p.tp > 1 ? (p.tp > k ? '1' : `\\frac{${k}}{${p.tp}}`) : `${k}`
  if (stage.slidingLayers > 0) {
    return {
      bytes,
      formula: {
        symbolic: `M_{kv} = 2 \\times B \\times ${kvSymbol} \\times d_h \\times (L_{full} N + L_{swa} \\min(N, W)) \\times b_{kv}`,
        substituted: `2 \\times ${batch} \\times ${kvValue} \\times ${dh} \\times (${full} \\times ${tex(seq)} + ${stage.slidingLayers} \\times ${tex(Math.min(seq, window))}) \\times ${tex(bkv)}`,
      },
    }
  }
  return {
    bytes,
    formula: {
      symbolic: `M_{kv} = 2 \\times B \\times N \\times ${kvSymbol} \\times d_h \\times L \\times b_{kv}`,
      substituted: `2 \\times ${batch} \\times ${tex(seq)} \\times ${kvValue} \\times ${dh} \\times ${stage.layers} \\times ${tex(bkv)}`,
    },
  }
}

const componentOrder: readonly ComponentKey[] = [
  'weights',
  'optimizer',
  'gradients',
  'activations',
  'kvCache',
  'buffers',
]

/** Components that apply to a mode, in the article's table order. */
export function componentsFor(mode: Scenario['mode']): ComponentKey[] {
  return mode === 'training'
    ? componentOrder.filter((key) => key !== 'kvCache')
    : ['weights', 'kvCache', 'buffers']
}

/**
 * Memory per device for the most loaded device. Throws `VramInputError` when
 * the scenario lacks what a component needs.
 */
export function compute(scenario: Scenario, options: {partial?: boolean} = {}): Result {
  const inventory = paramInventory(scenario.model)
  const stages = pipelineStages(scenario.model, inventory, scenario.parallel.pp)
  const missing = options.partial ? new Map<ComponentKey, string[]>() : undefined
  let worst: StageMemory | undefined
  for (const stage of stages) {
    const memory = stageMemory(scenario, inventory, stage, stages.length, missing)
    if (!worst || memory.perDevice.total > worst.perDevice.total) worst = memory
  }
  const memory = worst as StageMemory
  const components: Component[] = componentsFor(scenario.mode).map((key) => ({
    key,
    bytes: memory.perDevice[key],
    formula: memory.formulas[key],
    source: sources[key],
    note: memory.notes[key],
  }))
  const result: Result = {
    scenario,
    model: {
      id: scenario.model.id,
      name: scenario.model.name,
      params: inventory.total,
      activeParams: inventory.active,
    },
    inventory,
    devices: deviceCount(scenario),
    stage: memory.stage.index,
    perDevice: memory.perDevice,
    components,
    offloaded: memory.offloaded,
  }
  if (missing && missing.size > 0) result.missing = Object.fromEntries(missing)
  if (scenario.gpu) {
    result.capacity = scenario.gpu.capacity
    result.usableCapacity = Math.floor(scenario.gpu.capacity * scenario.usable)
    // A total that leaves components out cannot say whether the job fits.
    if (!result.missing) result.fits = memory.perDevice.total <= result.usableCapacity
  }
  return result
}
