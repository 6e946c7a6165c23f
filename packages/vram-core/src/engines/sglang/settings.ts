/**
 * SGLang's server arguments under their own names (`ServerArgs` in
 * python/sglang/srt/server_args.py at sgl-project/sglang@001ccef).
 */
import {type Diagnostic, diagnostic} from '../../output/diagnostics.js'
import type {Dtype} from '../../types.js'
import {checkEngineContext, type EngineContext} from '../llama-cpp/settings.js'
import {EngineReader} from '../read.js'

export const sglangKeys = [
  'engine',
  'mem_fraction_static',
  'context_length',
  'max_running_requests',
  'page_size',
  'kv_cache_dtype',
  'chunked_prefill_size',
  'tp_size',
] as const

/** `--kv-cache-dtype` choices and their bytes per element; `auto` follows the model dtype. */
const kvDtypes: Record<string, number | 'model'> = {
  auto: 'model',
  bf16: 2,
  bfloat16: 2,
  fp8_e4m3: 1,
  fp8_e5m2: 1,
}

export interface SglangSettings {
  engine: 'sglang'
  /** Given, or `undefined`: SGLang derives it from the GPU (see ./budget.ts). */
  memFractionStatic?: number | undefined
  contextLength: number
  maxRunningRequests?: number | undefined
  pageSize: number
  kvCacheDtype: string
  kvBytes: number
  chunkedPrefillSize?: number | undefined
  defaulted: string[]
}

/** Reads `serve: {engine: sglang, …}`. */
export function readSglang(
  raw: Record<string, unknown>,
  context: EngineContext & {weights: Dtype},
  out: Diagnostic[],
): SglangSettings | undefined {
  const before = out.length
  checkEngineContext('SGLang', context, out)
  if (!context.gpu)
    out.push(
      diagnostic(
        'missing-field',
        '`serve` needs a `gpu`: SGLang sizes its KV pool from the GPU’s memory',
        ['serve'],
        {suggestion: 'add `gpu: h100-sxm-80gb` (or another preset or capacity)'},
      ),
    )
  const read = new EngineReader('SGLang', raw, sglangKeys, out)
  const memFractionStatic = read.fraction('mem_fraction_static', undefined)
  if (!read.given('mem_fraction_static'))
    out.push(
      diagnostic(
        'missing-field',
        '`serve` needs `mem_fraction_static`: SGLang derives its default from the GPU’s memory, chunked_prefill_size and the CUDA-graph batch sizes, which is not modelled; its log prints the value it chose',
        ['serve'],
        {
          suggestion:
            'add `mem_fraction_static: 0.88` (the value in SGLang’s `server_args` log line)',
        },
      ),
    )
  const trained = context.model.contextLength
  const contextLength = read.integer('context_length', trained ?? 0, 1)
  if (contextLength === 0)
    out.push(
      diagnostic(
        'missing-field',
        '`serve` needs `context_length`: the model does not state its context',
        ['serve'],
        {suggestion: 'add `context_length: 32768`'},
      ),
    )
  const maxRunning = read.optionalInteger('max_running_requests', 1, 1 << 20)
  const pageSize = read.integer('page_size', 1, 1, 1 << 16)
  const kvCacheDtype = read.choice('kv_cache_dtype', Object.keys(kvDtypes), 'auto')
  const chunked = read.optionalInteger('chunked_prefill_size', 1, 1 << 24)
  read.integer('tp_size', 1, 1, 1024)
  const kv = kvDtypes[kvCacheDtype] ?? 'model'
  const modelBytes = context.weights.name === 'fp32' ? 4 : 2
  if (out.slice(before).some((entry) => entry.severity === 'error')) return undefined
  return {
    engine: 'sglang',
    memFractionStatic,
    contextLength,
    maxRunningRequests: maxRunning,
    pageSize,
    kvCacheDtype,
    kvBytes: kv === 'model' ? modelBytes : kv,
    chunkedPrefillSize: chunked,
    defaulted: read.defaulted,
  }
}
