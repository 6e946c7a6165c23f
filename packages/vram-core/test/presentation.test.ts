/**
 * The fit line's description (output/presentation.ts), which remark-vram and
 * the CLI both render. Qwen2.5-7B in fp16 at B=16, N=32,768 on an H100 SXM
 * (config.json: 28 layers, 4 KV heads, head_dim 128; nvidia-smi total 81,559 MiB):
 * weights 2 × 7,615,616,512 = 15,231,233,024 B; KV cache
 * 2 × 28 × 4 × 128 × 2 B × 16 × 32,768 = 30,064,771,072 B; the CUDA context
 * 287,047,680 B (pytorch/pytorch#86509), no buffers by default;
 * total 45,583,051,776 B of 85,520,809,984 B = 53.3 %, written `53%`.
 */
import {describe, expect, it} from 'vitest'
import {fitVerdict, formatPercent} from '../src/output/presentation.js'
import {run} from './helpers.js'

const qwen = {
  model: 'Qwen/Qwen2.5-7B',
  dtype: 'fp16',
  batch: 16,
  seq: 32768,
  gpu: 'h100-sxm-80gb',
}

describe('one presentation of a result', () => {
  it('describes the fit line once: verdict, share, headroom', () => {
    const verdict = fitVerdict(run(qwen))
    expect(verdict).toMatchObject({
      kind: 'fits',
      total: 45_583_051_776,
      capacity: 81_559 * 2 ** 20,
      perDevice: false,
    })
    if (verdict.kind !== 'fits') throw new Error('expected a fit')
    expect(formatPercent(verdict.share)).toBe('53%')
    expect(verdict.headroom).toBe(verdict.usable - 45_583_051_776)
    expect(verdict.over).toBe(0)
  })

  it('over the GPU: the excess, never a negative headroom; no GPU: no verdict', () => {
    const verdict = fitVerdict(run({...qwen, batch: 64}))
    expect(verdict.kind).toBe('over')
    if (verdict.kind !== 'over') throw new Error('expected over')
    expect(verdict.headroom).toBe(0)
    expect(verdict.over).toBeGreaterThan(0)
    expect(fitVerdict(run({...qwen, gpu: undefined})).kind).toBe('noGpu')
  })

  it('writes a share one way: a whole percent, two significant digits below 10 %', () => {
    expect(formatPercent(0.553)).toBe('55%')
    expect(formatPercent(0.0052)).toBe('0.52%')
    expect(formatPercent(17.21)).toBe('1,721%')
    expect(formatPercent(0)).toBe('0%')
  })
})
