/**
 * Ollama's own decision of how many layers go on the GPU: `EstimateGPULayers`
 * (llm/memory.go) with the graph sizes of `GGML.GraphSize` and
 * `VisionGraphSize` (fs/ggml/ggml.go), at ollama/ollama@f2e9c9a (v0.11.4),
 * for one GPU. Ollama estimates; llama.cpp then allocates: the budget shown is
 * llama.cpp's for the layer count Ollama chose, with Ollama's estimate beside it.
 */
import type {Architecture} from '../../model/architecture.js'
import type {Scenario, Source} from '../../types.js'
import {llamaCppBudget} from '../llama-cpp/budget.js'
import {llamaCppTensors, place} from '../llama-cpp/placement.js'
import {blockCount} from '../llama-cpp/settings.js'
import type {EngineBudget} from '../types.js'
import type {OllamaSettings} from './settings.js'

const MiB = 2 ** 20
const ollamaCommit = 'f2e9c9aff5f59b21a5d9a9668408732b3de01e20'

export const ollamaSources = {
  fit: {
    title: `Ollama EstimateGPULayers, GraphSize and VisionGraphSize (ollama@${ollamaCommit.slice(0, 7)}, v0.11.4)`,
    short: 'Ollama',
    locator: 'llm/memory.go, fs/ggml/ggml.go',
    url: `https://github.com/ollama/ollama/blob/${ollamaCommit}/llm/memory.go`,
  },
} satisfies Record<string, Source>

/** CUDA and ROCm: the memory Ollama leaves free per GPU (discover/gpu.go); Metal: 512 MiB. */
export function minimumMemory(unified: boolean): number {
  return (unified ? 512 : 457) * MiB
}

/** llama.cpp's architecture name (`general.architecture`) for a Hugging Face `model_type`. */
function ollamaArchitecture(model: Architecture): string {
  const type = (model.modelType ?? '').toLowerCase()
  if (type === 'llama' || type === 'mistral' || type === 'llama4_text') return 'llama'
  if (type.startsWith('gemma3')) return 'gemma3'
  if (type === 'gemma' || type === 'gemma2') return type
  if (type === 'qwen2') return 'qwen2'
  if (type.startsWith('deepseek_v')) return 'deepseek2'
  if (type === 'gpt_oss') return 'gptoss'
  if (type === 'cohere') return 'command-r'
  if (type === 'phi') return 'phi2'
  if (type === 'stablelm') return 'stablelm'
  return type
}

/** Ollama's KV bytes per element for its estimate (`kvCacheBytesPerElement`). */
function estimateBytes(type: string): number {
  return type === 'q8_0' ? 1 : type === 'q4_0' ? 0.5 : 2
}

export interface OllamaEstimate {
  kv: number[]
  kvTotal: number
  graphPartial: number
  graphFull: number
  layerOutput: number
  projectorWeights: number
  projectorGraph: number
  /** Layers placed (blocks, +1 for the output layer). */
  layers: number
  /** Bytes Ollama reserves on the GPU for them ("memory.required.partial"). */
  requiredPartial: number
  /** What Ollama logs as "memory.required.full": the GPU's share plus what overflowed to the CPU. */
  requiredFull: number
}

/** `GraphSize`: per-layer KV bytes and the graph for a partial and a full offload. */
function graphSize(model: Architecture, settings: OllamaSettings, context: number, batch: number) {
  const embedding = model.hidden ?? 0
  const heads = model.heads ?? 1
  const headsKV = model.kvHeads ?? heads
  const vocab = model.vocab ?? 0
  const embeddingHeads = model.headDim ?? Math.floor(embedding / heads)
  const headK = model.mla ? model.mla.qkNopeHeadDim + model.mla.qkRopeHeadDim : embeddingHeads
  const headV = model.mla ? model.mla.vHeadDim : embeddingHeads
  const kvHeads = model.mla ? heads : headsKV
  const bytes = estimateBytes(settings.ollama.estimateKvType)
  const blocks = blockCount(model)
  const arch = ollamaArchitecture(model)
  const kv = Array.from({length: blocks}, () =>
    Math.floor(context * (headK + headV) * kvHeads * bytes),
  )
  const kvTotal = kv.reduce((a, b) => a + b, 0)
  let full = 0
  let partial = 0
  const f = (n: number) => Math.floor(n)
  switch (arch) {
    case 'llama':
      full = Math.max(
        4 * batch * (1 + 4 * embedding + context * (1 + heads)),
        4 * batch * (embedding + vocab),
      )
      partial =
        4 * batch * embedding +
        Math.max(
          4 * batch * (1 + embedding + Math.max(context, embedding)) +
            f((embedding * embedding * 9) / 16) +
            4 * context * (batch * heads + embeddingHeads * headsKV),
          4 * batch * (embedding + vocab) + f((embedding * vocab * 105) / 128),
        )
      break
    case 'gemma':
    case 'gemma2':
    case 'gemma3':
      full = Math.max(
        4 * batch * (embedding + vocab),
        4 * batch * (2 + context + context * heads + 2 * embedding + 2 * headK * heads),
      )
      partial = Math.max(
        4 * embedding * batch + f((embedding * vocab * 105) / 128) + 4 * vocab * batch,
        4 * batch * (2 * embedding + 1 + 2 * headK * heads + context + context * heads) +
          4 * headK * context * 8 +
          f((embedding * headK * heads * 9) / 16),
      )
      if (arch === 'gemma3') {
        // Every 6th layer is global; the others keep num_parallel × sliding_window + batch cells.
        const window = settings.parallel * (model.slidingWindow?.window ?? 0) + batch
        for (let i = 0; i < blocks; i++)
          if ((i + 1) % 6 !== 0) kv[i] = Math.floor(window * (headK + headV) * headsKV * bytes)
      }
      break
    case 'command-r':
      full = Math.max(
        4 * batch * (embedding + vocab),
        4 * batch * (2 + 4 * embedding + context * (1 + heads)),
      )
      partial = Math.max(
        4 * batch * (embedding + vocab) + f((embedding * vocab * 105) / 128),
        4 * batch * (1 + 2 * embedding + context * (1 + heads)) +
          4 * embedding * context +
          f((embedding * embedding * 9) / 16),
      )
      break
    case 'qwen2':
      full = Math.max(
        4 * batch * (embedding + vocab),
        4 * batch * (1 + 2 * embedding + context + context * heads),
      )
      partial = Math.max(
        4 * batch * (embedding + vocab) + f((embedding * vocab * 105) / 128),
        4 * (batch * (1 + 2 * embedding + context * (1 + heads)) + embedding * (1 + context)),
      )
      break
    case 'phi2':
      full = Math.max(
        4 * batch * (embedding + vocab),
        4 * batch * (1 + 4 * embedding + context + context * heads),
      )
      partial = Math.max(
        4 * batch * (2 * embedding + vocab) + f((embedding * vocab * 105) / 128),
        4 * batch * (2 + 3 * embedding + context + context * heads),
      )
      break
    case 'stablelm':
      full = 4 * batch * (context * (1 + heads) + 3 * embedding + 2)
      partial = Math.max(4 * batch * (vocab + 2 * embedding), full)
      break
    case 'deepseek2':
      full = Math.max(
        4 * batch * (3 * embedding + vocab),
        4 * batch * (3 * embedding + 2 + context * (1 + kvHeads) + 2 * headK * kvHeads),
      )
      partial = Math.max(
        4 * batch * (3 * embedding + vocab) + f((embedding * vocab * 105) / 128),
        4 * batch * (2 * embedding + 1 + 2 * headK * kvHeads + context + context * kvHeads) +
          4 * headK * context * kvHeads +
          f((embedding * headK * kvHeads * 9) / 16),
      )
      break
    case 'gptoss':
      for (let i = 0; i < blocks; i++) {
        const per = Math.floor((headK + headV) * headsKV * bytes)
        kv[i] = i % 2 === 0 ? per * (settings.parallel * 4096 + batch) : per * context
      }
      full = Math.floor((((4 * heads) / Math.max(1, headsKV)) * kvTotal) / 6)
      partial = full
      break
  }
  const total = kv.reduce((a, b) => a + b, 0)
  if (partial === 0) partial = Math.floor((Math.floor(heads / Math.max(1, headsKV)) * total) / 6)
  if (full === 0) full = partial
  return {kv, kvTotal: total, partial, full}
}

/** `EstimateGPULayers` for one GPU with `free` bytes. */
export function estimateLayers(
  scenario: Scenario,
  settings: OllamaSettings,
  free: number,
  unified: boolean,
): OllamaEstimate {
  const model = scenario.model
  const blocks = blockCount(model)
  const tensors = llamaCppTensors(model, scenario.dtype) ?? []
  const placement = place(tensors, blocks, blocks + 1)
  // Vision models in Ollama's engine: the encoder's weights (f16) and graph travel with the output layer.
  const vision = model.visionShape
  let projectorWeights = 0
  let projectorGraph = 0
  // Multimodal models need at least 2048 tokens of context.
  let numCtx = settings.ollama.numCtx * settings.parallel
  if (vision) {
    numCtx = Math.max(numCtx, 2048)
    projectorWeights = vision.encoderParams * 2
    const patches = Math.floor(vision.imageSize / vision.patchSize) ** 2
    projectorGraph =
      4 *
      (vision.imageSize * vision.imageSize * vision.channels +
        vision.hidden * vision.patchSize +
        patches * patches * vision.heads)
  }
  const batch = Math.min(numCtx, settings.batchSize)
  const graph = graphSize(model, settings, numCtx, batch)
  let {partial, full} = graph
  if (unified) partial = full
  const graphMax = Math.max(partial, full)
  const overhead = settings.ollama.gpuOverhead
  const minimum = minimumMemory(unified)
  const layerOutput = placement.outputBytes
  let layerSize = (placement.blockBytes[0] ?? 0) + (graph.kv[0] ?? 0)
  let allocation = 0
  let overflow = 0
  let count = 0
  let fits = free >= overhead + graphMax + minimum + 2 * layerSize
  if (fits) allocation += minimum + layerSize
  const target = settings.ollama.numGpu
  for (let i = blocks - 1; i >= 0; i--) {
    layerSize = (placement.blockBytes[i] ?? 0) + (graph.kv[i] ?? 0)
    if (target >= 0 && count >= target) {
      overflow += layerSize
      continue
    }
    if (fits && free > overhead + allocation + graphMax + layerSize) {
      allocation += layerSize
      count++
    } else {
      fits = false
      overflow += layerSize
    }
  }
  let fully = count >= blocks
  const lastLayer = layerOutput + projectorWeights + projectorGraph
  if (lastLayer > 0) {
    if (
      (target < 0 || count < target) &&
      fits &&
      free > overhead + allocation + graphMax + lastLayer
    ) {
      allocation += lastLayer
      count++
    }
    if (count < blocks + 1) {
      fully = false
      overflow += lastLayer
    }
  }
  if (count > 0) allocation += fully ? full : partial
  return {
    kv: graph.kv,
    kvTotal: graph.kvTotal,
    graphPartial: partial,
    graphFull: full,
    layerOutput,
    projectorWeights,
    projectorGraph,
    layers: count,
    requiredPartial: allocation,
    requiredFull: allocation + overflow,
  }
}

/** Ollama's budget: its layer fit (or `num_gpu`), then llama.cpp's buffers for that split. */
export function ollamaBudget(scenario: Scenario, settings: OllamaSettings): EngineBudget {
  const unified = scenario.gpu?.memory === 'unified'
  const gpu = scenario.gpu
  const free = gpu
    ? gpu.id === 'custom'
      ? gpu.capacity
      : Math.floor(gpu.capacity * scenario.usable)
    : 0
  const estimate = estimateLayers(scenario, settings, free, unified)
  const layers = settings.fitted ? estimate.layers : settings.nGpuLayers
  const placed = {...settings, nGpuLayers: layers}
  const budget = llamaCppBudget(scenario.model, scenario.dtype, placed, unified)
  return {
    ...budget,
    engine: 'ollama',
    settings: placed,
    named: {
      num_ctx: settings.ollama.numCtx,
      num_gpu: layers,
      num_parallel: settings.parallel,
      num_batch: settings.batchSize,
      kv_cache_type: settings.cacheTypeK,
      flash_attention: settings.flashAttn,
    },
    ollama: {
      layersOffload: estimate.layers,
      layersModel: blockCount(scenario.model) + 1,
      requiredPartial: estimate.requiredPartial,
      requiredFull: estimate.requiredFull,
      kv: estimate.kvTotal,
      graphFull: estimate.graphFull,
      graphPartial: estimate.graphPartial,
      projectorWeights: estimate.projectorWeights,
      projectorGraph: estimate.projectorGraph,
      available: free,
    },
    gpuLayers: layers,
    maxConcurrency: settings.parallel,
  }
}
