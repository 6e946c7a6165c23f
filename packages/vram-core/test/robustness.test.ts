import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {blockKeys, parallelKeys} from '../src/input/scenario.js'
import {parseBlockSource} from '../src/input/yaml-source.js'
import {modelSymbols} from '../src/model/input.js'
import {evaluateBlock} from '../src/output/evaluate.js'

// Bad input never throws, and never yields NaN, Infinity or a negative size.

const value = fc.oneof(
  fc.anything(),
  fc.constantFrom(
    'llama-2-7b',
    'qwen2.5-7b',
    'training',
    'fp16',
    '7B',
    '80 GB',
    'h100',
    -1,
    0,
    1e308,
    Number.NaN,
    3.5,
    '',
  ),
)
const block = fc.dictionary(fc.constantFrom(...blockKeys, 'bogus'), value, {maxKeys: 8})
const parallel = fc.dictionary(fc.constantFrom(...parallelKeys, 'bogus'), value, {maxKeys: 5})

function checkSizes(result: unknown) {
  const text = JSON.stringify(result, (_key, entry) =>
    typeof entry === 'bigint' ? String(entry) : entry,
  )
  expect(text).not.toContain('NaN')
  expect(text).not.toMatch(/-\d/) // no negative numbers anywhere in perDevice
}

describe('robustness', () => {
  it('any YAML text parses or reports yaml-syntax, never throws', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 200}), (text) => {
        const parsed = parseBlockSource(text)
        for (const entry of parsed.diagnostics) expect(entry.ruleId).toBe('yaml-syntax')
      }),
      {numRuns: 300},
    )
  })
  it('any value evaluates to a block or diagnostics, never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), block), (raw) => {
        const {block: result, diagnostics} = evaluateBlock(raw)
        expect(result !== undefined || diagnostics.length > 0).toBe(true)
        if (result?.result) checkSizes(result.result.perDevice)
      }),
      {numRuns: 2000},
    )
  })
  it('random layouts on a real model: sizes finite and non-negative', () => {
    fc.assert(
      fc.property(parallel, value, value, (layout, batch, seq) => {
        const {block: result} = evaluateBlock({
          model: 'mixtral-8x7b',
          mode: 'training',
          parallel: layout,
          batch,
          seq,
        })
        if (result?.result) checkSizes(result.result.perDevice)
      }),
      {numRuns: 300},
    )
  })
  it('random model mappings: diagnostics or finite sizes', () => {
    const numbers = fc.oneof(value, fc.integer({min: -8, max: 70000}))
    const model = fc.dictionary(
      fc.constantFrom(...modelSymbols, 'extends', 'hidden_size', 'bogus'),
      numbers,
      {maxKeys: 12},
    )
    fc.assert(
      fc.property(model, fc.constantFrom('inference', 'training'), (mapping, mode) => {
        const {block: result} = evaluateBlock({model: mapping, mode})
        if (result?.result) checkSizes(result.result.perDevice)
      }),
      {numRuns: 1000},
    )
  })
})
