import {beforeAll, describe, expect, it} from 'vitest'
import {tempDir, vram, writeTemp} from './helpers.js'

// `vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 16000 --block-size 128`
// on an H100 logged "Available KV cache memory: 51.38 GiB" (vLLM 0.11; llm-d/llm-d-benchmark
// @0fa12aa, config_explorer/empirical-vllm-memory-results.md); 420,864 tokens follow from it.
const block = `model: llama-3.1-8b
gpu: h100-sxm-80gb
serve:
  engine: vllm
  max_model_len: 16000
  block_size: 128
`
const GiB = 2 ** 30

let dir: string

beforeAll(() => {
  dir = tempDir()
})

describe('vram calc with serve', () => {
  it('gives the `serving` object of the JSON contract', async () => {
    const run = await vram(['calc', '--json', writeTemp(dir, 'serve.yaml', block)])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const {serving} = JSON.parse(run.stdout)
    // Observed 0.10 % and 0.09 % off (the engine's tests cover the other logs).
    expect(Math.abs(serving.kvCacheBytes / (51.38 * GiB) - 1)).toBeLessThan(0.002)
    expect(Math.abs(serving.kvCacheTokens / 420_864 - 1)).toBeLessThan(0.002)
    // Concurrency as vLLM computes it: blocks ÷ ⌈16000 / 128⌉.
    expect(serving.maxConcurrency).toBeCloseTo(serving.numBlocks / 125, 10)
    expect(serving.settings).toEqual({
      gpu_memory_utilization: 0.9,
      max_model_len: 16000,
      max_num_seqs: 1024,
      max_num_batched_tokens: 8192,
      enforce_eager: false,
      kv_cache_dtype: 'auto',
      block_size: 128,
      VLLM_USE_FLASHINFER_SAMPLER: false,
    })
  })

  it('prints what vLLM logs', async () => {
    const run = await vram(['calc', writeTemp(dir, 'serve-text.yaml', block)])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(
      /GPU KV cache size: [\d,]+ tokens; maximum concurrency for 16,000 tokens per request: \d+\.\d\dx/,
    )
    expect(run.stdout).toContain('activation peak (profile run)')
  })

  it('points at the serve key of a bad setting', async () => {
    const file = writeTemp(dir, 'serve-bad.yaml', `${block}  max_num_seq: 8\n`)
    const run = await vram(['calc', file])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`${file}:7:3:`)
    expect(run.stderr).toContain('did you mean `max_num_seqs`?')
  })
})
