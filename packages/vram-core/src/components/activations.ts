/**
 * Activations (training): the tensors each layer saves for its backward pass,
 * derived per tensor from the architecture (Korthikanti et al. 2022), per
 * pipeline stage and micro-batch in flight.
 */
import type {Architecture} from '../model/architecture.js'
import {requireShape} from '../model/params.js'
import {type ComponentMemory, tex} from '../output/formula.js'
import {korthikanti} from '../output/sources.js'
import type {Scenario, Source} from '../types.js'
import {type Chunk, heldAtPeak, type Stage} from './layout.js'

/** Korthikanti et al.'s Table 2, derived per saved tensor. */
export const activationsSource: Source = {...korthikanti, locator: 'Table 2'}

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

/**
 * Activation memory of one device on `stage` (training): the saved tensors of
 * each layer on the stage, times the micro-batches the pipeline schedule keeps
 * in flight, plus the embedding's and the loss's tensors on the first and last
 * stages. Throws `VramInputError` when the model has no shape.
 */
export function activationsMemory(scenario: Scenario, stage: Stage): ComponentMemory {
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
  const seqSplit = p.sp ? p.tp : 1
  const full = scenario.recompute === 'full' || scenario.recompute === 'offload'
  // Full recomputation keeps only each layer's input (Korthikanti: 2sbh per layer).
  const input = (tokens * h * bytes) / seqSplit

  // Per micro-batch of each chunk: its layers' saved tensors, plus the model's ends.
  // First chunk: token ids (int64) and the embedding dropout mask. Last chunk: final-norm
  // input, LM-head input and fp32 logits for the loss (Korthikanti: 4sbh(1 + V/h)/t).
  const layerPart = (chunk: Chunk) =>
    full
      ? chunk.layers * input
      : chunk.denseLayers * layerBytes('dense') + chunk.moeLayers * layerBytes('moe')
  const endsPart = (chunk: Chunk) =>
    (chunk.first ? tokens * 8 + (model.dropout > 0 ? (tokens * h) / seqSplit : 0) : 0) +
    (chunk.last ? (2 * tokens * h * bytes) / seqSplit + (4 * tokens * V) / p.tp : 0)
  const weights = stage.chunks.map((chunk) => layerPart(chunk) + endsPart(chunk))
  const held = heldAtPeak(scenario, stage, weights)
  const sumHeld = (part: (chunk: Chunk) => number) =>
    stage.chunks.reduce((sum, chunk, index) => sum + (held[index] ?? 0) * part(chunk), 0)
  // Micro-batches in flight, as whole-stage equivalents (chunk forwards / vpp when chunks are even).
  const inflight = stage.layers > 0 ? sumHeld((chunk) => chunk.layers) / stage.layers : 0
  const extras = sumHeld(endsPart)
  const dense = stage.denseLayers
  const moe = stage.moeLayers

  let perLayerTotal: number
  let symbolic: string
  let substituted: string
  let offloaded = 0
  if (full) {
    // One layer at a time is recomputed in full during backward.
    const working = Math.max(
      dense > 0 ? fullLayerBytes('dense') : 0,
      moe > 0 ? fullLayerBytes('moe') : 0,
    )
    const checkpoints = sumHeld(layerPart)
    if (scenario.recompute === 'offload') {
      // Offloaded checkpoints (unsloth-zoo's Unsloth_Offloaded_Gradient_Checkpointer) keep
      // every layer input in CPU memory and copy one back to recompute its layer.
      const kept = Math.min(input, checkpoints)
      offloaded = Math.ceil(checkpoints - kept)
      perLayerTotal = kept + working
      symbolic = `M_{act} = ${bytes} s b h${seqSplit > 1 ? ' / N_{tp}' : ''} + M_{layer}`
      substituted = `${bytes} \\cdot ${tex(seqLocal)} \\cdot ${b} \\cdot ${tex(h)}${seqSplit > 1 ? ` / ${p.tp}` : ''} + ${tex(Math.round(working))}`
    } else {
      perLayerTotal = checkpoints + working
      symbolic = `M_{act} = n_{mb} \\cdot L_{dev} \\cdot ${bytes} s b h${seqSplit > 1 ? ' / N_{tp}' : ''} + M_{layer}`
      substituted = `${tex(inflight)} \\cdot ${stage.layers} \\cdot ${bytes} \\cdot ${tex(seqLocal)} \\cdot ${b} \\cdot ${tex(h)}${seqSplit > 1 ? ` / ${p.tp}` : ''} + ${tex(Math.round(working))}`
    }
  } else {
    perLayerTotal = sumHeld(layerPart)
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
  const total = Math.ceil(perLayerTotal + extras)
  symbolic += ' + M_{emb} + M_{logits}'
  substituted += ` + ${tex(Math.round(extras))}`
  const schedule =
    stage.chunks.length > 1
      ? `${held.reduce((sum, count) => sum + count, 0)} chunk forwards of ${stage.chunks.length} interleaved chunks in flight (${Number(inflight.toPrecision(4))} stage micro-batches)`
      : `${Number(inflight.toPrecision(4))} micro-batch(es) in flight`
  const note = `${stage.layers} layers on the most loaded stage, ${schedule}, micro-batch ${b} × ${seqLocal} tokens; ${scenario.attention} attention, recompute ${scenario.recompute}; logits in fp32 on the last stage`
  return {
    bytes: total,
    formula: {symbolic, substituted},
    note:
      offloaded > 0 ? `${note}; the other layer inputs (${offloaded} bytes) in CPU memory` : note,
    ...(offloaded > 0 ? {offloaded} : {}),
  }
}
