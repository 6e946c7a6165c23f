/**
 * vLLM's memory budget, term by term as its V1 worker computes it
 * (`Worker.determine_available_memory`, vllm/v1/worker/gpu_worker.py at
 * vllm-project/vllm@35d5cda123ec28581759b6d34cde8052314fb1e6, and
 * `memory_profiling` in vllm/utils/mem_utils.py):
 *
 *   requested  = cudaMemGetInfo total × gpu_memory_utilization
 *   available  = requested − (weights + torch peak increase + non-torch increase)
 *
 * on every pipeline rank for its own layers (./pipeline.ts); the KV cache is
 * cut into blocks (./kv-blocks.ts), every rank keeping the smallest rank's
 * count, and CUDA graphs are captured afterwards, outside the budget.
 */

import {stageParams} from '../../components/model-states.js'
import {weightsMemory} from '../../components/weights.js'
import {GiB} from '../../input/units.js'
import type {Architecture} from '../../model/architecture.js'
import {paramInventory} from '../../model/params.js'
import {VramInputError} from '../../output/diagnostics.js'
import type {Component, Result, Scenario, ServingResult, Source, VllmSettings} from '../../types.js'
import {kvCapacity, kvLayout} from './kv-blocks.js'
import {vllmStages} from './pipeline.js'
import {profilePeak} from './profile.js'
import {vllmModelDtype} from './settings.js'

const vllmCommit = '35d5cda123ec28581759b6d34cde8052314fb1e6'
const vllmFile = (path: string) => `https://github.com/vllm-project/vllm/blob/${vllmCommit}/${path}`

export const vllmSources = {
  budget: {
    title: `vLLM V1 worker, Worker.determine_available_memory (vllm@${vllmCommit.slice(0, 7)})`,
    url: vllmFile('vllm/v1/worker/gpu_worker.py'),
  },
  weights: {
    title:
      'vLLM "Model loading took": parameters as sharded per tensor-parallel rank, plus the rotary cos/sin cache buffer (vllm/model_executor/layers/rotary_embedding)',
    url: vllmFile('vllm/model_executor/layers/rotary_embedding'),
  },
  profile: {
    title:
      'vLLM GPUModelRunner.profile_run and _dummy_sampler_run; TopKTopPSampler (vllm/v1/sample/ops/topk_topp_sampler.py); PyTorch segmented sort (aten/src/ATen/native/cuda/Sort.cu)',
    url: vllmFile('vllm/v1/worker/gpu_model_runner.py'),
  },
  nonTorch: {
    title:
      'vLLM memory_profiling "non-torch forward increase memory", as logged by vLLM 0.11 on H100 (llm-d/llm-d-benchmark@0fa12aa, config_explorer/empirical-vllm-memory-results.md)',
    url: 'https://github.com/llm-d/llm-d-benchmark/blob/0fa12aa9788aae02df8307a0305c223949b58cd4/config_explorer/empirical-vllm-memory-results.md',
  },
  kvCache: {
    title:
      'vLLM kv_cache_utils.py: get_num_blocks, hybrid groups, get_max_concurrency_for_kv_cache_config (vllm@bbf906a)',
    url: 'https://github.com/vllm-project/vllm/blob/bbf906a88ba1a39104884c88c9811a4f968e4659/vllm/v1/core/kv_cache_utils.py',
  },
} satisfies Record<string, Source>

/**
 * Memory outside PyTorch's allocator that the profile run adds: CUDA kernel
 * images loaded on first use, cuBLAS/attention workspaces. It is measured by
 * vLLM at start-up, not derivable from the model; 0.13–0.14 GiB in every
 * single-GPU vLLM 0.11 profile on H100 of the source above (four models from
 * 0.6B to 32B). With tensor parallelism NCCL and all-reduce buffers add to it
 * (0.55 GiB logged at TP 2 on H100), which depends on the interconnect and is
 * not included.
 */
export const nonTorchBytes = Math.round(0.13 * GiB)

/** Without a sourced CUDA-visible total: the driver keeps ≈1 % back (see `defaultUsable`). */
const estimatedCudaShare = 0.99

/**
 * The rotary embedding's cos/sin cache, a buffer every rank keeps whole:
 * max_position_embeddings × rotary_dim elements in the model dtype
 * (`RotaryEmbedding._compute_cos_sin_cache`). It is part of vLLM's
 * "Model loading took".
 */
export function ropeCacheBytes(model: Architecture, bytes: number): number {
  if (model.positionEmbeddings !== undefined) return 0
  const positions = model.contextLength ?? 0
  const heads = model.heads ?? 0
  const rotary = model.mla
    ? model.mla.qkRopeHeadDim
    : (model.headDim ?? (model.hidden ?? 0) / Math.max(1, heads))
  return positions * rotary * bytes
}

/** vLLM's whole budget for a computed inference result. */
export function vllmBudget(scenario: Scenario, result: Result): ServingResult {
  const settings = scenario.serve as VllmSettings
  const gpu = scenario.gpu
  const {model} = scenario
  const tp = scenario.parallel.tp
  if (model.hybrid) {
    // vLLM's hybrid allocator pads attention pages to the recurrent state's page size: not modelled yet.
    throw new VramInputError([
      {
        ruleId: 'unsupported-model',
        message: `vLLM’s budget for a hybrid model (${model.hybrid.label}) is not modelled: its allocator sizes attention pages to hold the recurrent state`,
        path: ['serve'],
        suggestion:
          'remove `serve` for the weights, KV cache and per-sequence state of `batch` sequences of `seq` tokens',
        severity: 'error',
      },
    ])
  }
  if (!gpu || model.layers === undefined || model.hidden === undefined || !model.vocab) {
    throw new VramInputError([
      {
        ruleId: 'missing-field',
        message: 'vLLM’s budget needs the model’s shape (layers, hidden, heads, vocab) and a `gpu`',
        path: ['serve'],
        suggestion: 'use a preset, or give the model’s config.json fields',
        severity: 'error',
      },
    ])
  }
  const cudaTotalBytes =
    gpu.cudaTotalBytes ??
    (gpu.id === 'custom' ? gpu.capacity : Math.floor(gpu.capacity * estimatedCudaShare))
  const cudaTotalSource =
    (gpu.cudaTotalBytes !== undefined ? (gpu.cudaTotalSource ?? gpu.source) : undefined) ??
    (gpu.id === 'custom'
      ? 'the capacity given, read as the CUDA-visible total'
      : `estimated: nvidia-smi total × ${estimatedCudaShare} (no sourced CUDA-visible total for this preset)`)
  const requestedBytes = Math.floor(cudaTotalBytes * settings.gpuMemoryUtilization)

  const b = vllmModelDtype(scenario.dtype).bits / 8
  const rope = ropeCacheBytes(model, b)
  const {pp, dp, cp, ep, vpp} = scenario.parallel
  const inventory = result.inventory ?? paramInventory(model)
  // Each pipeline rank profiles and sizes its own KV cache for its own layers.
  const budgets = vllmStages(model, inventory, pp).map((stage) => {
    const paramBytes = weightsMemory(
      scenario,
      stageParams(scenario, inventory, stage, pp),
      undefined,
    ).bytes
    const weightsBytes = paramBytes + rope
    const peak = profilePeak(model, settings, tp, b, stage.last)
    const kvCacheBytes = requestedBytes - weightsBytes - peak.bytes - nonTorchBytes
    const layout = kvLayout(model, settings, tp, stage)
    const capacity = kvCapacity(layout, settings, kvCacheBytes)
    return {stage, paramBytes, weightsBytes, peak, kvCacheBytes, layout, capacity}
  })
  // Every rank then keeps the smallest rank's block count (`unify_kv_cache_configs`).
  const binding = budgets.reduce((worst, entry) =>
    entry.capacity.numBlocks < worst.capacity.numBlocks ||
    (entry.capacity.numBlocks === worst.capacity.numBlocks &&
      entry.kvCacheBytes < worst.kvCacheBytes)
      ? entry
      : worst,
  )
  const {paramBytes, weightsBytes, peak, kvCacheBytes, layout, capacity} = binding

  let error: string | undefined
  const neededBytes = capacity.blocksPerRequest * layout.pageBytes * layout.groupSize
  // Blocks read through solvers reach here with layouts `serve` does not model: never a figure for them.
  if (dp > 1 || cp > 1 || ep > 1 || vpp > 1)
    error =
      'this layout is not modelled for vLLM: tensor and pipeline parallelism are (data, context and expert parallelism are not)'
  else if (budgets.some((entry) => entry.kvCacheBytes <= 0))
    error =
      'nothing is left for the KV cache ("No available memory for the cache blocks"); raise gpu_memory_utilization, use more GPUs or a smaller model'
  else if (neededBytes > kvCacheBytes)
    error = `one request of max_model_len ${settings.maxModelLen} tokens needs ${(neededBytes / GiB).toFixed(2)} GiB of KV cache, more than the ${(kvCacheBytes / GiB).toFixed(2)} GiB available; lower max_model_len or raise gpu_memory_utilization`

  const tex = (value: number) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, '\\,')
  return {
    engine: 'vllm',
    settings,
    cudaTotalBytes,
    cudaTotalSource,
    requestedBytes,
    weights: {
      bytes: weightsBytes,
      formula: {
        symbolic: 'M_{weights} = M_{params} + L_{pos} \\cdot d_{rot} \\cdot b',
        substituted: `${tex(paramBytes)} + ${tex(model.contextLength ?? 0)} \\cdot ${rope === 0 ? 0 : rope / b / Math.max(1, model.contextLength ?? 1)} \\cdot ${b}`,
      },
      source: vllmSources.weights,
      note: 'parameters on one rank as loaded, and the rotary cos/sin cache',
    },
    activationPeak: {
      bytes: peak.bytes,
      formula: peak.formula,
      source: vllmSources.profile,
      note: peak.note,
    },
    forwardPeakBytes: peak.forward,
    samplerPeakBytes: peak.sampler,
    nonTorch: {
      bytes: nonTorchBytes,
      formula: {symbolic: 'M_{non\\text{-}torch}', substituted: tex(nonTorchBytes)},
      source: vllmSources.nonTorch,
      note:
        tp > 1
          ? 'measured by vLLM at start-up (single GPU); NCCL and all-reduce buffers of tensor parallelism are not included'
          : 'measured by vLLM at start-up on one GPU',
    },
    cudaGraphBytes: 0,
    stage: binding.stage.index,
    stages: pp,
    kvCacheBytes,
    kvCacheAllocatedBytes: capacity.allocatedBytes,
    pageBytes: layout.pageBytes,
    groups: layout.groups,
    groupSize: layout.groupSize,
    numBlocks: capacity.numBlocks,
    kvCacheTokens: capacity.tokens,
    maxConcurrency: capacity.concurrency,
    blocksPerRequest: capacity.blocksPerRequest,
    error,
  }
}

/**
 * The result as vLLM lays memory out: weights as loaded, the profile run's
 * activation peak, the KV blocks it allocates and the non-torch memory, which
 * add up to the requested share of the GPU.
 */
export function withServing(result: Result): Result {
  const scenario = result.scenario
  if (!scenario.serve) return result
  const serving = vllmBudget(scenario, result)
  const kv = serving.kvCacheAllocatedBytes
  const perDevice = {
    ...result.perDevice,
    weights: serving.weights.bytes,
    activations: serving.activationPeak.bytes,
    kvCache: kv,
    buffers: serving.nonTorch.bytes,
  }
  perDevice.total =
    perDevice.weights +
    perDevice.gradients +
    perDevice.optimizer +
    perDevice.activations +
    perDevice.kvCache +
    perDevice.buffers
  const layout = serving
  const kvComponent: Component = {
    key: 'kvCache',
    bytes: kv,
    formula: {
      symbolic: 'M_{kv} = N_{blocks} \\cdot P_{block} \\cdot L_{group}',
      substituted: `${serving.numBlocks} \\cdot ${layout.pageBytes} \\cdot ${layout.groupSize}`,
    },
    source: vllmSources.kvCache,
    note: `${serving.numBlocks} blocks of ${serving.settings.blockSize} tokens, ${serving.kvCacheTokens} tokens`,
  }
  const components: Component[] = [
    {key: 'weights', ...serving.weights},
    {key: 'activations', ...serving.activationPeak},
    kvComponent,
    {key: 'buffers', ...serving.nonTorch},
  ]
  const usableCapacity = serving.requestedBytes
  return {
    ...result,
    // The stage shown is the one whose KV blocks every rank keeps.
    stage: serving.stage,
    perDevice,
    components,
    usableCapacity,
    fits: serving.error === undefined,
    serving,
  }
}
