/**
 * Ollama's settings under its own names, without the `OLLAMA_` prefix (spec
 * §8): `num_ctx` (per request; the runner's context is num_ctx × num_parallel),
 * `num_gpu` (layers; default: Ollama's own fit), `num_parallel`,
 * `kv_cache_type` (applies only with flash attention) and `flash_attention`.
 * Defaults are Ollama's (ollama/ollama@f2e9c9a, v0.11.4): `OLLAMA_CONTEXT_LENGTH`
 * 4096 (envconfig/config.go), `OLLAMA_NUM_PARALLEL` 1, flash attention off,
 * `num_batch` 512 (api/types.go `DefaultOptions`).
 */
import {type Diagnostic, diagnostic, display} from '../../output/diagnostics.js'
import {
  blockCount,
  checkEngineContext,
  type EngineContext,
  type KvCacheType,
  type LlamaCppSettings,
} from '../llama-cpp/settings.js'
import {EngineReader} from '../read.js'

export const ollamaKeys = [
  'engine',
  'num_ctx',
  'num_gpu',
  'num_parallel',
  'num_batch',
  'kv_cache_type',
  'flash_attention',
  'gpu_overhead',
] as const

/** `OLLAMA_KV_CACHE_TYPE` values Ollama accepts (`SupportsKVCacheType`). */
export const ollamaKvTypes = ['f16', 'q8_0', 'q4_0'] as const

export interface OllamaExtra {
  /** `num_ctx` per request. */
  numCtx: number
  /** `OLLAMA_GPU_OVERHEAD`: bytes per GPU Ollama leaves free. */
  gpuOverhead: number
  /** The cache type Ollama's estimate uses (`''` = f16 when flash attention is off). */
  estimateKvType: 'f16' | 'q8_0' | 'q4_0'
  /** `num_gpu` as given (-1: Ollama fits the layers). */
  numGpu: number
}

export type OllamaSettings = LlamaCppSettings & {engine: 'ollama'; ollama: OllamaExtra}

/** Reads `serve: {engine: ollama, …}`. */
export function readOllama(
  raw: Record<string, unknown>,
  context: EngineContext,
  out: Diagnostic[],
): OllamaSettings | undefined {
  const before = out.length
  checkEngineContext('Ollama', context, out)
  const read = new EngineReader('Ollama', raw, ollamaKeys, out)
  const blocks = blockCount(context.model)
  // Ollama raises a context below 4 to 4 (server/sched.go).
  const numCtx = Math.max(4, read.integer('num_ctx', 4096, 1))
  const numParallel = read.integer('num_parallel', 1, 1, 256)
  const numBatch = read.integer('num_batch', 512, 1, 1 << 20)
  const flashAttention = read.flag('flash_attention', false) === true
  const kvType = read.choice('kv_cache_type', ollamaKvTypes, 'f16')
  if (kvType !== 'f16' && !flashAttention)
    out.push(
      diagnostic(
        'incompatible',
        `Ollama uses \`kv_cache_type: ${kvType}\` only with flash attention; without it the cache stays f16`,
        read.path('kv_cache_type'),
        {severity: 'warning', suggestion: 'add `flash_attention: true`'},
      ),
    )
  let numGpu = -1
  if (!read.given('num_gpu')) read.defaulted.push('num_gpu')
  else {
    const value = read.raw('num_gpu')
    if (typeof value === 'number' && Number.isInteger(value) && value >= -1) {
      numGpu = value
      if (value > blocks + 1 && blocks > 0)
        out.push(
          diagnostic(
            'invalid-value',
            `\`num_gpu\` (${value}) is past the model’s ${blocks + 1} layers (${blocks} blocks and the output layer): Ollama offloads all of them`,
            read.path('num_gpu'),
            {
              severity: 'warning',
              suggestion: `write \`num_gpu: ${blocks + 1}\`, or remove it to let Ollama fit the layers`,
            },
          ),
        )
    } else
      out.push(
        diagnostic(
          'invalid-value',
          `\`num_gpu\` must be a whole number of layers ≥ 0, not \`${display(value)}\``,
          read.path('num_gpu'),
          {suggestion: 'remove it to let Ollama decide, or give a layer count'},
        ),
      )
  }
  const gpuOverhead = read.integer('gpu_overhead', 0, 0, Number.MAX_SAFE_INTEGER)
  if (out.slice(before).some((entry) => entry.severity === 'error')) return undefined
  const cache: KvCacheType = flashAttention ? kvType : 'f16'
  const total = numCtx * numParallel
  return {
    engine: 'ollama',
    ctxAsked: total,
    // The runner's llama.cpp pads the context like llama-server; one stream per slot.
    nCtx: Math.ceil(total / 256) * 256,
    nGpuLayers: numGpu < 0 ? blocks + 1 : Math.min(numGpu, blocks + 1),
    cacheTypeK: cache,
    cacheTypeV: cache,
    batchSize: numBatch,
    ubatchSize: numBatch,
    flashAttn: flashAttention,
    parallel: numParallel,
    kvUnified: false,
    splitMode: 'layer',
    noKvOffload: false,
    mmap: true,
    fitted: numGpu < 0,
    defaulted: read.defaulted,
    ollama: {numCtx, gpuOverhead, estimateKvType: cache, numGpu},
  }
}
