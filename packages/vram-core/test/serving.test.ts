import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {kvCapacity, kvLayout} from '../src/engines/serving/kv-blocks.js'
import {vllmPartition} from '../src/engines/serving/pipeline.js'
import {layerElementsPerToken, samplerBytesPerElement} from '../src/engines/serving/profile.js'
import {findGpuPreset} from '../src/input/gpus.js'
import {architectureFromInput} from '../src/model/input.js'
import {toContractJson} from '../src/output/contract.js'
import {evaluateBlock} from '../src/output/evaluate.js'
import {resolveReference} from '../src/output/reference.js'
import type {VllmSettings} from '../src/types.js'
import {block, GiB, run} from './helpers.js'

// Public vLLM start-up logs with their configuration and source
// (test/reference/vllm-logs.json); each vector's `block` is what a writer would
// write for that launch command.
interface LogVector {
  id: string
  source: string
  matched: boolean
  why?: string
  weights_why?: string
  check_weights_only?: boolean
  block: Record<string, unknown>
  expect: {
    weights_bytes?: number
    weights_gib?: number
    kv_tokens?: number
    max_concurrency?: number
    activation_peak_gib?: number
    available_kv_gib?: number
  }
}
const data: {
  models: Record<string, {source: string; config: Record<string, unknown>; left_out: string[]}>
  vectors: LogVector[]
} = JSON.parse(readFileSync(new URL('./reference/vllm-logs.json', import.meta.url), 'utf8'))

/** `{$model: id}` → the model's config.json fields kept in the test data. */
function resolve(raw: Record<string, unknown>): Record<string, unknown> {
  const model = raw.model as {$model?: string} | string
  if (typeof model === 'object' && model.$model) {
    const entry = data.models[model.$model]
    if (!entry) throw new Error(`no config for ${model.$model}`)
    const config = Object.fromEntries(
      Object.entries(entry.config).filter(([key]) => !entry.left_out.includes(key)),
    )
    return {...raw, model: config}
  }
  return raw
}

const within = (actual: number, expected: number, tolerance: number) =>
  Math.abs(actual / expected - 1) <= tolerance

describe('vLLM start-up logs (weights within 3 %, KV tokens within 10 %)', () => {
  for (const vector of data.vectors) {
    describe(vector.id, () => {
      const serving = run(resolve(vector.block)).serving
      it('is served', () => expect(serving).toBeDefined())
      if (!serving) return
      const logged = vector.expect
      const weights =
        logged.weights_bytes ?? (logged.weights_gib ? logged.weights_gib * GiB : undefined)
      if (weights !== undefined && !vector.weights_why)
        it(`weights ${(weights / GiB).toFixed(2)} GiB as logged`, () =>
          expect(within(serving.weights.bytes, weights, 0.03)).toBe(true))
      if (vector.check_weights_only) return
      if (logged.kv_tokens !== undefined)
        it(`GPU KV cache size ${logged.kv_tokens} tokens`, () =>
          expect(within(serving.kvCacheTokens, logged.kv_tokens as number, 0.1)).toBe(true))
      if (logged.max_concurrency !== undefined)
        it(`maximum concurrency ${logged.max_concurrency}x`, () =>
          expect(within(serving.maxConcurrency, logged.max_concurrency as number, 0.1)).toBe(true))
      if (logged.activation_peak_gib !== undefined)
        // The profile peak, derived tensor by tensor, against vLLM's measured torch peak.
        it(`torch peak increase ${logged.activation_peak_gib} GiB within 5 %`, () =>
          expect(
            within(
              serving.activationPeak.bytes,
              (logged.activation_peak_gib as number) * GiB,
              0.05,
            ),
          ).toBe(true))
      if (logged.available_kv_gib !== undefined)
        it(`available KV cache memory ${logged.available_kv_gib} GiB`, () =>
          expect(within(serving.kvCacheBytes, (logged.available_kv_gib as number) * GiB, 0.1)).toBe(
            true,
          ))
    })
  }

  it('covers several families, GPUs and TP > 1', () => {
    const matched = data.vectors.filter((vector) => vector.matched)
    const gpus = new Set(matched.map((vector) => String(vector.block.gpu)))
    expect(gpus.size).toBeGreaterThanOrEqual(2)
    expect(
      matched.some((vector) => ((vector.block.parallel as {tp?: number} | undefined)?.tp ?? 1) > 1),
    ).toBe(true)
  })

  it('explains every log it does not match', () => {
    for (const vector of data.vectors) {
      expect(vector.source).toBeTruthy()
      if (!vector.matched) expect(vector.why?.length).toBeGreaterThan(40)
    }
  })
})

const settings = (overrides: Partial<VllmSettings> = {}): VllmSettings => ({
  engine: 'vllm',
  gpuMemoryUtilization: 0.9,
  maxModelLen: 16384,
  maxNumSeqs: 256,
  maxNumBatchedTokens: 2048,
  enforceEager: false,
  kvCacheDtype: 'auto',
  kvCacheBytesPerElement: 2,
  blockSize: 16,
  flashinferSampler: false,
  defaulted: [],
  ...overrides,
})

function model(value: unknown) {
  const read = architectureFromInput(value, ['model'])
  if (!read.architecture) throw new Error(JSON.stringify(read.diagnostics))
  return read.architecture
}

describe('KV blocks as vllm/v1/core/kv_cache_utils.py forms them', () => {
  it('one attention type: available // page // layers blocks (Qwen2-7B, log 1 by hand)', () => {
    // 2 (K,V) · 16 tokens · 4 KV heads · 128 · 2 B = 32,768 B per page; 28 layers.
    const layout = kvLayout(model('qwen2.5-7b'), settings(), 1)
    expect(layout.pageBytes).toBe(32768)
    const capacity = kvCapacity(layout, settings(), 5.01 * GiB)
    expect(capacity.numBlocks).toBe(Math.floor((5.01 * GiB) / 32768 / 28))
    expect(capacity.tokens).toBe(capacity.numBlocks * 16)
    // ⌈16384 / 16⌉ = 1024 blocks per request.
    expect(capacity.concurrency).toBeCloseTo(capacity.numBlocks / 1024, 10)
  })

  it('sliding and full layers share blocks in groups (gpt-oss-20b: 12 + 12 layers)', () => {
    const layout = kvLayout(model('gpt-oss-20b'), settings({blockSize: 16}), 1)
    expect(layout.groups.map((group) => [group.kind, group.layers])).toEqual([
      ['full', 12],
      ['sliding', 12],
    ])
    // 8 KV heads · 64 · 2 · 2 B · 16 tokens.
    expect(layout.pageBytes).toBe(2 * 16 * 8 * 64 * 2)
    const capacity = kvCapacity(layout, settings(), 10 * GiB)
    const blocks = Math.floor((10 * GiB) / layout.pageBytes / 12)
    expect(capacity.tokens).toBe(Math.floor(blocks / 2) * 16)
    // Full group ⌈16384/16⌉ = 1024; window 128: ⌈min(127 + 2048, 16384)/16⌉ + 1 = 137.
    expect(capacity.blocksPerRequest).toBe(1024 + 137)
  })

  // From vLLM's own "Available KV cache memory" (rounded to 0.01 GiB in the log),
  // the blocks, the logged tokens and the logged concurrency follow exactly.
  it('gives the logged tokens and concurrency from the logged memory: one type (Qwen2-7B, A100, vLLM 0.10.1.1)', () => {
    const capacity = kvCapacity(
      kvLayout(model('qwen2.5-7b'), settings(), 1),
      settings(),
      5.01 * GiB,
    )
    // Logged: num_gpu_blocks 5867, 93,872 tokens, 5.73x (dennislee22/vLLM-benchmarking@b474d1e).
    expect(Math.abs(capacity.numBlocks - 5867)).toBeLessThanOrEqual(6)
    expect(Math.abs(capacity.tokens - 93872)).toBeLessThanOrEqual(96)
    expect(capacity.concurrency.toFixed(2)).toBe('5.73')
  })

  it('gives the logged tokens and concurrency from the logged memory: sliding + full groups (gpt-oss-120b, TP 4)', () => {
    const gptOss = model('gpt-oss-120b')
    const layout = kvLayout(gptOss, settings(), 4)
    // 36 layers: 18 full + 18 sliding (window 128) → 2 groups of 18; 2 KV heads per rank.
    expect(layout.groups.length).toBe(2)
    expect(layout.groupSize).toBe(18)
    const capacity = kvCapacity(layout, settings(), 45.32 * GiB)
    // Logged: 2,640,144 tokens (165,009 blocks per group), 284.25x (dennislee22/vLLM-benchmarking@0787d88).
    expect(Math.abs(capacity.tokens - 2640144)).toBeLessThanOrEqual(16 * 10)
    // 1024 full-attention blocks + ⌈(127 + 2048) / 16⌉ + 1 = 137 sliding blocks per request.
    expect(capacity.blocksPerRequest).toBe(1161)
    expect(Math.abs(capacity.concurrency - 284.25)).toBeLessThan(0.01)
  })

  it('MLA caches one latent per token, whole on every rank (DeepSeek-V3)', () => {
    const layout = kvLayout(model('deepseek-v3'), settings(), 8)
    expect(layout.pageBytes).toBe(16 * (512 + 64) * 2)
  })

  it('more ranks than KV heads: each rank keeps one replicated head (Llama-3.1-70B, tp 16)', () => {
    expect(kvLayout(model('llama-3.1-70b'), settings(), 16).kvHeadsPerRank).toBe(1)
    expect(kvLayout(model('llama-3.1-70b'), settings(), 4).kvHeadsPerRank).toBe(2)
  })

  it('an fp8 cache halves the page', () => {
    const fp8 = kvLayout(model('qwen2.5-7b'), settings({kvCacheBytesPerElement: 1}), 1)
    expect(fp8.pageBytes).toBe(16384)
  })
})

describe('pipeline stages (vllm/distributed/utils.py get_pp_indices)', () => {
  it('gives the remainder to the stages before the last', () => {
    // vLLM's own examples: 61 layers over 2 stages are [31, 30]; 22 over 4 are [5, 6, 6, 5].
    expect(vllmPartition(61, 2)).toEqual([31, 30])
    expect(vllmPartition(22, 4)).toEqual([5, 6, 6, 5])
    expect(vllmPartition(32, 4)).toEqual([8, 8, 8, 8])
  })

  it('sizes each stage’s KV cache for its own layers; every rank keeps the fewest blocks (Llama-3.1-8B, pp 2, H100)', () => {
    const serving = run({
      model: 'llama-3.1-8b',
      gpu: 'h100',
      serve: {engine: 'vllm', max_model_len: 16384, pipeline_parallel_size: 2},
    }).serving
    if (!serving) throw new Error('no serving')
    // By hand. A layer: q, o 4096² + k, v 4096·1024 + gate, up, down 3·4096·14336 + 2 norms.
    const layer = 4096 * (4096 + 2 * 1024 + 4096) + 3 * 4096 * 14336 + 2 * 4096
    const embedding = 128256 * 4096
    const rope = 131072 * 128 * 2
    // Stage 1 of 2 (16 layers, final norm, LM head) holds the sampler, so it binds:
    const weights = (16 * layer + 4096 + embedding) * 2 + rope
    const sampler = 8192 * 4096 * 2 + 1024 * 128256 * 38
    // The H100 preset's CUDA-visible total (≈79.2 GiB, sourced in the GPU catalogue).
    const requested = Math.floor((findGpuPreset('h100')?.cudaTotalBytes ?? 0) * 0.9)
    const available = requested - weights - sampler - Math.round(0.13 * GiB)
    // A page: 2 · 16 tokens · 8 KV heads · 128 · 2 B; 16 layers on the stage.
    const blocks = Math.floor(available / (2 * 16 * 8 * 128 * 2) / 16)
    expect(serving.stage).toBe(1)
    expect(serving.weights.bytes).toBe(weights)
    expect(serving.numBlocks).toBe(blocks)
    expect(serving.kvCacheTokens).toBe(blocks * 16)
    expect(serving.maxConcurrency).toBeCloseTo(blocks / 1024, 10)
  })
})

describe('the profile run (gpu_model_runner.profile_run)', () => {
  it('sampler bytes per logit: PyTorch sort 2 + 4 + 4 + 8 + 8 + 12, FlashInfer 2 + 4 + 4 + 4', () => {
    expect(samplerBytesPerElement(2, false)).toBe(38)
    expect(samplerBytesPerElement(2, true)).toBe(14)
  })

  it('a layer at the MLP: residual + gate_up + activation (Llama-3.1-8B)', () => {
    const llama = model('llama-3.1-8b')
    expect(layerElementsPerToken(llama, 1, false)).toBe(4096 + 3 * 14336)
    // Eager keeps the normed input alive in the caller's frame.
    expect(layerElementsPerToken(llama, 1, true)).toBe(2 * 4096 + 3 * 14336)
    expect(layerElementsPerToken(llama, 2, false)).toBe(4096 + (3 * 14336) / 2)
  })

  it('grows with max_num_batched_tokens once the forward pass outweighs the sampler', () => {
    const base = {model: 'llama-3.1-8b', gpu: 'a100-80gb'}
    const small = run({...base, serve: {engine: 'vllm', max_num_batched_tokens: 2048}}).serving
    const large = run({...base, serve: {engine: 'vllm', max_num_batched_tokens: 32768}}).serving
    expect(large?.forwardPeakBytes).toBe(32768 * (4096 + 3 * 14336) * 2)
    expect((large?.activationPeak.bytes ?? 0) > (small?.activationPeak.bytes ?? 0)).toBe(true)
  })
})

describe('serve: settings, defaults and diagnostics', () => {
  it('takes vLLM’s defaults per GPU (arg_utils get_batch_defaults)', () => {
    const h100 = run({model: 'llama-3.1-8b', gpu: 'h100', serve: {engine: 'vllm'}}).serving
    expect(h100?.settings).toMatchObject({
      maxNumBatchedTokens: 8192,
      maxNumSeqs: 1024,
      gpuMemoryUtilization: 0.9,
      blockSize: 16,
      maxModelLen: 131072,
    })
    const a100 = run({model: 'llama-3.1-8b', gpu: 'a100-80gb', serve: {engine: 'vllm'}}).serving
    expect(a100?.settings).toMatchObject({maxNumBatchedTokens: 2048, maxNumSeqs: 256})
  })

  it('MLA models take the block size their attention kernel forces (vllm/platforms/cuda.py)', () => {
    const blockOn = (gpu: string) =>
      run({model: 'deepseek-v3', gpu, parallel: {tp: 8}, serve: {engine: 'vllm'}}).serving?.settings
        .blockSize
    expect(blockOn('h200')).toBe(64)
    expect(blockOn('b200')).toBe(128)
    expect(blockOn('a100-80gb')).toBe(16)
    expect(
      run({model: 'llama-3.1-8b', gpu: 'h100', serve: {engine: 'vllm'}}).serving?.settings
        .blockSize,
    ).toBe(16)
  })

  it('solve: gpus finds the fewest GPUs vLLM starts on (Qwen2.5-72B bf16, 32K context, H100)', () => {
    // By hand: 72.7e9 parameters × 2 B = 145 GB do not leave a KV cache on 2 GPUs of
    // 0.9 × 79.18 GiB; on 3 pipeline stages (27 + 27 + 26 layers, vLLM's split) the
    // first holds ≈46.5 GiB, the last ≈44.8 GiB plus a ≈5.6 GiB sampler peak, leaving
    // ≈20 GiB, and one 32K request needs 32768 · 2·8·128·2 B · 27 layers = 3.4 GiB.
    const solved = block({
      model: 'qwen2.5-72b',
      gpu: 'h100',
      serve: {engine: 'vllm', max_model_len: 32768},
      solve: 'gpus',
    }).solved
    expect(solved?.value).toBe(3)
    expect(solved?.axis).toBe('pp 3')
  })

  it('a tensor-parallel sweep shows where vLLM starts (Qwen2.5-72B bf16, 32K context, H100)', () => {
    // By hand: at TP 2 each GPU holds 72.7e9 × 2 / 2 B = 67.7 GiB of weights, which with a
    // ≈5.6 GiB profile peak exceeds 0.9 × 79.18 = 71.3 GiB; at TP 4 (TP 3 does not divide
    // 64 heads) ≈31 GiB remain, and one 32K request needs 32768 × 2·2·128·2·80 B = 2.5 GiB.
    const cases = block({
      model: 'qwen2.5-72b',
      gpu: 'h100',
      serve: {engine: 'vllm', max_model_len: 32768},
      vary: {'parallel.tp': [2, 4]},
    }).cases
    expect(cases?.map((entry) => entry.result.fits)).toEqual([false, true])
  })

  it('quantization: fp8 loads the linear layers in FP8, the rest in bf16 (Llama-3.1-8B)', () => {
    const result = run({
      model: 'llama-3.1-8b',
      gpu: 'h100',
      serve: {engine: 'vllm', quantization: 'fp8'},
    })
    expect(result.scenario.dtype.name).toBe('fp8')
    // By hand: 32 layers × (4096·(4096 + 2·1024 + 4096) + 3·4096·14336) linear weights at 1 B,
    // embedding and LM head (2 · 128256 · 4096) and norms (65 · 4096) at 2 B.
    const linear = 32 * (4096 * (4096 + 2 * 1024 + 4096) + 3 * 4096 * 14336)
    const rest = 2 * 128256 * 4096 + 65 * 4096
    expect(result.perDevice.weights).toBe(linear + rest * 2 + 131072 * 128 * 2)
    const clash = evaluateBlock({
      model: 'llama-3.1-8b',
      gpu: 'h100',
      dtype: 'bf16',
      serve: {engine: 'vllm', quantization: 'fp8'},
    })
    expect(clash.diagnostics.map((entry) => entry.ruleId)).toContain('incompatible')
    const awq = evaluateBlock({
      model: 'llama-3.1-8b',
      gpu: 'h100',
      serve: {engine: 'vllm', quantization: 'awq'},
    })
    expect(awq.diagnostics.map((entry) => [entry.ruleId, entry.path])).toContainEqual([
      'invalid-value',
      ['serve', 'quantization'],
    ])
  })

  it('accepts the launch command’s dashed names and tensor_parallel_size', () => {
    const result = run({
      model: 'llama-3.1-70b',
      gpu: 'h100',
      serve: {engine: 'vllm', 'max-model-len': 8192, tensor_parallel_size: 4},
    })
    expect(result.scenario.parallel.tp).toBe(4)
    expect(result.serving?.settings.maxModelLen).toBe(8192)
  })

  it('applies gpu_memory_utilization to the CUDA-visible total, not nvidia-smi’s', () => {
    const result = run({model: 'qwen2.5-7b', gpu: 'h100', serve: {engine: 'vllm'}})
    const h100 = findGpuPreset('h100')
    // vLLM logged 79.18 GiB on an H100 SXM (llm-d/llm-d-benchmark@0fa12aa); nvidia-smi says 81,559 MiB.
    expect(Math.abs((result.serving?.cudaTotalBytes ?? 0) / GiB - 79.18)).toBeLessThan(0.05)
    expect(result.serving?.cudaTotalBytes).toBe(h100?.cudaTotalBytes)
    expect(result.serving?.cudaTotalBytes).toBeLessThan(h100?.capacity ?? 0)
    expect(result.serving?.requestedBytes).toBe(
      Math.floor((result.serving?.cudaTotalBytes ?? 0) * 0.9),
    )
  })

  it('breaks the memory down as vLLM lays it out, adding up to the requested share', () => {
    const result = run({model: 'qwen2.5-7b', gpu: 'h100', serve: {engine: 'vllm'}})
    const serving = result.serving
    if (!serving) throw new Error('no serving')
    expect(result.perDevice.kvCache).toBe(serving.kvCacheAllocatedBytes)
    expect(result.perDevice.total).toBeLessThanOrEqual(serving.requestedBytes)
    expect(serving.requestedBytes - result.perDevice.total).toBeLessThan(
      serving.pageBytes * serving.groupSize,
    )
  })

  it('says when vLLM would refuse to start', () => {
    const result = run({
      model: 'llama-3.1-70b',
      gpu: 'h100',
      serve: {engine: 'vllm', max_model_len: 8192},
    })
    expect(result.serving?.error).toMatch(/No available memory/)
    expect(result.fits).toBe(false)
    const long = run({model: 'llama-3.1-8b', gpu: 'rtx-3090', serve: {engine: 'vllm'}})
    expect(long.serving?.error).toMatch(/max_model_len 131072/)
  })

  const problems: Array<[string, Record<string, unknown>, string, Array<string | number>]> = [
    ['no gpu', {model: 'llama-3.1-8b', serve: {engine: 'vllm'}}, 'missing-field', ['serve']],
    [
      'unknown setting',
      {model: 'llama-3.1-8b', gpu: 'h100', serve: {engine: 'vllm', max_model_length: 4096}},
      'unknown-key',
      ['serve', 'max_model_length'],
    ],
    [
      'other engine',
      {model: 'llama-3.1-8b', gpu: 'h100', serve: {engine: 'tensorrt-llm'}},
      'invalid-value',
      ['serve', 'engine'],
    ],
    [
      'context too long',
      {model: 'llama-3.1-8b', gpu: 'h100', serve: {engine: 'vllm', max_model_len: 200000}},
      'incompatible',
      ['serve', 'max_model_len'],
    ],
    [
      'training',
      {model: 'llama-3.1-8b', gpu: 'h100', mode: 'training', serve: {engine: 'vllm'}},
      'incompatible',
      ['serve'],
    ],
    [
      'tp twice',
      {
        model: 'llama-3.1-8b',
        gpu: 'h100',
        parallel: {tp: 2},
        serve: {engine: 'vllm', tensor_parallel_size: 4},
      },
      'incompatible',
      ['parallel', 'tp'],
    ],
    [
      'data parallel',
      {model: 'llama-3.1-8b', gpu: 'h100', parallel: {dp: 2}, serve: {engine: 'vllm'}},
      'incompatible',
      ['parallel'],
    ],
    [
      'pp twice',
      {
        model: 'llama-3.1-8b',
        gpu: 'h100',
        parallel: {pp: 2},
        serve: {engine: 'vllm', pipeline_parallel_size: 4},
      },
      'incompatible',
      ['parallel', 'pp'],
    ],
    [
      'utilization',
      {model: 'llama-3.1-8b', gpu: 'h100', serve: {engine: 'vllm', gpu_memory_utilization: 1.5}},
      'invalid-value',
      ['serve', 'gpu_memory_utilization'],
    ],
    [
      'block size',
      {model: 'llama-3.1-8b', gpu: 'h100', serve: {engine: 'vllm', block_size: 24}},
      'invalid-value',
      ['serve', 'block_size'],
    ],
    [
      'solve batch',
      {model: 'llama-3.1-8b', gpu: 'h100', serve: {engine: 'vllm'}, solve: 'batch'},
      'incompatible',
      ['solve'],
    ],
    [
      'batched below seqs',
      {
        model: 'llama-3.1-8b',
        gpu: 'h100',
        serve: {engine: 'vllm', max_num_batched_tokens: 512},
      },
      'incompatible',
      ['serve', 'max_num_batched_tokens'],
    ],
  ]
  it('warns about keys vLLM’s budget does not read', () => {
    const {block: result, diagnostics} = evaluateBlock({
      model: 'llama-3.1-8b',
      gpu: 'h100',
      batch: 16,
      seq: 32768,
      serve: {engine: 'vllm'},
    })
    expect(result?.result?.serving).toBeDefined()
    expect(diagnostics.map((entry) => [entry.severity, entry.path])).toEqual([
      ['warning', ['batch']],
      ['warning', ['seq']],
    ])
  })

  for (const [name, raw, ruleId, path] of problems) {
    it(`${name}: ${ruleId} at ${path.join('.')}`, () => {
      const {block: result, diagnostics} = evaluateBlock(raw)
      expect(result).toBeUndefined()
      expect(diagnostics.map((entry) => [entry.ruleId, entry.path])).toContainEqual([ruleId, path])
    })
  }
})

describe('serving in the JSON contract and references', () => {
  const computed = block({
    id: 'qwen',
    model: 'qwen2.5-7b',
    gpu: 'a100-80gb',
    serve: {engine: 'vllm', max_model_len: 16384},
  })

  it('has the fixed `serving` fields', () => {
    const json = toContractJson(computed) as {serving: Record<string, unknown>}
    expect(json.serving).toMatchObject({
      engine: 'vllm',
      kvCacheBytes: computed.result?.serving?.kvCacheBytes,
      kvCacheTokens: computed.result?.serving?.kvCacheTokens,
      maxConcurrency: computed.result?.serving?.maxConcurrency,
    })
    expect((json.serving.settings as Record<string, unknown>).max_model_len).toBe(16384)
  })

  it('resolves kv_tokens and max_concurrency', () => {
    expect(resolveReference(computed, 'kv_tokens')).toEqual({
      value: {kind: 'count', value: computed.result?.serving?.kvCacheTokens},
    })
    expect(resolveReference(computed, 'max_concurrency')).toEqual({
      value: {kind: 'factor', value: computed.result?.serving?.maxConcurrency},
    })
    const plain = block({model: 'qwen2.5-7b'})
    expect(resolveReference(plain, 'kv_tokens')).toMatchObject({
      suggestion: expect.stringMatching(/serve/),
    })
  })

  it('sweeps a vLLM setting with `vary`', () => {
    const swept = block({
      model: 'qwen2.5-7b',
      gpu: 'a100-80gb',
      serve: {engine: 'vllm'},
      vary: {'serve.max_model_len': [8192, 32768]},
    })
    const [short, long] = (swept.cases ?? []).map((entry) => entry.result.serving)
    expect(short?.kvCacheTokens).toBe(long?.kvCacheTokens)
    expect((short?.maxConcurrency ?? 0) / (long?.maxConcurrency ?? 1)).toBeCloseTo(4, 5)
  })
})
