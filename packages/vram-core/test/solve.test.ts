/**
 * Solvers (solve.ts): every answer is a computed fit, the fewest devices among
 * all valid layouts, or a reason; never a search cap or a length beyond the
 * model's context passed off as an answer.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {evaluateBlock} from '../src/output/evaluate.js'
import {firstFitting} from '../src/output/solve.js'
import {block, run} from './helpers.js'

describe('solve: gpus', () => {
  it('ZeRO-3 fits on 6 GPUs: the answer is 6, not the next power of two', () => {
    const raw = {
      model: 'llama-2-7b',
      mode: 'training',
      gpu: 'rtx-4090',
      seq: 1024,
      parallel: {zero: 3},
    }
    const solved = block({...raw, solve: 'gpus'}).solved
    expect(solved).toMatchObject({value: 6, axis: 'dp 3 × tp 2'})
    expect(solved?.result?.fits).toBe(true)
    // No layout of 5 devices or fewer fits (tensor parallelism splits the 32 heads by 1, 2 or 4).
    for (const [dp, tp] of [
      [5, 1],
      [2, 2],
      [1, 4],
    ] as const) {
      const r = run({...raw, parallel: {zero: 3, dp, tp}, batch: dp})
      expect(r.fits, `dp ${dp} × tp ${tp}`).toBe(false)
    }
  })
  it('inference: tensor and pipeline degrees combine (Llama-3.1-405B in fp8 on 6 H100s)', () => {
    const solved = block({
      model: 'meta-llama/Llama-3.1-405B',
      dtype: 'fp8',
      batch: 1,
      seq: 8192,
      gpu: 'h100-sxm-80gb',
      solve: 'gpus',
    }).solved
    expect(solved).toMatchObject({value: 6, axis: 'tp 2 × pp 3'})
    // Five devices can only be tp 1 × pp 5 (128 heads do not split by 5): a fifth of the
    // weights (81 GB in fp8), the KV cache and 2 GB of buffers exceed 0.99 × 81,559 MiB.
    const five = run({
      model: 'meta-llama/Llama-3.1-405B',
      dtype: 'fp8',
      batch: 1,
      seq: 8192,
      gpu: 'h100-sxm-80gb',
      parallel: {pp: 5},
    })
    expect(five.fits).toBe(false)
  })
})

describe('solve: seq', () => {
  it('the whole context fitting is said, not exceeded (Llama-3.1-8B: 131,072 tokens on a B200)', () => {
    const solved = block({model: 'llama-3.1-8b', gpu: 'b200', solve: 'seq'}).solved
    expect(solved).toMatchObject({value: 131072, limit: 'context'})
    expect(solved?.note).toContain('whole context (131,072 tokens) fits')
  })
  it('a model without a known context never returns the search cap as an answer', () => {
    const solved = block({
      model: {layers: 2, hidden: 64, heads: 1, ffn: 128, vocab: 100, head_dim: 64},
      gpu: 'b200',
      solve: 'seq',
    }).solved
    expect(solved?.value).toBeUndefined()
    expect(solved?.reason).toContain('the search stops there')
  })
  it('a `seq` beyond the context is a warning', () => {
    const {diagnostics} = evaluateBlock({model: 'llama-2-7b', seq: 8192})
    expect(diagnostics).toEqual([
      expect.objectContaining({
        ruleId: 'invalid-value',
        severity: 'warning',
        path: ['seq'],
        message: "`seq` (8192) exceeds the model's context of 4096 tokens",
      }),
    ])
  })
})

describe('solve without a GPU', () => {
  it('is a diagnostic at `solve`, not "no batch fits"', () => {
    const {block: result, diagnostics} = evaluateBlock({model: 'llama-3.1-8b', solve: 'batch'})
    expect(result).toBeUndefined()
    expect(diagnostics).toEqual([
      expect.objectContaining({ruleId: 'missing-field', path: ['solve'], severity: 'error'}),
    ])
  })
  it('a GPU swept by `vary` or set by the host counts', () => {
    expect(
      evaluateBlock({model: 'llama-3.1-8b', solve: 'batch', vary: {gpu: ['rtx-4090', 'a100-80gb']}})
        .diagnostics,
    ).toEqual([])
    expect(
      evaluateBlock({model: 'llama-3.1-8b', solve: 'batch'}, {defaults: {gpu: 'rtx-4090'}})
        .diagnostics,
    ).toEqual([])
  })
})

describe('solve: batch', () => {
  it('more than the search limit fitting is a reason, not a value', () => {
    const solved = block({
      model: {layers: 1, hidden: 8, heads: 1, ffn: 8, vocab: 8, head_dim: 8},
      gpu: 'b200',
      seq: 1,
      buffers: 0,
      solve: 'batch',
    }).solved
    expect(solved?.value).toBeUndefined()
    expect(solved?.reason).toContain('the search stops there')
  })
})

describe('firstFitting (the device search)', () => {
  it('finds what a scan of every degree finds, from any starting guess', () => {
    fc.assert(
      fc.property(
        fc.integer({min: 0, max: 3000}),
        fc.integer({min: 1, max: 4000}),
        fc.integer({min: 1, max: 7}),
        fc.integer({min: 1, max: 5000}),
        (highest, threshold, step, guess) => {
          const valid = (degree: number) => degree % step === 0
          const fits = (degree: number) => degree >= threshold
          let scanned: number | undefined
          for (let degree = 1; degree <= highest; degree++)
            if (valid(degree) && fits(degree)) {
              scanned = degree
              break
            }
          const probed: number[] = []
          const found = firstFitting(
            highest,
            valid,
            (degree) => {
              probed.push(degree)
              return fits(degree)
            },
            guess,
          )
          expect(found).toBe(scanned)
          // Logarithmic in the range searched, never linear.
          expect(probed.length).toBeLessThanOrEqual(4 * Math.ceil(Math.log2(highest + 2)) + 3)
          // From a guess of 1, no probe beyond about twice the answer (deep probes cost more).
          if (guess === 1 && found !== undefined)
            expect(Math.max(...probed)).toBeLessThanOrEqual(2 * found + step)
        },
      ),
    )
  })
})
