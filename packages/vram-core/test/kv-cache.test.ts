/** KV cache (kv-cache.ts), against hand derivations and vLLM's defaults. */
import {describe, expect, it} from 'vitest'
import {run} from './helpers.js'

describe('`params` with a partial shape uses the layers given', () => {
  it('2 × B × N × kv_heads × d_h × L × 2 bytes = 2 × 1 × 4096 × 32 × 128 × 32 × 2', () => {
    const r = run({
      model: {params: '7B', layers: 32, hidden: 4096, heads: 32},
      seq: 4096,
      batch: 1,
    })
    expect(r.perDevice.kvCache).toBe(2 * 1 * 4096 * 32 * 128 * 32 * 2)
    expect(r.perDevice.kvCache).toBe(2_147_483_648)
    // The weights are still the 7B given, spread over the 32 layers.
    expect(r.perDevice.weights).toBe(14_000_000_000)
  })
  it('with pp 4 each stage holds 8 of the 32 layers', () => {
    const r = run({
      model: {params: '7B', layers: 32, hidden: 4096, heads: 32},
      seq: 4096,
      batch: 1,
      parallel: {pp: 4},
    })
    expect(r.perDevice.kvCache).toBe(2_147_483_648 / 4)
    expect(r.perDevice.weights).toBe(14_000_000_000 / 4)
  })
})

describe('the KV cache defaults to the activation dtype', () => {
  // vLLM's `--kv-cache-dtype auto` (and SGLang's) keeps the cache in the model's activation
  // dtype, not in an fp8 checkpoint's weight dtype; an 8-bit cache only when asked.
  // Llama-3.1-8B: 32 layers × 8 KV heads × 128 × 2 (K, V) = 65,536 elements per token.
  it('fp8 weights: bf16 cache (2 bytes), fp8 only with kv_dtype: fp8', () => {
    expect(run({model: 'llama-3.1-8b', dtype: 'fp8', seq: 8192}).perDevice.kvCache).toBe(
      65536 * 8192 * 2,
    )
    expect(
      run({model: 'llama-3.1-8b', dtype: 'fp8', kv_dtype: 'fp8', seq: 8192}).perDevice.kvCache,
    ).toBe(65536 * 8192)
  })
  it('int4 weights: bf16; fp16 weights: fp16; fp32 weights: fp32', () => {
    expect(run({model: 'llama-3.1-8b', dtype: 'int4', seq: 8192}).scenario.kvDtype.name).toBe(
      'bf16',
    )
    expect(run({model: 'llama-3.1-8b', dtype: 'fp16', seq: 8192}).scenario.kvDtype.name).toBe(
      'fp16',
    )
    expect(run({model: 'llama-3.1-8b', dtype: 'fp32', seq: 8192}).scenario.kvDtype.name).toBe(
      'fp32',
    )
  })
})
