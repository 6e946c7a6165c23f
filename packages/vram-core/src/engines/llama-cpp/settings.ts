/**
 * llama-server's settings under its long flag names (spec §8): `--ctx-size` →
 * `ctx_size`, `--n-gpu-layers` → `n_gpu_layers`, … Defaults are llama.cpp's
 * own (`common_params` in common/common.h, `llama_context_default_params` in
 * src/llama-context.cpp, ggml-org/llama.cpp@3514e9f): the model's training
 * context (`ctx_size 0`), batch 2048, ubatch 512, one slot, f16 K and V,
 * flash attention `auto` (on where the GPU backend runs it), every layer on the
 * GPU, split by layer, memory-mapped weights.
 */
import type {Architecture} from '../../model/architecture.js'
import {type Diagnostic, diagnostic, display} from '../../output/diagnostics.js'
import type {Gpu} from '../../types.js'
import {EngineReader} from '../read.js'

export const llamaCppKeys = [
  'engine',
  'ctx_size',
  'n_gpu_layers',
  'cache_type_k',
  'cache_type_v',
  'batch_size',
  'ubatch_size',
  'flash_attn',
  'parallel',
  'split_mode',
  'tensor_split',
  'no_kv_offload',
  'mmap',
] as const

/**
 * `--cache-type-k/-v` values (`kv_cache_types` in common/arg.cpp) and their
 * ggml block: elements per block and bytes per block (ggml `type_traits`).
 */
export const kvCacheTypes = {
  f32: [1, 4],
  f16: [1, 2],
  bf16: [1, 2],
  q8_0: [32, 34],
  q4_0: [32, 18],
  q4_1: [32, 20],
  iq4_nl: [32, 18],
  q5_0: [32, 22],
  q5_1: [32, 24],
} as const satisfies Record<string, readonly [number, number]>

export type KvCacheType = keyof typeof kvCacheTypes

/** Bytes of one row of `elements` values of a cache type (`ggml_row_size`). */
export function rowSize(type: KvCacheType, elements: number): number {
  const [block, bytes] = kvCacheTypes[type]
  return Math.ceil(elements / block) * bytes
}

export interface LlamaCppSettings {
  engine: 'llama.cpp' | 'ollama'
  /** `ctx_size` as the context is created: llama.cpp pads it to a multiple of 256. */
  nCtx: number
  /** The context asked for (0 resolved to the model's training context). */
  ctxAsked: number
  /** Offloaded layers as llama.cpp counts them: blocks, plus 1 for the output layer. */
  nGpuLayers: number
  cacheTypeK: KvCacheType
  cacheTypeV: KvCacheType
  batchSize: number
  ubatchSize: number
  flashAttn: boolean
  /** Slots (`--parallel`): sequences decoded at once (`n_seq_max`). */
  parallel: number
  /** One KV stream shared by every slot (`--kv-unified`); off: one stream per slot. */
  kvUnified: boolean
  splitMode: 'none' | 'layer' | 'row'
  tensorSplit?: number[] | undefined
  noKvOffload: boolean
  mmap: boolean
  /** Ollama chose the layer count itself (no `num_gpu`). */
  fitted?: boolean | undefined
  defaulted: string[]
}

export interface EngineContext {
  model: Architecture
  gpu?: Gpu | undefined
  mode: string
}

/** Blocks llama.cpp offloads one by one (`n_layer`); the output layer is one more. */
export function blockCount(model: Architecture): number {
  return model.layers ?? 0
}

/** Checks common to every engine's `serve`: inference, a GPU, a model with a shape. */
export function checkEngineContext(engine: string, context: EngineContext, out: Diagnostic[]) {
  if (context.mode !== 'inference')
    out.push(
      diagnostic('incompatible', '`serve` describes inference; this block trains', ['serve'], {
        suggestion: 'remove `mode: training`, or remove `serve`',
      }),
    )
  if (context.model.layers === undefined || context.model.hidden === undefined)
    out.push(
      diagnostic(
        'missing-field',
        `${engine}’s budget needs the model’s shape (layers, hidden, heads, vocab)`,
        ['serve'],
        {suggestion: 'use a preset or a Hub id, or give the model’s config.json fields'},
      ),
    )
}

/** Reads `serve: {engine: llama.cpp, …}`. */
export function readLlamaCpp(
  raw: Record<string, unknown>,
  context: EngineContext,
  out: Diagnostic[],
): LlamaCppSettings | undefined {
  const before = out.length
  checkEngineContext('llama.cpp', context, out)
  const read = new EngineReader('llama.cpp', raw, llamaCppKeys, out)
  const model = context.model
  const blocks = blockCount(model)
  const trained = model.contextLength
  let ctxAsked = read.integer('ctx_size', 0, 0)
  if (ctxAsked === 0) {
    if (trained === undefined) {
      out.push(
        diagnostic(
          'missing-field',
          '`serve` needs `ctx_size`: the model does not state its training context, which llama.cpp takes for `ctx_size 0`',
          ['serve'],
          {suggestion: 'add `ctx_size: 8192` (what you pass to `--ctx-size`)'},
        ),
      )
    }
    ctxAsked = trained ?? 4096
  }
  const batchSize = read.integer('batch_size', 2048, 1, 1 << 20)
  const ubatchSize = read.integer('ubatch_size', 512, 1, 1 << 20)
  const parallel = read.integer('parallel', 1, 1, 256)
  const cacheTypes = Object.keys(kvCacheTypes) as KvCacheType[]
  const cacheTypeK = read.choice('cache_type_k', cacheTypes, 'f16')
  const cacheTypeV = read.choice('cache_type_v', cacheTypes, 'f16')
  const flash = read.flag('flash_attn', 'auto', true)
  // `auto` turns flash attention on where the device runs it (CUDA, Metal): the GPU here.
  const flashAttn = flash === 'auto' ? context.gpu !== undefined : flash
  if (!flashAttn && kvCacheTypes[cacheTypeV][0] > 1 && read.given('cache_type_v'))
    out.push(
      diagnostic(
        'incompatible',
        `a quantized V cache (\`cache_type_v: ${cacheTypeV}\`) needs flash attention, which llama.cpp requires`,
        read.path(read.given('flash_attn') ? 'flash_attn' : 'cache_type_v'),
        {suggestion: 'set `flash_attn: on`, or use `cache_type_v: f16`'},
      ),
    )
  let nGpuLayers = blocks + 1
  if (!read.given('n_gpu_layers')) read.defaulted.push('n_gpu_layers')
  else {
    const value = read.raw('n_gpu_layers')
    const text = display(value).trim().toLowerCase()
    if (text === 'all' || text === 'auto' || value === -1) nGpuLayers = blocks + 1
    else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
      nGpuLayers = Math.min(value, blocks + 1)
      if (value > blocks + 1 && blocks > 0)
        out.push(
          diagnostic(
            'invalid-value',
            `\`n_gpu_layers\` (${value}) is past the model’s ${blocks + 1} offloadable layers (${blocks} blocks and the output layer): llama.cpp offloads all ${blocks + 1}`,
            read.path('n_gpu_layers'),
            {severity: 'warning', suggestion: `write \`n_gpu_layers: all\` (or ${blocks + 1})`},
          ),
        )
    } else
      out.push(
        diagnostic(
          'invalid-value',
          '`n_gpu_layers` must be a whole number of layers ≥ 0, `-1` or `all`',
          read.path('n_gpu_layers'),
          {suggestion: `for example \`n_gpu_layers: ${Math.max(1, Math.floor(blocks / 2))}\``},
        ),
      )
  }
  const splitMode = read.choice('split_mode', ['none', 'layer', 'row'] as const, 'layer')
  const tensorSplit = read.numbers('tensor_split')
  if (tensorSplit && tensorSplit.filter((share) => share > 0).length > 1)
    out.push(
      diagnostic(
        'incompatible',
        '`tensor_split` over several GPUs is not modelled yet: the budget is that of one GPU holding every offloaded layer',
        read.path('tensor_split'),
        {
          severity: 'warning',
          suggestion:
            'give each GPU its own block with its share of `n_gpu_layers`, or remove `tensor_split`',
        },
      ),
    )
  const noKvOffload = read.flag('no_kv_offload', false) === true
  const mmap = read.flag('mmap', true) !== false
  const engine = raw.engine
  if (engine === undefined) read.defaulted.push('engine')
  if (out.slice(before).some((entry) => entry.severity === 'error')) return undefined
  return {
    engine: 'llama.cpp',
    ctxAsked,
    nCtx: paddedContext(ctxAsked, parallel, true),
    nGpuLayers,
    cacheTypeK,
    cacheTypeV,
    batchSize,
    ubatchSize,
    flashAttn,
    parallel,
    kvUnified: true,
    splitMode,
    tensorSplit,
    noKvOffload,
    mmap,
    defaulted: read.defaulted,
  }
}

/**
 * The context llama.cpp creates (`llama_context` constructor): `n_ctx` padded
 * to 256; without a unified KV cache each slot's share `n_ctx / n_seq_max` is
 * padded to 256 and `n_ctx` is that times the slots.
 */
export function paddedContext(ctx: number, slots: number, unified: boolean): number {
  const pad = (n: number) => Math.ceil(n / 256) * 256
  const padded = pad(ctx)
  if (unified) return padded
  return pad(Math.floor(padded / slots)) * slots
}
