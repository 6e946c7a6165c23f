/**
 * The parameter inventory of an architecture: every tensor group with its
 * shape, sharding and pipeline placement, and the exact total / active counts.
 *
 * Sharding follows Megatron-LM:
 * - `tp`: column-parallel weights and their biases (q/k/v, gate/up, fc1), the
 *   row-parallel weights (o, down, fc2), the vocab-parallel embedding and LM head,
 *   the MTP `eh_proj`, and the MLA up-projections (q_b, kv_b).
 * - `replicated`: every norm, the router (and its bias), attention sinks, the
 *   learned position embedding (a plain `nn.Embedding` in Megatron), the
 *   biases of row-parallel layers (added after the all-reduce, so every rank
 *   holds all of it), and MLA's down-projections q_a / kv_a (Megatron builds
 *   them `duplicated`).
 * - `expert`: routed-expert weights and their biases.
 *
 * Matrix shapes are PyTorch `nn.Linear` layouts `[out, in]`; embeddings `[V, h]`.
 */

import {diagnostic, VramInputError} from '../output/diagnostics.js'
import type {Architecture, LayerKind, ParamGroup, ParamInventory} from './architecture.js'

/** The shape fields a computed inventory needs; empty when the shape is complete. */
export function missingShapeFields(arch: Architecture): string[] {
  const missing: string[] = []
  if (arch.layers === undefined) missing.push('layers')
  if (arch.hidden === undefined) missing.push('hidden')
  if (arch.heads === undefined) missing.push('heads')
  if (arch.vocab === undefined) missing.push('vocab')
  if (arch.headDim === undefined && !arch.mla) missing.push('head_dim')
  const denseLayers = arch.moe ? arch.moe.denseLayers : (arch.layers ?? 0)
  if (denseLayers > 0 && arch.ffn === undefined) missing.push('ffn')
  return missing
}

/** Throws `missing-field` when a component needs shape fields the model lacks. */
export function requireShape(
  model: Architecture,
  fields: Array<keyof Architecture>,
  component: string,
): void {
  const missing = fields.filter((field) => model[field] === undefined)
  if (missing.length > 0 && model.hybrid) {
    // A hybrid has its own count and cache; what needs a transformer's shape is not modelled for it.
    throw new VramInputError([
      diagnostic(
        'unsupported-model',
        `The ${component} of a hybrid model (${model.hybrid.label}) is not modelled: this engine derives it for attention + MLP stacks only`,
        ['model'],
        {
          suggestion:
            'keep the figures it computes: `show: []` or the weights, KV cache and state in inference',
          fields: [],
        },
      ),
    ])
  }
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

interface Entry {
  group: ParamGroup
  /** Instances used per token (routed experts: top-k of E). */
  activeCount: number
}

/**
 * The parameter inventory of `arch`.
 *
 * - Complete shape: computed group by group (`givenParams`, if also set, is
 *   ignored here; the caller compares the two).
 * - Only `givenParams`: one group `params` holding all of them (see
 *   `ParamInventory.given`); `active` = `total`.
 * - Neither: throws `VramInputError` with `missing-field` diagnostics.
 *
 * MTP modules (DeepSeek-V3 `num_nextn_predict_layers`) are counted only with
 * `includeMtp`, as their unique parameters: one transformer layer (of the kind
 * of the model's last layer) + `eh_proj` (h × 2h) + `enorm`, `hnorm`,
 * `shared_head.norm` (h each) per module = 11,610,068,224 for DeepSeek-V3.
 * The MTP module shares the main model's embedding and output head (DeepSeek-V3
 * report §2.2; vLLM/SGLang and Megatron reuse them), so the copies the HF
 * checkpoint stores (13,463,426,304 with them) are not counted.
 */
export function paramInventory(arch: Architecture): ParamInventory {
  const missing = missingShapeFields(arch)
  if (missing.length > 0) {
    if (arch.givenParams !== undefined) {
      const inventory = givenInventory(arch.givenParams)
      // A hybrid's count is exact and knows its routed experts: its active count is too (MTP not used per token).
      if (arch.hybrid) inventory.active = Math.min(arch.hybrid.activeParams, inventory.total)
      return inventory
    }
    throw new VramInputError(
      missing.map((field) =>
        diagnostic(
          'missing-field',
          `the model needs \`${field}\` to count its parameters`,
          ['model'],
          {
            suggestion: `add \`${field}\`, or give \`params\` for a weights-only estimate`,
          },
        ),
      ),
    )
  }
  const layers = arch.layers as number
  const h = arch.hidden as number
  const heads = arch.heads as number
  const vocab = arch.vocab as number
  const moe = arch.moe
  const denseLayers = moe ? moe.denseLayers : layers
  const moeLayers = layers - denseLayers

  const entries: Entry[] = []
  const add = (group: ParamGroup, activeCount = group.count): void => {
    if (group.elements > 0 && group.count > 0) entries.push({group, activeCount})
  }
  const matrix = (
    name: string,
    family: ParamGroup['family'],
    rows: number,
    cols: number,
    sharding: ParamGroup['sharding'],
    layerKind: LayerKind,
    count = 1,
  ): ParamGroup => ({
    name,
    family,
    elements: rows * cols,
    shape: [rows, cols] as const,
    sharding,
    placement: 'layer',
    layerKind,
    count,
  })
  const vector = (
    name: string,
    family: ParamGroup['family'],
    length: number,
    sharding: ParamGroup['sharding'],
    layerKind: LayerKind,
    count = 1,
  ): ParamGroup => ({
    name,
    family,
    elements: length,
    sharding,
    placement: 'layer',
    layerKind,
    count,
  })
  /** A norm (weight, and bias for LayerNorm). */
  const norm = (name: string, length: number, layerKind: LayerKind, count = 1): void => {
    add(vector(name, 'norm', length, 'replicated', layerKind, count))
    if (arch.norm === 'layer')
      add(vector(`${name}.bias`, 'norm', length, 'replicated', layerKind, count))
  }

  // --- Attention (every layer) ------------------------------------------------
  if (arch.mla) {
    const {qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim} = arch.mla
    const qHead = qkNopeHeadDim + qkRopeHeadDim
    if (qLoraRank !== undefined) {
      add(matrix('attn.q_a_proj', 'attention', qLoraRank, h, 'replicated', 'all'))
      norm('attn.q_a_layernorm', qLoraRank, 'all')
      add(matrix('attn.q_b_proj', 'attention', heads * qHead, qLoraRank, 'tp', 'all'))
    } else {
      add(matrix('attn.q_proj', 'attention', heads * qHead, h, 'tp', 'all'))
    }
    add(
      matrix(
        'attn.kv_a_proj_with_mqa',
        'attention',
        kvLoraRank + qkRopeHeadDim,
        h,
        'replicated',
        'all',
      ),
    )
    norm('attn.kv_a_layernorm', kvLoraRank, 'all')
    add(
      matrix(
        'attn.kv_b_proj',
        'attention',
        heads * (qkNopeHeadDim + vHeadDim),
        kvLoraRank,
        'tp',
        'all',
      ),
    )
    add(matrix('attn.o_proj', 'attention', h, heads * vHeadDim, 'tp', 'all'))
  } else {
    const headDim = arch.headDim as number
    const kvHeads = arch.kvHeads ?? heads
    const q = heads * headDim
    const kv = kvHeads * headDim
    add(matrix('attn.q_proj', 'attention', q, h, 'tp', 'all'))
    add(matrix('attn.k_proj', 'attention', kv, h, 'tp', 'all'))
    add(matrix('attn.v_proj', 'attention', kv, h, 'tp', 'all'))
    add(matrix('attn.o_proj', 'attention', h, q, 'tp', 'all'))
    if (arch.bias || arch.qkvBias || arch.attentionBias) {
      add(vector('attn.q_proj.bias', 'attention', q, 'tp', 'all'))
      add(vector('attn.k_proj.bias', 'attention', kv, 'tp', 'all'))
      add(vector('attn.v_proj.bias', 'attention', kv, 'tp', 'all'))
    }
    if (arch.bias || arch.attentionBias) {
      add(vector('attn.o_proj.bias', 'attention', h, 'replicated', 'all'))
    }
    if (arch.qkNorm) {
      const whole = arch.qkNorm === 'projection'
      norm('attn.q_norm', whole ? q : headDim, 'all')
      norm('attn.k_norm', whole ? kv : headDim, 'all')
    }
  }
  if (arch.attentionSinks) add(vector('attn.sinks', 'attention', heads, 'replicated', 'all'))

  // --- Layer norms (input, post-attention; Gemma 2 adds pre/post-feedforward) --
  norm('norms', h, 'all', arch.normsPerLayer)

  // --- Dense MLP -----------------------------------------------------------------
  const mlpBlock = (
    prefix: string,
    family: ParamGroup['family'],
    width: number,
    sharding: ParamGroup['sharding'],
    layerKind: LayerKind,
    count: number,
    bias: boolean,
    activeCount = count,
  ): void => {
    // Row-parallel biases are replicated under TP; expert biases follow the experts.
    const rowBiasSharding = sharding === 'expert' ? 'expert' : 'replicated'
    const inNames = arch.mlp === 'gated' ? ['gate_proj', 'up_proj'] : ['fc1']
    const outName = arch.mlp === 'gated' ? 'down_proj' : 'fc2'
    for (const inName of inNames) {
      add(matrix(`${prefix}.${inName}`, family, width, h, sharding, layerKind, count), activeCount)
    }
    add(matrix(`${prefix}.${outName}`, family, h, width, sharding, layerKind, count), activeCount)
    if (bias) {
      for (const inName of inNames) {
        add(
          vector(`${prefix}.${inName}.bias`, family, width, sharding, layerKind, count),
          activeCount,
        )
      }
      add(
        vector(`${prefix}.${outName}.bias`, family, h, rowBiasSharding, layerKind, count),
        activeCount,
      )
    }
  }
  if (denseLayers > 0) {
    mlpBlock('mlp', 'mlp', arch.ffn as number, 'tp', moe ? 'dense' : 'all', 1, arch.bias)
  }

  // --- Mixture of experts ----------------------------------------------------------
  if (moe && moeLayers > 0) {
    add(matrix('router', 'router', moe.experts, h, 'replicated', 'moe'))
    if (moe.routerBias) add(vector('router.bias', 'router', moe.experts, 'replicated', 'moe'))
    mlpBlock(
      'experts',
      'expert',
      moe.expertFfn,
      'expert',
      'moe',
      moe.experts,
      moe.expertBias || arch.bias,
      moe.expertsPerToken,
    )
    if (moe.sharedExperts > 0) {
      mlpBlock(
        'shared_experts',
        'shared_expert',
        moe.sharedExpertFfn,
        'tp',
        'moe',
        moe.sharedExperts,
        arch.bias,
      )
      if (moe.sharedExpertGate)
        add(matrix('shared_expert_gate', 'router', 1, h, 'replicated', 'moe'))
    }
  }

  const layerEntries = [...entries]

  // --- Embeddings, final norm, LM head ---------------------------------------------
  const single = (
    name: string,
    family: ParamGroup['family'],
    elements: number,
    shape: readonly [number, number] | undefined,
    sharding: ParamGroup['sharding'],
    placement: 'first' | 'last',
  ): void => {
    add({name, family, elements, ...(shape ? {shape} : {}), sharding, placement, count: 1})
  }
  single('embed_tokens', 'embedding', vocab * h, [vocab, h], 'tp', 'first')
  // The vision encoder runs before the first layer; its matrices split over TP as vLLM does.
  if (arch.vision) single('vision_encoder', 'vision', arch.vision.params, undefined, 'tp', 'first')
  if (arch.positionEmbeddings) {
    const positions = arch.positionEmbeddings
    single('embed_positions', 'position', positions * h, [positions, h], 'replicated', 'first')
  }
  single('final_norm', 'norm', h, undefined, 'replicated', 'last')
  if (arch.norm === 'layer') single('final_norm.bias', 'norm', h, undefined, 'replicated', 'last')
  if (!arch.tiedEmbeddings) single('lm_head', 'lm_head', vocab * h, [vocab, h], 'tp', 'last')

  // --- MTP modules (only when counted) --------------------------------------------
  if (arch.includeMtp && arch.mtpLayers > 0) {
    const modules = arch.mtpLayers
    const kind: LayerKind = moeLayers > 0 ? 'moe' : 'dense'
    for (const {group, activeCount} of layerEntries) {
      const kindOf = group.layerKind ?? 'all'
      if (kindOf !== 'all' && kindOf !== kind) continue
      const copy: ParamGroup = {
        ...group,
        name: `mtp.${group.name}`,
        family: 'mtp',
        placement: 'last',
        count: group.count * modules,
      }
      delete copy.layerKind
      add(copy, activeCount * modules)
    }
    const mtpVector = (name: string): void => {
      add({
        name,
        family: 'mtp',
        elements: h,
        sharding: 'replicated',
        placement: 'last',
        count: modules,
      })
      if (arch.norm === 'layer') {
        add({
          name: `${name}.bias`,
          family: 'mtp',
          elements: h,
          sharding: 'replicated',
          placement: 'last',
          count: modules,
        })
      }
    }
    mtpVector('mtp.enorm')
    mtpVector('mtp.hnorm')
    add({
      name: 'mtp.eh_proj',
      family: 'mtp',
      elements: 2 * h * h,
      shape: [h, 2 * h],
      sharding: 'tp',
      placement: 'last',
      count: modules,
    })
    mtpVector('mtp.shared_head.norm')
  }

  const layersOf = (kind: LayerKind | undefined): number =>
    kind === 'dense' ? denseLayers : kind === 'moe' ? moeLayers : layers
  let total = 0
  let active = 0
  for (const {group, activeCount} of entries) {
    const repeat = group.placement === 'layer' ? layersOf(group.layerKind) : 1
    total += group.elements * group.count * repeat
    active += group.elements * activeCount * repeat
  }
  return {groups: entries.map((entry) => entry.group), total, active, denseLayers, moeLayers}
}

function givenInventory(params: number): ParamInventory {
  return {
    groups: [
      {
        name: 'params',
        family: 'mlp',
        elements: params,
        sharding: 'tp',
        placement: 'layer',
        layerKind: 'all',
        count: 1,
      },
    ],
    total: params,
    active: params,
    denseLayers: 1,
    moeLayers: 0,
    given: true,
  }
}

/** Elements of the groups matching `filter`, summed over every layer/instance they occur in. */
export function sumGroups(
  inventory: ParamInventory,
  filter: (group: ParamGroup) => boolean = () => true,
): number {
  const layers = inventory.denseLayers + inventory.moeLayers
  let sum = 0
  for (const group of inventory.groups) {
    if (!filter(group)) continue
    const repeat =
      group.placement !== 'layer'
        ? 1
        : group.layerKind === 'dense'
          ? inventory.denseLayers
          : group.layerKind === 'moe'
            ? inventory.moeLayers
            : layers
    sum += group.elements * group.count * repeat
  }
  return sum
}
