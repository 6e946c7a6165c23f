import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {toMarkdown, transform, VFile} from './pipelines.js'

// Whatever a writer types, the plugin reports positioned messages or renders:
// it never throws anything but a VFileMessage, and never prints NaN.

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

describe('robustness', () => {
  for (const errors of ['fatal', 'warn'] as const) {
    it(`any document (errors: ${errors}): a VFileMessage with a position, or output without NaN`, () => {
      fc.assert(
        fc.property(doc, (value) => {
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
    })
  }
})
