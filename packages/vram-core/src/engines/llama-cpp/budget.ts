/**
 * llama.cpp's memory as it loads a model, per device: model buffers (which
 * tensors land on the GPU and which stay on the CPU), the KV cache at its cache
 * types, and the compute buffers ggml-alloc reserves for the worst-case graph.
 * Each term follows llama.cpp's code at the commit in ./sources.ts.
 */
import type {Architecture} from '../../model/architecture.js'
import {tex} from '../../output/formula.js'
import type {Dtype} from '../../types.js'
import type {EngineBudget, EngineTerm} from '../types.js'
import {llamaCppTensors, type Placement, place} from './placement.js'
import {blockCount, type LlamaCppSettings, rowSize} from './settings.js'
import {llamaCppSources} from './sources.js'

const MiB = 2 ** 20

/** Which blocks use a sliding window: the full-attention ones spread evenly (Gemma 3: every 6th; gpt-oss: every 2nd). */
export function slidingBlocks(model: Architecture): boolean[] {
  const blocks = blockCount(model)
  const sliding = Math.min(model.slidingWindow?.layers ?? 0, blocks)
  const full = blocks - sliding
  return Array.from({length: blocks}, (_, i) =>
    sliding === 0
      ? false
      : Math.floor(((i + 1) * full) / blocks) === Math.floor((i * full) / blocks),
  )
}

/** K and V elements per token of one layer (`n_embd_k_gqa`, `n_embd_v_gqa`). */
export function kvWidths(model: Architecture): {k: number; v: number} {
  if (model.mla) {
    // MLA as llama.cpp stores it: the compressed latent and the shared rope key, in K;
    // V is read from the same latent.
    return {k: model.mla.kvLoraRank + model.mla.qkRopeHeadDim, v: 0}
  }
  const heads = model.heads ?? 1
  const kvHeads = model.kvHeads ?? heads
  const dh = model.headDim ?? (model.hidden ?? 0) / heads
  return {k: kvHeads * dh, v: kvHeads * dh}
}

export interface KvLayout {
  /** Cells (tokens) per layer: n_ctx, or the sliding window's share for SWA layers. */
  cells: number[]
  /** Bytes per layer. */
  bytes: number[]
  total: number
  /** Bytes of one cell of one full layer, K + V. */
  cellBytes: number
  swaCells: number
}

/**
 * The KV cache: per layer, ggml_row_size(type_k, n_embd_k_gqa) +
 * ggml_row_size(type_v, n_embd_v_gqa) bytes per cell; n_ctx cells (all slots
 * together, whether in one stream or one per slot); sliding-window layers keep
 * min(n_ctx, pad(n_swa × streams + n_ubatch, 256)) (`llama_kv_cache_iswa`).
 */
export function kvLayout(model: Architecture, settings: LlamaCppSettings): KvLayout {
  const {k, v} = kvWidths(model)
  const cellBytes = rowSize(settings.cacheTypeK, k) + rowSize(settings.cacheTypeV, v)
  const sliding = slidingBlocks(model)
  const window = model.slidingWindow?.window ?? 0
  const streams = settings.kvUnified ? 1 : settings.parallel
  const ubatch = Math.min(settings.ubatchSize, settings.batchSize)
  const swaCells = Math.min(settings.nCtx, Math.ceil((window * streams + ubatch) / 256) * 256)
  const cells = sliding.map((swa) => (swa ? swaCells : settings.nCtx))
  const bytes = cells.map((n) => n * cellBytes)
  return {cells, bytes, total: bytes.reduce((a, b) => a + b, 0), cellBytes, swaCells}
}

/** Elements per token alive at each phase of one layer of the worst-case graph (f32 activations). */
function phases(model: Architecture, settings: LlamaCppSettings, nKv: number, tokens: number) {
  const h = model.hidden ?? 0
  const heads = model.heads ?? 1
  const {k, v} = kvWidths(model)
  const dh = model.headDim ?? h / heads
  const q = model.mla ? heads * (model.mla.qkNopeHeadDim + model.mla.qkRopeHeadDim) : heads * dh
  const kNew = model.mla ? model.mla.kvLoraRank + model.mla.qkRopeHeadDim : k
  const vNew = model.mla ? heads * model.mla.vHeadDim : v
  const maskRows = Math.ceil(tokens / 64) * 64
  // The KQ mask: f32 n_kv × pad(n_tokens, GGML_KQ_MASK_PAD = 64), cast to f16 for flash attention.
  const mask = nKv * maskRows * 4 + (settings.flashAttn ? nKv * maskRows * 2 : 0)
  // Residual stream, Q, the new K and V, and without flash attention the f32 scores
  // n_kv × n_tokens × n_head (softmax runs in place).
  const streamBytes = (h + q + kNew + vNew) * tokens * 4
  const scores = settings.flashAttn ? heads * dh * tokens * 4 : nKv * tokens * heads * 4
  const attention = streamBytes + mask + scores
  let ffnElements = 0
  if (model.moe) {
    const e = model.moe
    // Routed experts (ggml_mul_mat_id): gate and up outputs per selected expert, the down outputs,
    // the router's logits and probabilities; a shared expert as a dense MLP.
    ffnElements =
      2 * h +
      e.expertsPerToken * (2 * e.expertFfn + h) +
      2 * e.experts +
      (e.sharedExperts > 0 ? 2 * e.sharedExpertFfn * e.sharedExperts : 0)
  }
  const dense = (model.mlp === 'gated' ? 2 : 1) * (model.ffn ?? 0) + 2 * h
  const ffn = Math.max(ffnElements, dense) * tokens * 4
  return {attention, ffn, mask, streamBytes, scores}
}

/**
 * llama.cpp's budget for the block: per device, model buffers, KV cache and
 * compute buffers.
 */
export function llamaCppBudget(
  model: Architecture,
  weights: Dtype,
  settings: LlamaCppSettings,
  unified: boolean,
): EngineBudget {
  const blocks = blockCount(model)
  const tensors = llamaCppTensors(model, weights) ?? []
  const placement: Placement = place(tensors, blocks, settings.nGpuLayers)
  const kv = kvLayout(model, settings)
  const onGpu = (layer: number) => !settings.noKvOffload && layer >= placement.firstGpuBlock
  let kvGpu = 0
  let kvHost = 0
  kv.bytes.forEach((bytes, layer) => {
    if (onGpu(layer)) kvGpu += bytes
    else kvHost += bytes
  })

  // Compute buffers: the worst-case prompt graph of n_tokens = min(n_ctx, n_ubatch) tokens,
  // every token producing logits (graph_reserve(n_tokens, n_seqs, n_tokens)).
  const ubatch = Math.min(settings.ubatchSize, settings.batchSize)
  const tokens = Math.min(settings.nCtx, ubatch)
  const nKv = settings.nCtx / (settings.kvUnified ? 1 : settings.parallel)
  const h = model.hidden ?? 0
  const vocab = model.vocab ?? 0
  const phase = phases(model, settings, nKv, tokens)
  const logits = vocab * tokens * 4 + h * tokens * 4
  const gpuBlocks = placement.gpuBlocks
  const cpuBlocks = blocks - gpuBlocks
  // The CUDA scheduler runs a CPU-resident matrix product on the GPU for batches of 32 or
  // more (`offload_op`), copying the weight into the GPU's compute buffer.
  const offloadOps = tokens >= 32
  const gpuPhases: number[] = []
  if (gpuBlocks > 0) {
    gpuPhases.push(settings.noKvOffload ? phase.ffn : Math.max(phase.attention, phase.ffn))
  }
  if (placement.outputOnGpu) gpuPhases.push(logits)
  else if (offloadOps && gpuBlocks > 0) gpuPhases.push(logits + placement.outputMatrixBytes)
  if (cpuBlocks > 0 && offloadOps && gpuBlocks >= 0)
    gpuPhases.push(placement.largestCpuMatrix + phase.ffn)
  const computeGpu = unified
    ? Math.max(0, ...gpuPhases, phase.attention, logits)
    : Math.max(0, ...gpuPhases)
  // The host buffer holds the graph's inputs (the embedded tokens and the f32 mask, which
  // the GPU copies) and the activations of layers left on the CPU.
  const inputs = h * tokens * 4 + nKv * Math.ceil(tokens / 64) * 64 * 4 + 3 * tokens * 4
  const cpuPhase =
    cpuBlocks > 0 || settings.noKvOffload
      ? Math.max(
          settings.noKvOffload || cpuBlocks > 0 ? phase.attention : 0,
          cpuBlocks > 0 ? phase.ffn : 0,
        )
      : 0
  const computeHost = unified ? 0 : inputs + cpuPhase

  // With unified memory (Apple silicon) the GPU maps the whole memory-mapped file.
  const fileBytes = placement.gpuBytes + placement.cpuBytes
  const weightsGpu = unified ? (settings.mmap ? fileBytes : placement.gpuBytes) : placement.gpuBytes
  const weightsHost = unified ? (settings.mmap ? 0 : placement.cpuBytes) : placement.cpuBytes

  const gpuLayers = Math.min(settings.nGpuLayers, blocks + 1)
  const cellBytes = kv.cellBytes
  const terms: EngineTerm[] = [
    {
      key: 'weights',
      gpu: weightsGpu,
      host: weightsHost,
      formula: {
        symbolic:
          'M_{w}^{GPU} = \\sum_{l \\ge L - n_{gpu}} M_{blk,l} + [n_{gpu} > L]\\,M_{out},\\quad M_{w}^{CPU} = M_{tok\\_embd} + \\sum_{l < L - n_{gpu}} M_{blk,l}',
        substituted: `M_{w}^{GPU} = ${tex(placement.gpuBytes)},\\quad M_{w}^{CPU} = ${tex(placement.cpuBytes)}`,
      },
      source: model.ggufTensors ? llamaCppSources.weights : llamaCppSources.gguf,
      note: `${placement.gpuBlocks} of ${blocks} blocks${placement.outputOnGpu ? ' and the output layer' : ''} on the GPU; token embedding${placement.firstGpuBlock > 0 ? ` and blocks 0–${placement.firstGpuBlock - 1}` : ''} on the CPU${model.ggufTensors ? '; tensors from the GGUF file' : `; ${weights.name} as llama-quantize mixes it`}${unified && settings.mmap ? '; unified memory: the GPU maps the whole file' : ''}`,
    },
    {
      key: 'kvCache',
      gpu: kvGpu,
      host: kvHost,
      formula: {
        symbolic:
          'M_{kv} = n_{ctx} \\cdot \\sum_{l} \\left(\\mathrm{row}(t_k, n_{kv} d_k) + \\mathrm{row}(t_v, n_{kv} d_v)\\right)',
        substituted: `${settings.nCtx} \\cdot ${kv.cells.length} \\cdot ${cellBytes}${kv.swaCells < settings.nCtx && model.slidingWindow ? ` \\ (\\text{SWA layers: } ${kv.swaCells}\\text{ cells})` : ''} = ${tex(kv.total)}`,
      },
      source: llamaCppSources.kvCache,
      note: `${settings.nCtx} cells (ctx_size ${settings.ctxAsked} padded to 256), K ${settings.cacheTypeK}, V ${settings.cacheTypeV}${settings.noKvOffload ? '; no_kv_offload: on the CPU' : kvHost > 0 ? `; the ${placement.firstGpuBlock} CPU blocks keep theirs on the CPU` : ''}`,
    },
    {
      key: 'compute',
      gpu: computeGpu,
      host: computeHost,
      formula: {
        symbolic: settings.flashAttn
          ? 'M_{compute} = \\max\\left(T (h + q + k + v) \\cdot 4 + M_{mask},\\ T (2 f + 2 h) \\cdot 4,\\ T (V + h) \\cdot 4\\right)'
          : 'M_{compute} = \\max\\left(n_{kv} T n_{head} \\cdot 4 + T (h + q + k + v) \\cdot 4 + M_{mask},\\ T (2 f + 2 h) \\cdot 4,\\ T (V + h) \\cdot 4\\right)',
        substituted: `T = ${tokens},\\ n_{kv} = ${nKv},\\ V = ${vocab}:\\ ${(computeGpu / MiB).toFixed(2)}\\ \\text{MiB}`,
      },
      source: llamaCppSources.compute,
      note: `worst-case graph of ${tokens} tokens (ubatch_size), ${settings.flashAttn ? 'flash attention' : 'no flash attention: f32 scores'}, logits for every token; host: the graph inputs${cpuBlocks > 0 ? ' and the CPU blocks’ activations' : ''}`,
    },
  ]
  const kvTokens = settings.nCtx
  return {
    engine: settings.engine,
    settings,
    named: {
      ctx_size: settings.nCtx,
      n_gpu_layers: gpuLayers,
      cache_type_k: settings.cacheTypeK,
      cache_type_v: settings.cacheTypeV,
      batch_size: settings.batchSize,
      ubatch_size: settings.ubatchSize,
      flash_attn: settings.flashAttn,
      parallel: settings.parallel,
      split_mode: settings.splitMode,
      no_kv_offload: settings.noKvOffload,
      mmap: settings.mmap,
    },
    terms,
    computeBufferBytes: computeGpu,
    hostComputeBytes: computeHost,
    gpuLayers,
    layers: blocks + 1,
    kvCacheBytes: kv.total,
    kvCacheTokens: kvTokens,
    maxConcurrency: settings.parallel,
  }
}
