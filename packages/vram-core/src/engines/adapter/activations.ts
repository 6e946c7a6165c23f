/**
 * Activation memory of adapter training on a frozen base, per tensor saved for
 * backward, as Hugging Face transformers and PEFT run it.
 *
 * What a frozen layer keeps, and why (PyTorch autograd saves an operand only
 * when the gradient that needs it is computed):
 * - A frozen linear layer needs its weight for the input gradient, not its
 *   input: the input is not saved unless an adapter reads it. bitsandbytes'
 *   `MatMul4Bit` saved it anyway before 0.43.2 (PR #1270, "fix QLoRA mem bug:
 *   delete useless buffered activation"): `bnb_version` below 0.43.2 keeps
 *   the input of every 4-bit layer.
 * - Each norm keeps its input in fp32: transformers' `LlamaRMSNorm` upcasts
 *   (`hidden_states.to(torch.float32)`) before `pow`/`mean`/`rsqrt`.
 * - Attention keeps Q, K, V, and (flash / SDPA) its output and the fp32
 *   log-sum-exp; eager attention keeps the fp32 softmax output and its 16-bit
 *   copy instead of the output.
 * - The gated MLP `down_proj(act_fn(gate_proj(x)) * up_proj(x))` keeps the gate
 *   output (for the activation), the activation's output and the up output
 *   (for the product); the product itself only when `down_proj` is adapted.
 * - Each adapter keeps the input of `lora_A` and the rank-r output of `lora_A`
 *   (the input of `lora_B`). PEFT casts the input to the adapter dtype
 *   (`_cast_input_dtype`), so an fp32 adapter under autocast keeps its own
 *   16-bit copy; with the same dtype and no dropout the input is the base
 *   layer's and is kept once. On a bitsandbytes base PEFT casts only when
 *   autocast is off (`tuners/lora/bnb.py`), so QLoRA adapters share it. `lora_dropout > 0` keeps a dropped copy and a
 *   1-byte mask per adapter. DoRA also keeps the base output and the LoRA
 *   output for its magnitude scaling (`(m/‖W + BA‖ − 1)·base + m/‖W + BA‖·lora`,
 *   `tuners/lora/dora.py`), and merges one layer's weight at a time for the norm.
 * - The loss: transformers' `ForCausalLMLoss` upcasts the logits to fp32;
 *   at the start of backward the saved log-probabilities, their incoming
 *   gradient and the logits' gradient are three fp32 tensors of s·b·V.
 * - A bitsandbytes base dequantizes one weight at a time into the compute
 *   dtype (forward and backward): one transient of the largest layer.
 * - `recompute: full` is transformers' gradient checkpointing: each decoder
 *   layer keeps only its input; one layer is recomputed at a time in backward.
 */
import type {Architecture, ParamInventory} from '../../model/architecture.js'
import {tex} from '../../output/formula.js'
import type {Adapter, Formula, Scenario} from '../../types.js'
import {type LinearModule, layersOf} from './modules.js'

interface Saved {
  name: string
  bytes: number
}

/** Which tensor an adapter reads: adapters reading the same one can share it. */
function inputSite(module: LinearModule): string {
  const prefix = module.groups[0]?.split('.')[0] ?? ''
  if (module.block === 'attention') {
    if (['o_proj', 'dense', 'c_proj'].includes(module.name)) return 'attention output'
    if (module.name === 'q_b_proj') return 'q latent'
    if (module.name === 'kv_b_proj') return 'kv latent'
    return 'attention input'
  }
  if (module.block === 'router') return 'MLP input'
  const down = ['down_proj', 'w2', 'fc2', 'dense_4h_to_h', 'c_proj'].includes(module.name)
  if (prefix === 'experts') return down ? 'expert down input' : 'expert input'
  return down ? `${prefix} down input` : 'MLP input'
}

/** The tensors one frozen layer of `kind` keeps, adapters included, per micro-batch. */
export function frozenLayerTensors(
  scenario: Pick<Scenario, 'model' | 'microBatch' | 'seq' | 'precision' | 'attention' | 'dtype'>,
  adapter: Adapter,
  kind: 'dense' | 'moe',
  inventory: ParamInventory,
  /** Every linear module: with a pre-0.43.2 bitsandbytes 4-bit base each keeps its input. */
  keepInputsOf: readonly LinearModule[] = [],
): Saved[] {
  const model: Architecture = scenario.model
  const h = model.hidden as number
  const a = model.heads as number
  const k = model.kvHeads ?? a
  const dh = model.headDim ?? h / a
  const t = scenario.microBatch * scenario.seq
  const b = scenario.precision === 'fp32' ? 4 : 2
  const normBytes = model.norm === 'rms' ? 4 : b
  const out: Saved[] = []
  const add = (name: string, bytes: number) => {
    if (bytes > 0) out.push({name, bytes})
  }

  add('norm inputs (fp32)', model.normsPerLayer * t * h * normBytes)
  let contextWidth = a * dh
  if (model.mla) {
    const {qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim} = model.mla
    if (qLoraRank !== undefined) add('q latent norm input', t * qLoraRank * normBytes)
    add('kv latent norm input', t * kvLoraRank * normBytes)
    add('decoupled rope key', t * qkRopeHeadDim * b)
    add('Q, K', 2 * t * a * (qkNopeHeadDim + qkRopeHeadDim) * b)
    add('V', t * a * vHeadDim * b)
    contextWidth = a * vHeadDim
  } else {
    add('Q, K, V', t * (a + 2 * k) * dh * b)
    if (model.qkNorm) add('q/k norm inputs (fp32)', t * (a + k) * dh * normBytes)
  }
  const flash = scenario.attention === 'flash'
  if (flash) {
    add('attention output', t * contextWidth * b)
    add('softmax log-sum-exp', a * t * 4)
  } else {
    // transformers' eager_attention_forward: softmax(…, dtype=float32).to(query.dtype) keeps
    // the fp32 probabilities (softmax backward) and their 16-bit copy (the matmul with V).
    const scores = a * t * scenario.seq
    add('softmax output', scores * (b === 4 ? 4 : 4 + b))
    if (model.dropout > 0) add('attention dropout mask and output', scores * (1 + b))
  }
  if (model.dropout > 0) add('residual dropout masks', 2 * t * h)

  const mlp = (width: number, copies: number, label: string) =>
    add(
      model.mlp === 'gated' ? `${label}: gate, activation and up outputs` : `${label}: fc1 output`,
      (model.mlp === 'gated' ? 3 : 1) * copies * t * width * b,
    )
  if (kind === 'moe' && model.moe) {
    const moe = model.moe
    add('router probabilities (fp32)', t * moe.experts * 4)
    mlp(moe.expertFfn, moe.expertsPerToken, 'experts')
    add('expert outputs (scaled by the routing weight)', moe.expertsPerToken * t * h * b)
    if (moe.sharedExperts > 0) mlp(moe.sharedExpertFfn, moe.sharedExperts, 'shared experts')
  } else {
    mlp(model.ffn as number, 1, 'MLP')
  }

  // Adapters on this layer kind.
  // PEFT's LoRA Linear casts the input to the adapter dtype (`_cast_input_dtype`); its
  // bitsandbytes layers (`tuners/lora/bnb.py`) only when autocast is off.
  const c = scenario.precision === 'mixed' ? 2 : adapter.dtype.bits / 8
  const bnbBase = scenario.dtype.bits < 16
  const cast = scenario.precision === 'mixed' ? adapter.dtype.bits !== 16 && !bnbBase : c !== b
  const ownCopy = cast || adapter.dropout > 0
  const shared = new Map<string, number>()
  let inputs = 0
  let masks = 0
  let ranks = 0
  let dora = 0
  for (const module of adapter.modules) {
    if (module.layerKind !== 'all' && module.layerKind !== kind) continue
    if (layersOf(module, inventory) === 0) continue
    const tokens = t * module.activeCount
    const site = inputSite(module)
    if (ownCopy) inputs += tokens * module.inFeatures * c
    else if (!(site === 'attention output' && flash))
      shared.set(site, Math.max(shared.get(site) ?? 0, tokens * module.inFeatures * b))
    if (adapter.dropout > 0) masks += tokens * module.inFeatures
    ranks += tokens * adapter.rank * c
    if (adapter.type === 'dora') dora += tokens * module.outFeatures * (b + c)
  }
  let legacy = 0
  for (const module of keepInputsOf) {
    if (module.layerKind !== 'all' && module.layerKind !== kind) continue
    if (layersOf(module, inventory) === 0) continue
    const site = inputSite(module)
    if (shared.has(site) || (site === 'attention output' && flash)) continue
    const bytes = t * module.activeCount * module.inFeatures * b
    shared.set(site, bytes)
    legacy += bytes
  }
  // Inputs shared by adapters count once; the legacy ones are reported on their own row.
  for (const bytes of shared.values()) inputs += bytes
  inputs -= legacy
  add('4-bit layer inputs kept by bitsandbytes < 0.43.2', legacy)
  add('adapter inputs', inputs)
  add('adapter dropout masks', masks)
  add('adapter rank-r intermediates', ranks)
  add('DoRA base and LoRA outputs', dora)
  return out
}

const sum = (tensors: readonly Saved[]) => tensors.reduce((total, entry) => total + entry.bytes, 0)

/** The largest transient weight: a dequantized base matrix, or DoRA's merged weight. */
function transientBytes(scenario: Scenario, adapter: Adapter, modules: readonly LinearModule[]) {
  const quantized = scenario.dtype.bits < 16
  let largest = 0
  for (const module of modules) {
    const elements = module.inFeatures * module.outFeatures
    if (quantized) largest = Math.max(largest, elements * 2)
  }
  if (adapter.type === 'dora') {
    // PEFT's DoraLinearLayer.forward (tuners/lora/dora.py @ 5d602fd) builds, per layer, the
    // base weight in the activation dtype, lora_B·lora_A and their sum for the column norm.
    const b = scenario.precision === 'fp32' ? 4 : 2
    for (const module of adapter.modules)
      largest = Math.max(largest, module.inFeatures * module.outFeatures * 3 * b)
  }
  return largest
}

/** Activation bytes of adapter training on one device, with its formula. */
export function adapterActivations(
  scenario: Scenario,
  adapter: Adapter,
  inventory: ParamInventory,
  modules: readonly LinearModule[],
): {bytes: number; formula: Formula; note: string; offloaded: number} {
  const model = scenario.model
  const h = model.hidden as number
  const V = model.vocab as number
  const t = scenario.microBatch * scenario.seq
  const b = scenario.precision === 'fp32' ? 4 : 2
  const dense = inventory.denseLayers
  const moe = inventory.moeLayers
  const layers = dense + moe
  const perLayer = (kind: 'dense' | 'moe') => {
    const legacy = adapter.legacyBnb && scenario.dtype.bits < 8 ? modules : []
    const tensors = frozenLayerTensors(scenario, adapter, kind, inventory, legacy)
    const quadratic = scenario.recompute !== 'none' && scenario.attention === 'eager'
    return sum(quadratic ? tensors.filter((entry) => entry.name !== 'softmax output') : tensors)
  }
  const denseBytes = dense > 0 ? perLayer('dense') : 0
  const moeBytes = moe > 0 ? perLayer('moe') : 0
  const normBytes = model.norm === 'rms' ? 4 : b
  // Token ids and labels (int64), the final norm's fp32 input, the loss in fp32.
  const head = 16 * t + t * h * normBytes + 12 * t * V
  const transient = transientBytes(scenario, adapter, modules)
  let layerTotal: number
  let symbolic: string
  let substituted: string
  let offloaded = 0
  if (scenario.recompute === 'full' || scenario.recompute === 'offload') {
    const checkpoint = t * h * b
    const working = Math.max(denseBytes, moeBytes)
    // Offloaded checkpoints keep the layer inputs in CPU memory, one back on the GPU at a time.
    const kept = scenario.recompute === 'offload' ? 1 : layers
    offloaded = (layers - kept) * checkpoint
    layerTotal = kept * checkpoint + working
    symbolic = `M_{act} = ${kept === 1 && layers > 1 ? '' : 'L \\cdot '}${b} s b h + M_{layer} + M_{head} + M_{tmp}`
    substituted = `${kept === 1 && layers > 1 ? '' : `${layers} \\cdot `}${tex(checkpoint)} + ${tex(working)}`
  } else {
    layerTotal = dense * denseBytes + moe * moeBytes
    symbolic = 'M_{act} = L \\cdot M_{layer} + M_{head} + M_{tmp}'
    substituted =
      moe > 0 && dense > 0
        ? `${dense} \\cdot ${tex(denseBytes)} + ${moe} \\cdot ${tex(moeBytes)}`
        : `${layers} \\cdot ${tex(Math.max(denseBytes, moeBytes))}`
  }
  substituted += ` + ${tex(head)} + ${tex(transient)}`
  const bytes = Math.ceil(layerTotal + head + transient)
  const note = `frozen base: only tensors the input gradients and the adapters need; micro-batch ${scenario.microBatch} × ${scenario.seq} tokens, ${scenario.attention} attention, ${scenario.recompute === 'full' ? 'gradient checkpointing (one layer recomputed at a time)' : scenario.recompute === 'offload' ? `gradient checkpointing with the layer inputs (${offloaded} bytes) in CPU memory` : `recompute ${scenario.recompute}`}; fp32 log-probabilities and gradients at the loss${transient > 0 ? '; one dequantized or merged weight in flight' : ''}`
  return {bytes, formula: {symbolic, substituted}, note, offloaded}
}
