/**
 * `measured:` in the CLI: the text line, the JSON contract (spec §8
 * `measured: {total, ratio}`), and `vram check` failing outside the tolerance.
 * The measurement: vLLM 0.10.1.1 on one A100 80GB logs "Model loading took
 * 14.2488 GiB" for Qwen2-7B-Instruct (the shape of Qwen2.5-7B) at SOURCE.
 */
import {beforeAll, describe, expect, it} from 'vitest'
import {tempDir, vram, writeTemp} from './helpers.js'

const source =
  'https://github.com/dennislee22/vLLM-benchmarking/blob/b474d1e053c35c9aef8c02aae4efbc0d8675f033/log/vllm-7B-1gpuA10080GB-0.25GRAM.log'
const block = (figure: string) => `model: qwen2.5-7b
dtype: bf16
gpu: a100-80gb
serve: {engine: vllm, gpu_memory_utilization: 0.25, max_model_len: 16384}
measured:
  weights: ${figure}
  how: vllm-log
  source: ${source}
`
const loggedBytes = 14.2488 * 2 ** 30
// vLLM's weights by hand: 7,615,616,512 bf16 parameters × 2 B + rotary cache 131,072 × 128 × 2 B.
const computedByHand = 7_615_616_512 * 2 + 131_072 * 128 * 2

let dir: string
beforeAll(() => {
  dir = tempDir()
})

describe('vram calc with measured:', () => {
  it('prints the measured figure, how, computed, ratio and source', async () => {
    const run = await vram(['calc', writeTemp(dir, 'ok.yaml', block('14.2488 GiB'))])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain(
      'measured weights 15.3 GB (14.2488 GiB) by vLLM log: computed 15.3 GB, ratio 1.00 within ±10 %',
    )
    expect(run.stdout).toContain(`source: ${source}`)
  })

  it('JSON: measured {weights, ratio, tolerance, how, source}', async () => {
    const run = await vram(['calc', '--json', writeTemp(dir, 'ok.yaml', block('14.2488 GiB'))])
    expect(run.status).toBe(0)
    const measured = JSON.parse(run.stdout).measured
    expect(measured.weights).toBeCloseTo(loggedBytes, 0)
    expect(measured.ratio).toBeCloseTo(computedByHand / loggedBytes, 9)
    expect(measured).toMatchObject({tolerance: 0.1, how: 'vllm-log', source})
  })

  it('vram check exits 1 with a positioned measured-mismatch outside the tolerance', async () => {
    const file = writeTemp(dir, 'off.md', `# Off\n\n\`\`\`vram\n${block('11.4 GiB')}\`\`\`\n`)
    const run = await vram(['check', file])
    expect(run.status).toBe(1)
    // Line 9 of the file: `  weights: 11.4 GiB`, the value at column 12.
    expect(run.stderr).toMatch(
      /off\.md:9:12: Measured weights 11\.4 GiB \(vllm-log\), computed 15\.26 GB: ratio 1\.25, outside ±10 %.*\[measured-mismatch\]/,
    )
  })
})

describe('a figure written in the block’s units', () => {
  it('is printed once', async () => {
    // By hand: 7,615,616,512 × 2 B + KV 2 × 28 × 4 × 128 × 2 B × 4096 + the CUDA context
    // 287,047,680 B (pytorch/pytorch#86509) = 15.75 GB; / 17 GB = 0.93.
    const run = await vram(['calc', '--model', 'qwen2.5-7b', '--measured', '{total: 17 GB}'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain(
      'measured total 17.0 GB: computed 15.8 GB, ratio 0.93 within ±10 %',
    )
  })
})
