/**
 * The `serve:` key: a serving engine and its settings under the engine's own
 * flag names, so a writer can copy them from a launch command
 * (`--max-model-len 16384` → `max_model_len: 16384`; dashes are accepted too).
 * Defaults are vLLM's own, from `vllm/engine/arg_utils.py` (`get_batch_defaults`
 * for `vllm serve`) and `vllm/config/cache.py`.
 */

import {hasOwn, limits, own, wholeNumberProblem} from '../../input/limits.js'
import {GiB} from '../../input/units.js'
import type {Architecture} from '../../model/architecture.js'
import {dtype} from '../../model/dtypes.js'
import {
  closest,
  type Diagnostic,
  diagnostic,
  display,
  shareValue,
} from '../../output/diagnostics.js'
import type {Dtype, Gpu, VllmSettings} from '../../types.js'

/** vLLM settings a `serve:` block takes, under vLLM's names. */
export const vllmKeys = [
  'engine',
  'gpu_memory_utilization',
  'max_model_len',
  'max_num_seqs',
  'max_num_batched_tokens',
  'enforce_eager',
  'kv_cache_dtype',
  'block_size',
  'tensor_parallel_size',
  'pipeline_parallel_size',
  'quantization',
  'VLLM_USE_FLASHINFER_SAMPLER',
] as const

export const serveEngines = ['vllm', 'llama.cpp', 'ollama', 'sglang'] as const

/** `--kv-cache-dtype` values (vLLM's `CacheDType`) and their bytes per element; `auto` follows the model. */
const kvCacheDtypes: Record<string, number | 'model'> = {
  auto: 'model',
  bfloat16: 2,
  fp8: 1,
  fp8_e4m3: 1,
  fp8_e5m2: 1,
  fp8_inc: 1,
  fp8_ds_mla: 1,
}

/** `--block-size` choices (vLLM's `BlockSize`). */
const blockSizes = [1, 8, 16, 32, 64, 128]

type Raw = Record<string, unknown>

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `max-model-len` → `max_model_len`; the environment variable keeps its name. */
function normalKey(key: string): string {
  return key.startsWith('VLLM_') ? key : key.replace(/-/g, '_').toLowerCase()
}

/** The `serve` mapping with keys normalised, or `undefined` when it is not a mapping. */
function normalised(raw: unknown): Raw | undefined {
  if (!isRecord(raw)) return undefined
  const out: Raw = {}
  for (const [key, value] of Object.entries(raw)) out[normalKey(key)] = value
  return out
}

/** vLLM's parallel sizes and the `parallel` keys they set. */
export const serveParallelKeys = {
  tensor_parallel_size: 'tp',
  pipeline_parallel_size: 'pp',
} as const

/**
 * `tensor_parallel_size` or `pipeline_parallel_size` from a `serve` mapping, so
 * that the block's layout can follow it.
 */
export function serveParallel(
  raw: unknown,
  key: keyof typeof serveParallelKeys,
): number | undefined {
  const value = normalised(raw)?.[key]
  // A bad size is `readServe`'s error at its own line; the layout stays at 1 meanwhile.
  const maximum = key === 'tensor_parallel_size' ? limits.parallel : limits.pipeline
  return wholeNumberProblem(value, key, 1, maximum) === undefined ? (value as number) : undefined
}

/**
 * `quantization: fp8` (`--quantization fp8` on a 16-bit checkpoint): vLLM's
 * `Fp8Config` quantizes every linear layer (experts included) to FP8 as it
 * loads them, with per-tensor scales, and leaves embeddings, LM head and norms
 * in 16 bits: the block's `dtype: fp8, quantize: linear`.
 */
export function serveOnlineFp8(raw: unknown): boolean {
  const value = normalised(raw)?.quantization
  return typeof value === 'string' && value.trim().toLowerCase() === 'fp8'
}

/**
 * `vllm serve`'s batch defaults (`EngineArgs.get_batch_defaults`): GPUs with at
 * least 70 GiB whose name lacks "a100" get 8192 tokens and 1024 sequences per
 * step, others 2048 and 256. vLLM reads the total from NVML (nvidia-smi's figure).
 */
export function vllmBatchDefaults(gpu: Gpu): {maxNumBatchedTokens: number; maxNumSeqs: number} {
  const large = gpu.capacity >= 70 * GiB && !/a100/i.test(`${gpu.id} ${gpu.name}`)
  return large
    ? {maxNumBatchedTokens: 8192, maxNumSeqs: 1024}
    : {maxNumBatchedTokens: 2048, maxNumSeqs: 256}
}

/**
 * The dtype vLLM runs activations, logits and an `auto` KV cache in
 * (`--dtype auto`: the checkpoint's 16-bit dtype; quantized checkpoints keep
 * 16-bit activations).
 */
export function vllmModelDtype(weights: Dtype): Dtype {
  if (weights.name === 'fp32' || weights.name === 'tf32') return dtype('fp32')
  if (weights.name === 'fp16') return dtype('fp16')
  return dtype('bf16')
}

/**
 * `--block-size` when not given: 16 (`CacheConfig`), except for MLA models,
 * whose attention kernel fixes it (`CudaPlatform.check_and_update_config` in
 * vllm/platforms/cuda.py): FlashMLA on Hopper takes 64, CUTLASS MLA on
 * Blackwell 128; other GPUs run Triton MLA with the default.
 */
export function defaultBlockSize(model: Architecture, gpu: Gpu): number {
  if (!model.mla) return 16
  const id = gpu.id.toLowerCase()
  if (/^(h100|h200|h800|h20)\b/.test(id)) return 64
  if (/^(b100|b200|gb200|b300|gb300)\b/.test(id)) return 128
  return 16
}

export interface ServeContext {
  model: Architecture
  /** The block's weight dtype; vLLM's model dtype follows from it (`vllmModelDtype`). */
  weights: Dtype
  gpu?: Gpu | undefined
  mode: string
}

/**
 * Reads `serve:`; pushes diagnostics (with paths under `serve`) and returns the
 * resolved settings, or `undefined` when the block cannot be served.
 */
export function readServe(
  raw: unknown,
  context: ServeContext,
  out: Diagnostic[],
): VllmSettings | undefined {
  const base = ['serve']
  const serve = normalised(raw)
  if (!serve) {
    out.push(
      diagnostic('invalid-value', '`serve` must be a mapping such as `{engine: vllm}`', base, {
        suggestion: 'write `serve: {engine: vllm, max_model_len: 16384}`',
      }),
    )
    return undefined
  }
  const errorsBefore = out.length
  // Report unknown keys under the writer's spelling.
  for (const key of Object.keys(raw as Raw)) {
    if ((vllmKeys as readonly string[]).includes(normalKey(key))) continue
    const guess = closest(normalKey(key), vllmKeys)
    out.push(
      diagnostic('unknown-key', `Unknown vLLM setting \`${key}\``, [...base, key], {
        onKey: true,
        suggestion: guess ? `did you mean \`${guess}\`?` : `vLLM settings: ${vllmKeys.join(', ')}`,
      }),
    )
  }
  const engine = serve.engine
  if (engine === undefined) {
    out.push(
      diagnostic('missing-field', '`serve` needs an `engine`', base, {
        suggestion: 'add `engine: vllm`',
      }),
    )
  } else if (display(engine).trim().toLowerCase() !== 'vllm') {
    out.push(
      diagnostic(
        'invalid-value',
        `\`serve.engine\` must be one of ${serveEngines.join(', ')}`,
        [...base, 'engine'],
        {
          suggestion: 'use `engine: vllm`, `llama.cpp`, `ollama` or `sglang`',
        },
      ),
    )
  }
  if (context.mode !== 'inference')
    out.push(
      diagnostic('incompatible', '`serve` describes inference; this block trains', base, {
        suggestion: 'remove `mode: training`, or remove `serve`',
      }),
    )
  if (!context.gpu)
    out.push(
      diagnostic(
        'missing-field',
        '`serve` needs a `gpu`: vLLM sizes its KV cache from the GPU’s memory',
        base,
        {
          suggestion: 'add `gpu: h100-sxm-80gb` (or another preset or capacity)',
        },
      ),
    )

  const defaulted: string[] = []
  const path = (key: string) => {
    const written = Object.keys(raw as Raw).find((name) => normalKey(name) === key)
    return [...base, written ?? key]
  }
  const integer = (key: string, fallback: number, maximum: number): number => {
    const value = serve[key]
    if (value === undefined || value === null) {
      defaulted.push(key)
      return fallback
    }
    const problem = wholeNumberProblem(value, key, 1, maximum)
    if (problem === undefined) return value as number
    out.push(
      diagnostic('invalid-value', problem.message, path(key), {suggestion: problem.suggestion}),
    )
    return fallback
  }
  // Read here so that a bad size is reported at its own line (the layout then ignores it).
  for (const [key, maximum] of [
    ['tensor_parallel_size', limits.parallel],
    ['pipeline_parallel_size', limits.pipeline],
  ] as const)
    if (serve[key] !== undefined && serve[key] !== null) integer(key, 1, maximum)
  const flag = (key: string): boolean => {
    const value = serve[key]
    if (value === undefined || value === null) {
      defaulted.push(key)
      return false
    }
    if (typeof value === 'boolean') return value
    if (value === 0 || value === 1) return value === 1
    out.push(
      diagnostic('invalid-value', `\`${key}\` must be true or false`, path(key), {
        suggestion: `write \`${key}: true\``,
      }),
    )
    return false
  }

  let utilization = 0.9
  if (serve.gpu_memory_utilization === undefined || serve.gpu_memory_utilization === null)
    defaulted.push('gpu_memory_utilization')
  else
    utilization =
      shareValue(
        serve.gpu_memory_utilization,
        path('gpu_memory_utilization'),
        '`gpu_memory_utilization` must be a fraction between 0 and 1',
        'vLLM’s default is `0.9`',
        out,
      ) ?? utilization

  const context_ = context.model.contextLength
  const maxModelLen = integer('max_model_len', context_ ?? 0, limits.seq)
  if (maxModelLen === 0)
    out.push(
      diagnostic(
        'missing-field',
        '`serve` needs `max_model_len`: the model does not state its context length',
        base,
        {suggestion: 'add `max_model_len: 8192` (what you pass to `--max-model-len`)'},
      ),
    )
  else if (context_ !== undefined && maxModelLen > context_)
    out.push(
      diagnostic(
        'incompatible',
        `\`max_model_len\` ${maxModelLen} exceeds the model’s max_position_embeddings (${context_}), which vLLM refuses`,
        path('max_model_len'),
        {suggestion: `use at most ${context_}`},
      ),
    )

  const batch = context.gpu ? vllmBatchDefaults(context.gpu) : undefined
  const maxNumSeqs = integer('max_num_seqs', batch?.maxNumSeqs ?? 256, limits.batch)
  const maxNumBatchedTokens = integer(
    'max_num_batched_tokens',
    batch?.maxNumBatchedTokens ?? 2048,
    limits.seq,
  )
  if (maxNumBatchedTokens < maxNumSeqs)
    out.push(
      diagnostic(
        'incompatible',
        `max_num_batched_tokens (${maxNumBatchedTokens}) must be at least max_num_seqs (${maxNumSeqs}), as vLLM requires`,
        path(
          serve.max_num_batched_tokens === undefined ? 'max_num_seqs' : 'max_num_batched_tokens',
        ),
        {suggestion: `raise max_num_batched_tokens to ${maxNumSeqs}, or lower max_num_seqs`},
      ),
    )
  if (serve.quantization !== undefined && serve.quantization !== null) {
    if (!serveOnlineFp8(raw))
      out.push(
        diagnostic(
          'invalid-value',
          `\`quantization: ${display(serve.quantization)}\` names a checkpoint format, which vLLM reads from the checkpoint; only \`fp8\` quantizes a 16-bit checkpoint as it loads`,
          path('quantization'),
          {
            suggestion:
              'remove it and describe the checkpoint: its preset id, or `dtype` (e.g. `4.25bpw` for int4 with group scales) with `quantize: linear`',
          },
        ),
      )
    else if (context.weights.name !== 'fp8')
      out.push(
        diagnostic(
          'incompatible',
          `\`quantization: fp8\` loads the weights in FP8, but the block says \`dtype: ${context.weights.name}\``,
          path('quantization'),
          {suggestion: 'remove `dtype`, or remove `quantization`'},
        ),
      )
  }
  const enforceEager = flag('enforce_eager')
  const flashinferSampler = flag('VLLM_USE_FLASHINFER_SAMPLER')

  let blockSize = context.gpu ? defaultBlockSize(context.model, context.gpu) : 16
  if (serve.block_size === undefined || serve.block_size === null) defaulted.push('block_size')
  else if (typeof serve.block_size === 'number' && blockSizes.includes(serve.block_size))
    blockSize = serve.block_size
  else
    out.push(
      diagnostic(
        'invalid-value',
        `\`block_size\` must be one of ${blockSizes.join(', ')}`,
        path('block_size'),
        {
          suggestion: 'vLLM’s default is 16',
        },
      ),
    )

  let kvCacheDtype = 'auto'
  if (serve.kv_cache_dtype === undefined || serve.kv_cache_dtype === null)
    defaulted.push('kv_cache_dtype')
  else {
    const text = display(serve.kv_cache_dtype).trim().toLowerCase()
    if (typeof serve.kv_cache_dtype === 'string' && hasOwn(kvCacheDtypes, text)) kvCacheDtype = text
    else {
      const guess = closest(text, Object.keys(kvCacheDtypes))
      out.push(
        diagnostic(
          'invalid-value',
          `\`kv_cache_dtype\` must be one of ${Object.keys(kvCacheDtypes).join(', ')}`,
          path('kv_cache_dtype'),
          {suggestion: guess ? `did you mean \`${guess}\`?` : 'vLLM’s default is `auto`'},
        ),
      )
    }
  }
  const kvBytes = own(kvCacheDtypes, kvCacheDtype) ?? 'model'
  const kvCacheBytesPerElement =
    kvBytes === 'model' ? vllmModelDtype(context.weights).bits / 8 : kvBytes

  if (out.length > errorsBefore && out.slice(errorsBefore).some((d) => d.severity === 'error'))
    return undefined
  return {
    engine: 'vllm',
    gpuMemoryUtilization: utilization,
    maxModelLen,
    maxNumSeqs,
    maxNumBatchedTokens,
    enforceEager,
    kvCacheDtype,
    kvCacheBytesPerElement,
    blockSize,
    flashinferSampler,
    defaulted,
  }
}
