import type {Architecture} from './architecture.js'
import type {Scenario} from './types.js'

/**
 * One tensor a layer keeps for its backward pass, per micro-batch.
 * - `split: 'tp'`: lives in the head / FFN dimension, split over tensor-parallel ranks.
 * - `split: 'etp'`: a routed expert's FFN dimension, split over expert-tensor-parallel ranks.
 * - `split: 'seq'`: full hidden width, replicated over tensor-parallel ranks
 *   unless sequence parallelism splits it along the sequence.
 * - `quadratic`: grows with s² (eager attention scores); what selective recompute drops.
 */
export interface SavedTensor {
  name: string
  bytes: number
  split: 'tp' | 'etp' | 'seq' | 'none'
  quadratic: boolean
}

export interface ActivationShape {
  /** Tokens per micro-batch on this rank: (seq / cp) × micro-batch. */
  tokens: number
  /** Sequence length this rank attends over (full seq). */
  seq: number
  microBatch: number
  /** Bytes per activation element (2 for 16-bit training, 4 for fp32). */
  bytes: number
}

const maskBytes = 1

/**
 * The tensors one transformer layer saves for backward, derived from the
 * architecture. For a GPT-3-style layer (plain 4h MLP, MHA, dropout, eager
 * attention, 16-bit) they sum to Korthikanti et al. 2022's `sbh(34 + 5as/h)`:
 * norms 4sbh; attention 11sbh + 5as²b; MLP 19sbh.
 */
export function savedTensors(
  model: Architecture,
  shape: ActivationShape,
  scenario: Pick<Scenario, 'attention'>,
  kind: 'dense' | 'moe',
): SavedTensor[] {
  const h = model.hidden as number
  const a = model.heads as number
  const k = model.kvHeads ?? a
  const dh = model.headDim ?? h / a
  const {tokens, bytes} = shape
  const dropout = model.dropout > 0
  const out: SavedTensor[] = []
  const add = (name: string, size: number, split: SavedTensor['split'], quadratic = false) =>
    out.push({name, bytes: size, split, quadratic})

  // Each norm keeps its input.
  add('norm inputs', model.normsPerLayer * tokens * h * bytes, 'seq')
  // Attention block.
  add('attention input (QKV matmul)', tokens * h * bytes, 'seq')
  let contextWidth: number
  if (model.mla) {
    const {qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim} = model.mla
    if (qLoraRank !== undefined) {
      add('q latent (norm input, q_b input)', 2 * tokens * qLoraRank * bytes, 'seq')
    }
    add('kv latent (norm input, kv_b input)', 2 * tokens * kvLoraRank * bytes, 'seq')
    add('decoupled rope key', tokens * qkRopeHeadDim * bytes, 'seq')
    add('Q', tokens * a * (qkNopeHeadDim + qkRopeHeadDim) * bytes, 'tp')
    add('K', tokens * a * (qkNopeHeadDim + qkRopeHeadDim) * bytes, 'tp')
    add('V', tokens * a * vHeadDim * bytes, 'tp')
    contextWidth = a * vHeadDim
  } else {
    add('Q', tokens * a * dh * bytes, 'tp')
    add('K', tokens * k * dh * bytes, 'tp')
    add('V', tokens * k * dh * bytes, 'tp')
    if (model.qkNorm) add('q/k norm inputs', tokens * (a + k) * dh * bytes, 'tp')
    contextWidth = a * dh
  }
  if (scenario.attention === 'eager') {
    const scores = a * tokens * shape.seq
    add('softmax output', scores * bytes, 'tp', true)
    if (dropout) {
      add('attention dropout mask', scores * maskBytes, 'tp', true)
      add('attention dropout output', scores * bytes, 'tp', true)
    }
  } else {
    // FlashAttention keeps only the softmax log-sum-exp (fp32) per head and token.
    add('softmax log-sum-exp', a * tokens * 4, 'tp')
  }
  add('output projection input', tokens * contextWidth * bytes, 'tp')
  if (dropout) add('attention residual dropout mask', tokens * h * maskBytes, 'seq')

  // MLP block.
  add('MLP input', tokens * h * bytes, 'seq')
  const mlpTensors = (
    width: number,
    copies: number,
    label: string,
    split: SavedTensor['split'],
  ) => {
    if (model.mlp === 'gated') {
      // Megatron's fused SwiGLU keeps the gate and up outputs; down_proj keeps its input.
      add(`${label} gate and up outputs`, copies * 2 * tokens * width * bytes, split)
      add(`${label} down input`, copies * tokens * width * bytes, split)
    } else {
      add(`${label} activation input`, copies * tokens * width * bytes, split)
      add(`${label} fc2 input`, copies * tokens * width * bytes, split)
    }
  }
  if (kind === 'moe' && model.moe) {
    const moe = model.moe
    add('router logits (fp32)', tokens * moe.experts * 4, 'none')
    add('routed token copies', moe.expertsPerToken * tokens * h * bytes, 'none')
    mlpTensors(moe.expertFfn, moe.expertsPerToken, 'experts', 'etp')
    if (moe.sharedExperts > 0)
      mlpTensors(moe.sharedExpertFfn, moe.sharedExperts, 'shared experts', 'tp')
  } else {
    mlpTensors(model.ffn as number, 1, 'MLP', 'tp')
  }
  if (dropout) add('MLP residual dropout mask', tokens * h * maskBytes, 'seq')
  return out
}

/** Bytes of a list of saved tensors on one rank. */
export function rankBytes(
  tensors: readonly SavedTensor[],
  tp: number,
  sp: boolean,
  dropQuadratic: boolean,
  etp = tp,
): number {
  let total = 0
  for (const tensor of tensors) {
    if (dropQuadratic && tensor.quadratic) continue
    const divisor =
      tensor.split === 'etp'
        ? etp
        : tensor.split === 'tp' || (tensor.split === 'seq' && sp)
          ? tp
          : 1
    total += tensor.bytes / divisor
  }
  return total
}
