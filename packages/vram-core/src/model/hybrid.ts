/**
 * Hybrid models whose layers are not all attention + MLP: their exact
 * parameter count, the layers that hold a KV cache, and the state each
 * recurrent layer keeps per sequence.
 *
 * - Qwen3-Next (`qwen3_next`; transformers `models/qwen3_next/modeling_qwen3_next.py`):
 *   every `full_attention_interval`-th layer is gated attention (q_proj emits
 *   query and gate: d → 2·a·d_h; per-head q/k RMSNorm), the others Gated
 *   DeltaNet (in_proj_qkvz d → 2·K + 2·V, in_proj_ba d → 2·H_v, conv1d
 *   (2K + V) × kernel without bias, dt_bias and A_log per value head, a gated
 *   RMSNorm of d_v, out_proj V → d, with K = H_k·d_k and V = H_v·d_v); every
 *   layer has a MoE (router d × E, E experts and one shared expert of
 *   3·d·f, a sigmoid shared-expert gate d → 1) unless in `mlp_only_layers`.
 *   The checkpoint's MTP layer (fc 2d → d, two pre-norms, one attention MoE
 *   decoder layer, a final norm) is counted only with `mtp`.
 * - Nemotron-H (`nemotron_h`; NVIDIA's `modeling_nemotron_h.py`): one block per
 *   character of `hybrid_override_pattern`, each an RMSNorm and a mixer:
 *   `M` Mamba-2 (in_proj d → I + C + H with I = H·P, C = I + 2·G·N; conv1d
 *   C × kernel with bias; dt_bias, A_log, D per head; gated RMSNorm of I;
 *   out_proj I → d), `*` attention (q, k, v, o, no bias), `-` a squared-ReLU
 *   MLP (up d → f, down f → d).
 *
 * Per-sequence state (vLLM `MambaStateShapeCalculator`,
 * vllm-project/vllm@02d710837549a368073552333f66d714477415d2
 * `vllm/model_executor/layers/mamba/mamba_utils.py`), per recurrent layer:
 * - Gated DeltaNet: conv (kernel − 1) × (2·H_k·d_k + H_v·d_v) / tp, recurrent
 *   H_v / tp × d_v × d_k;
 * - Mamba-2: conv (kernel − 1) × (I + 2·G·N) / tp (G padded to a multiple of
 *   tp), SSM H / tp × P × N.
 * Both in the model dtype (vLLM's `mamba_cache_dtype` and
 * `mamba_ssm_cache_dtype` default `auto`).
 */
import {limits} from '../input/limits.js'

export interface HybridState {
  /** `qwen3_next` or `nemotron_h`. */
  kind: string
  /** For captions: "36 Gated DeltaNet + 12 attention layers". */
  label: string
  /** Parameters used per token (routed experts: top-k of E), MTP left out. */
  activeParams: number
  /** All layers (blocks), the model width and vocabulary: shown, never used to derive a count. */
  layers: number
  hidden: number
  vocab: number
  /** Layers with a KV cache, their KV heads and head size. */
  attentionLayers: number
  kvHeads: number
  headDim: number
  /** Recurrent layers and what each keeps per sequence (elements, before tp). */
  recurrentLayers: number
  recurrentKind: 'gated-delta-net' | 'mamba2'
  /** Conv state: channels (split over tp) × (kernel − 1). */
  convChannels: number
  convLength: number
  /** Recurrent / SSM state: heads (split over tp) × two sizes. */
  stateHeads: number
  stateShape: readonly [number, number]
  /** Mamba-2 groups (padded to tp when not divisible), 0 for Gated DeltaNet. */
  groups: number
  groupStateSize: number
  /** Parameters of the checkpoint's MTP module, counted with `mtp`. */
  mtpParams: number
}

export interface HybridCount {
  params: number
  /** Parameters used per token (routed experts: top-k of E). */
  active: number
  hidden: number
  vocab: number
  layers: number
  state: HybridState
}

/** A size field: a whole number from 1 to 2^24 (no model dimension is larger; 0 would divide by zero). */
const int = (config: Readonly<Record<string, unknown>>, key: string): number | undefined => {
  const value = config[key]
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= 2 ** 24
    ? value
    : undefined
}

/** A count past the plausible limit is refused like a missing field: never an absurd figure. */
function plausible(reading: HybridReading): HybridReading {
  if (reading && 'count' in reading && !(reading.count.params <= limits.params)) {
    return {missing: ['sizes whose count stays under 10^15 parameters']}
  }
  return reading
}

/** Config fields a hybrid needs and lacks, for the diagnostic. */
export type HybridReading = {count: HybridCount} | {missing: string[]} | undefined

function need(
  config: Readonly<Record<string, unknown>>,
  keys: readonly string[],
): {values: Record<string, number>; missing: string[]} {
  const values: Record<string, number> = {}
  const missing: string[] = []
  for (const key of keys) {
    const value = int(config, key)
    if (value === undefined) missing.push(key)
    else values[key] = value
  }
  return {values, missing}
}

function qwen3Next(config: Readonly<Record<string, unknown>>): HybridReading {
  const {values: v, missing} = need(config, [
    'hidden_size',
    'num_hidden_layers',
    'vocab_size',
    'num_attention_heads',
    'num_key_value_heads',
    'head_dim',
    'full_attention_interval',
    'linear_num_key_heads',
    'linear_num_value_heads',
    'linear_key_head_dim',
    'linear_value_head_dim',
    'linear_conv_kernel_dim',
    'num_experts',
    'num_experts_per_tok',
    'moe_intermediate_size',
    'shared_expert_intermediate_size',
    'intermediate_size',
  ])
  if (missing.length > 0) return {missing}
  const d = v.hidden_size as number
  const layers = v.num_hidden_layers as number
  const vocab = v.vocab_size as number
  const interval = Math.max(1, v.full_attention_interval as number)
  const a = v.num_attention_heads as number
  const kv = v.num_key_value_heads as number
  const dh = v.head_dim as number
  const K = (v.linear_num_key_heads as number) * (v.linear_key_head_dim as number)
  const Hv = v.linear_num_value_heads as number
  const V = Hv * (v.linear_value_head_dim as number)
  const kernel = v.linear_conv_kernel_dim as number
  const E = v.num_experts as number
  const topK = v.num_experts_per_tok as number
  const f = v.moe_intermediate_size as number
  const fs = v.shared_expert_intermediate_size as number
  const dense = v.intermediate_size as number
  const tied = config.tie_word_embeddings === true
  const mlpOnly = new Set(
    Array.isArray(config.mlp_only_layers)
      ? config.mlp_only_layers.filter((n): n is number => typeof n === 'number')
      : [],
  )
  const sparseStep = Math.max(1, int(config, 'decoder_sparse_step') ?? 1)

  // Gated attention: q_proj emits query and gate; per-head q/k RMSNorm.
  const attention = d * 2 * a * dh + 2 * d * kv * dh + a * dh * d + 2 * dh
  const conv = 2 * K + V
  const deltaNet = d * (2 * K + 2 * V) + d * 2 * Hv + conv * kernel + 2 * Hv + V / Hv + V * d
  const expert = 3 * d * f
  const moe = d * E + E * expert + 3 * d * fs + d
  const moeActive = d * E + topK * expert + 3 * d * fs + d
  const denseMlp = 3 * d * dense
  let params = vocab * d * (tied ? 1 : 2) + d
  let active = params
  let attentionLayers = 0
  for (let layer = 0; layer < layers; layer++) {
    const isAttention = (layer + 1) % interval === 0
    if (isAttention) attentionLayers++
    const mixer = isAttention ? attention : deltaNet
    const sparse = !mlpOnly.has(layer) && E > 0 && (layer + 1) % sparseStep === 0
    params += 2 * d + mixer + (sparse ? moe : denseMlp)
    active += 2 * d + mixer + (sparse ? moeActive : denseMlp)
  }
  // MTP (`mtp.*`): fc 2d → d, pre_fc_norm_embedding and _hidden, one attention MoE layer, a norm.
  const mtpParams = 2 * d * d + 2 * d + (2 * d + attention + moe) + d
  const recurrent = layers - attentionLayers
  return {
    count: {
      params,
      active,
      hidden: d,
      vocab,
      layers,
      state: {
        kind: 'qwen3_next',
        activeParams: active,
        layers,
        hidden: d,
        vocab,
        label: `${recurrent} Gated DeltaNet + ${attentionLayers} attention layers`,
        attentionLayers,
        kvHeads: kv,
        headDim: dh,
        recurrentLayers: recurrent,
        recurrentKind: 'gated-delta-net',
        convChannels: conv,
        convLength: kernel - 1,
        stateHeads: Hv,
        stateShape: [V / Hv, K / (v.linear_num_key_heads as number)],
        groups: 0,
        groupStateSize: 0,
        mtpParams,
      },
    },
  }
}

function nemotronH(config: Readonly<Record<string, unknown>>): HybridReading {
  const {values: v, missing} = need(config, [
    'hidden_size',
    'vocab_size',
    'num_attention_heads',
    'num_key_value_heads',
    'intermediate_size',
    'mamba_num_heads',
    'mamba_head_dim',
    'n_groups',
    'ssm_state_size',
    'conv_kernel',
  ])
  const pattern = config.hybrid_override_pattern
  if (typeof pattern !== 'string' || !/^[M*\-E]+$/.test(pattern))
    missing.push('hybrid_override_pattern')
  else if (pattern.includes('E'))
    return {missing: ['the MoE blocks (`E`) of hybrid_override_pattern']}
  if (missing.length > 0) return {missing}
  const blocks = pattern as string
  const d = v.hidden_size as number
  const vocab = v.vocab_size as number
  const a = v.num_attention_heads as number
  const kv = v.num_key_value_heads as number
  const dh = int(config, 'attention_head_dim') ?? int(config, 'head_dim') ?? d / a
  const f = v.intermediate_size as number
  const H = v.mamba_num_heads as number
  const P = v.mamba_head_dim as number
  const G = v.n_groups as number
  const N = v.ssm_state_size as number
  const kernel = v.conv_kernel as number
  const I = H * P
  const C = I + 2 * G * N
  const bias = config.use_bias === true
  const convBias = config.use_conv_bias !== false
  const mamba =
    d * (I + C + H) +
    (bias ? I + C + H : 0) +
    C * kernel +
    (convBias ? C : 0) +
    3 * H +
    I +
    I * d +
    (bias ? d : 0)
  const attentionBias = config.attention_bias === true
  const attention =
    d * a * dh + 2 * d * kv * dh + a * dh * d + (attentionBias ? a * dh + 2 * kv * dh + d : 0)
  const mlpBias = config.mlp_bias === true
  const mlp = 2 * d * f + (mlpBias ? f + d : 0)
  const tied = config.tie_word_embeddings === true
  let params = vocab * d * (tied ? 1 : 2) + d
  let attentionLayers = 0
  let mambaLayers = 0
  for (const block of blocks) {
    params += d
    if (block === 'M') {
      params += mamba
      mambaLayers++
    } else if (block === '*') {
      params += attention
      attentionLayers++
    } else params += mlp
  }
  return {
    count: {
      params,
      active: params,
      hidden: d,
      vocab,
      layers: blocks.length,
      state: {
        kind: 'nemotron_h',
        activeParams: params,
        layers: blocks.length,
        hidden: d,
        vocab,
        label: `${mambaLayers} Mamba-2 + ${attentionLayers} attention + ${blocks.length - mambaLayers - attentionLayers} MLP blocks`,
        attentionLayers,
        kvHeads: kv,
        headDim: dh,
        recurrentLayers: mambaLayers,
        recurrentKind: 'mamba2',
        convChannels: I,
        convLength: kernel - 1,
        stateHeads: H,
        stateShape: [P, N],
        groups: G,
        groupStateSize: N,
        mtpParams: 0,
      },
    },
  }
}

const readers: Readonly<
  Record<string, (config: Readonly<Record<string, unknown>>) => HybridReading>
> = {
  qwen3_next: qwen3Next,
  nemotron_h: nemotronH,
}

/** A hybrid this engine counts (`{count}`), one it lacks fields for (`{missing}`), or `undefined`. */
export function hybridCount(config: Readonly<Record<string, unknown>>): HybridReading {
  const type = typeof config.model_type === 'string' ? config.model_type.toLowerCase() : ''
  return Object.hasOwn(readers, type) ? plausible(readers[type]?.(config)) : undefined
}

/**
 * Elements one sequence keeps in each recurrent layer on one tensor-parallel
 * rank: conv state and recurrent (SSM) state, as vLLM allocates them.
 */
export function stateElementsPerLayer(state: HybridState, tp: number): {conv: number; ssm: number} {
  if (state.recurrentKind === 'mamba2') {
    // Groups not divisible by tp are replicated so each head keeps its group.
    const groups = state.groups % tp === 0 ? state.groups : state.groups + tp - state.groups
    const channels = state.convChannels + 2 * groups * state.groupStateSize
    return {
      conv: (channels / tp) * state.convLength,
      ssm: (state.stateHeads / tp) * state.stateShape[0] * state.stateShape[1],
    }
  }
  return {
    conv: (state.convChannels / tp) * state.convLength,
    ssm: (state.stateHeads / tp) * state.stateShape[0] * state.stateShape[1],
  }
}
