import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {toMarkdown, transform, VFile} from './pipelines.js'

// Whatever a writer types, the plugin reports positioned messages or renders:
// it never throws anything but a VFileMessage, and never prints NaN. A valid
// block renders the figure a hand formula gives; those are counted, so the
// test fails if its generator stops producing them.

const line = fc.oneof(
  fc.constantFrom(
    'model: llama-2-7b',
    'model: {params: 7B}',
    'model: qwen2.5-7b',
    'mode: training',
    'batch: 8',
    'seq: 32768',
    'gpu: h100-sxm-80gb',
    'parallel: {tp: 2, dp: 4, zero: 2}',
    'show: [breakdown, formulas, summary, advice]',
    'vary: {dtype: [fp16, int4]}',
    'solve: batch',
    'expect: {total: 10 GB}',
    'id: x',
    '  - nested',
    'bogus: 1',
    ': broken',
    '*alias',
  ),
  fc.string({maxLength: 30}),
)
const fence = fc
  .array(line, {maxLength: 8})
  .map((lines) => `\`\`\`vram\n${lines.join('\n')}\n\`\`\``)
const prose = fc.constantFrom(
  'Text `vram:x.total` here.',
  '> quote',
  '- item',
  '',
  '`vram:nope.total`',
)
const doc = fc.array(fc.oneof(fence, prose), {maxLength: 5}).map((parts) => parts.join('\n\n'))

/**
 * Llama-2-7B in fp16: 6,738,415,616 parameters × 2 bytes (meta-llama/Llama-2-7b-hf),
 * the KV cache 2 × 32 layers × 32 KV heads × 128 × 2 bytes × B × N, and the
 * CUDA context of 287,047,680 bytes (pytorch/pytorch#86509, no buffers by default);
 * shown with three significant digits.
 */
const valid = fc
  .record({batch: fc.integer({min: 1, max: 64}), seq: fc.integer({min: 1, max: 4096})})
  .map(({batch, seq}) => {
    const total = 6_738_415_616 * 2 + 2 * 32 * 32 * 128 * 2 * batch * seq + 287_047_680
    const figure = new Intl.NumberFormat('en-US', {maximumSignificantDigits: 3}).format(total / 1e9)
    return {
      value: `Intro.\n\n\`\`\`vram\nmodel: llama-2-7b\ndtype: fp16\nbatch: ${batch}\nseq: ${seq}\nshow: summary\n\`\`\``,
      summary: `${figure} GB in total; no GPU given, so no fit check.`,
    }
  })

describe('robustness', () => {
  for (const errors of ['fatal', 'warn'] as const) {
    it(`any document (errors: ${errors}): a VFileMessage with a position, or output without NaN`, () => {
      let checked = 0
      fc.assert(
        fc.property(fc.oneof(doc, valid), (draw) => {
          if (typeof draw !== 'string') {
            const file = new VFile({value: draw.value, path: 'doc.md'})
            expect(toMarkdown(transform(file, {errors}))).toBe(`Intro.\n\n${draw.summary}\n`)
            expect(file.messages).toEqual([])
            checked++
            return
          }
          const value = draw
          const file = new VFile({value, path: 'doc.md'})
          try {
            const tree = transform(file, {errors})
            expect(toMarkdown(tree)).not.toContain('NaN')
          } catch (error) {
            // A VFileMessage (vfile-message is not a direct dependency to import the class from).
            const message = error as {
              source?: string
              ruleId?: string
              line?: number
              fatal?: boolean
            }
            expect(message.fatal).toBe(true)
            expect(message.source).toBe('remark-vram')
            expect(message.ruleId).not.toBe('internal-error')
            expect(message.line).toBeGreaterThanOrEqual(1)
          }
          for (const message of file.messages) expect(message.ruleId).not.toBe('internal-error')
        }),
        {numRuns: 300},
      )
      // About half the documents are valid blocks.
      expect(checked).toBeGreaterThan(300 / 4)
    })
  }
})
