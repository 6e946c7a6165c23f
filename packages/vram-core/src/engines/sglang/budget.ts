/**
 * SGLang's KV pool as its model runner sizes it
 * (`ModelRunnerKVCacheMixin.profile_max_num_token` and `init_memory`,
 * python/sglang/srt/model_executor/model_runner_kv_cache_mixin.py at
 * sgl-project/sglang@001ccef):
 *
 *   rest   = available after loading − total × (1 − mem_fraction_static)
 *   tokens = ⌊rest · 2³⁰⌋ // cell_size, aligned down to page_size
 *
 * where `total` is the GPU's free memory measured before loading and
 * `available` what is free once the weights are in, so that
 * rest = total × mem_fraction_static − weights (per tensor-parallel rank).
 * cell_size = KV heads per rank × (head_dim + v_head_dim) × layers × element
 * size; MLA: (kv_lora_rank + qk_rope_head_dim) × layers × element size.
 */
import {tex} from '../../output/formula.js'
import type {Result, Scenario, Source} from '../../types.js'
import type {EngineBudget} from '../types.js'
import type {SglangSettings} from './settings.js'

const sglangCommit = '001ccef0072a4537d4ec6bdd50a73e6feb2c907d'

export const sglangSources = {
  pool: {
    title: `SGLang ModelRunnerKVCacheMixin.profile_max_num_token, get_cell_size_per_token, init_memory (sglang@${sglangCommit.slice(0, 7)})`,
    short: 'SGLang',
    locator: 'python/sglang/srt/model_executor/model_runner_kv_cache_mixin.py',
    url: `https://github.com/sgl-project/sglang/blob/${sglangCommit}/python/sglang/srt/model_executor/model_runner_kv_cache_mixin.py`,
  },
  fraction: {
    title: `SGLang ServerArgs: mem_fraction_static by GPU memory when not given (sglang@${sglangCommit.slice(0, 7)})`,
    short: 'SGLang',
    locator: 'python/sglang/srt/server_args.py',
    url: `https://github.com/sgl-project/sglang/blob/${sglangCommit}/python/sglang/srt/server_args.py`,
  },
} satisfies Record<string, Source>

const GiB = 2 ** 30

/** Bytes of one token's KV across the layers of one rank (`get_cell_size_per_token`). */
export function cellSize(scenario: Scenario, settings: SglangSettings): number {
  const model = scenario.model
  const layers = model.layers ?? 0
  if (model.mla) return (model.mla.kvLoraRank + model.mla.qkRopeHeadDim) * layers * settings.kvBytes
  const heads = model.heads ?? 1
  const kvHeads = model.kvHeads ?? heads
  const tp = scenario.parallel.tp
  // `get_num_kv_heads(tp)`: max(1, kv_heads / tp).
  const perRank = Math.max(1, Math.floor(kvHeads / tp))
  const dh = model.headDim ?? (model.hidden ?? 0) / heads
  return perRank * (dh + dh) * layers * settings.kvBytes
}

export function sglangBudget(
  scenario: Scenario,
  result: Result,
  settings: SglangSettings,
): EngineBudget {
  const gpu = scenario.gpu
  const total = gpu ? (gpu.cudaTotalBytes ?? Math.floor(gpu.capacity * 0.99)) : 0
  const fraction = settings.memFractionStatic ?? 0.9
  const weights = result.perDevice.weights
  const rest = total * fraction - weights
  const cell = cellSize(scenario, settings)
  const raw = rest > 0 && cell > 0 ? Math.floor(Math.floor((rest / GiB) * GiB) / cell) : 0
  const tokens = Math.floor(raw / settings.pageSize) * settings.pageSize
  const kvBytes = tokens * cell
  const context = settings.contextLength
  const maxRunning =
    settings.maxRunningRequests ??
    Math.min(Math.max(Math.floor((tokens / Math.max(1, context)) * 512), 2048), 4096)
  const reserve = Math.max(0, Math.floor(total * (1 - fraction)))
  let error: string | undefined
  if (tokens <= 0)
    error = `the weights (${(weights / GiB).toFixed(2)} GiB per GPU) leave nothing of mem_fraction_static × ${(total / GiB).toFixed(2)} GiB for the KV pool; raise mem_fraction_static or use more GPUs`
  else if (tokens < context)
    error = `the KV pool holds ${tokens} tokens, fewer than one request of context_length ${context}`
  return {
    engine: 'sglang',
    settings,
    named: {
      mem_fraction_static: fraction,
      context_length: context,
      max_running_requests: maxRunning,
      page_size: settings.pageSize,
      kv_cache_dtype: settings.kvCacheDtype,
    },
    terms: [
      {
        key: 'weights',
        gpu: weights,
        host: 0,
        formula: {symbolic: 'M_{weights}', substituted: tex(weights)},
        source: sglangSources.pool,
        note: 'weights as loaded on one tensor-parallel rank',
      },
      {
        key: 'kvCache',
        gpu: kvBytes,
        host: 0,
        formula: {
          symbolic:
            'N_{tok} = \\left\\lfloor \\frac{M_{total}\\, f_{static} - M_{weights}}{c} \\right\\rfloor,\\quad c = n_{kv}/N_{tp} \\cdot (d_k + d_v) \\cdot L \\cdot b',
          substituted: `\\left\\lfloor \\frac{${tex(total)} \\cdot ${fraction} - ${tex(weights)}}{${cell}} \\right\\rfloor = ${tex(tokens)}`,
        },
        source: sglangSources.pool,
        note: `${tokens} tokens of ${cell} bytes (page_size ${settings.pageSize}); max_running_requests ${maxRunning}`,
      },
      {
        key: 'reserve',
        gpu: reserve,
        host: 0,
        formula: {
          symbolic: 'M_{reserve} = M_{total} (1 - f_{static})',
          substituted: `${tex(total)} \\cdot (1 - ${fraction})`,
        },
        source: sglangSources.pool,
        note: 'left outside the static pool: activations, CUDA graphs, the CUDA context',
      },
    ],
    computeBufferBytes: 0,
    hostComputeBytes: 0,
    gpuLayers: scenario.model.layers ?? 0,
    layers: scenario.model.layers ?? 0,
    kvCacheBytes: kvBytes,
    kvCacheTokens: tokens,
    maxConcurrency: Math.min(maxRunning, Math.floor(tokens / Math.max(1, context)) || 0),
    gpuBudgetBytes: total,
    error,
  }
}
