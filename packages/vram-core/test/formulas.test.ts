import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {evaluateBlock} from '../src/output/evaluate.js'
import {gpt3} from './helpers.js'

/**
 * Evaluates the arithmetic of a substituted LaTeX formula (`\frac`, `\times`,
 * `\cdot`, `\left(`, thin spaces), so that each printed formula can be checked
 * against the number printed next to it.
 */
function evaluateTex(latex: string): number {
  let text = latex.replace(/\\ \(\\text\{[^}]*\}\)/g, '')
  text = text
    .replace(/\\,/g, '')
    .replace(/\\left\(/g, '(')
    .replace(/\\right\)/g, ')')
  text = text.replace(/\\times|\\cdot/g, '*')
  // \frac{a}{b} → ((a)/(b)), innermost first.
  for (let guard = 0; text.includes('\\frac') && guard < 50; guard++) {
    text = text.replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, '(($1)/($2))')
  }
  // Juxtaposition is multiplication: `4096 (20.08)`, `) (`.
  text = text.replace(/([\d)])\s*\(/g, '$1*(')
  if (!/^[\d\s.+*/()e-]*$/.test(text)) throw new Error(`not arithmetic: ${latex} → ${text}`)
  return Function(`return (${text})`)() as number
}

const scenario = fc.record({
  model: fc.constantFrom(
    'llama-2-7b',
    'qwen2.5-7b',
    'mixtral-8x7b',
    'gemma-2-9b',
    'deepseek-v3',
    'qwen3-30b-a3b',
  ),
  mode: fc.constantFrom('inference', 'training'),
  batch: fc.constantFrom(1, 8, 16),
  seq: fc.constantFrom(1024, 4096, 32768),
  attention: fc.constantFrom('flash', 'eager'),
  recompute: fc.constantFrom('none', 'selective', 'full'),
  tp: fc.constantFrom(1, 2, 8),
  pp: fc.constantFrom(1, 2),
  zero: fc.constantFrom(0, 1, 2, 3),
  accounting: fc.constantFrom('deepspeed', 'paper'),
  dtype: fc.constantFrom('bf16', 'int4', 'mxfp4'),
  quantize: fc.constantFrom('all', 'linear', 'experts'),
})

describe('formulas', () => {
  it('every substituted formula evaluates to the size printed next to it', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const training = s.mode === 'training'
        const {block} = evaluateBlock({
          model: s.model,
          mode: s.mode,
          batch: s.batch * 8,
          seq: s.seq,
          attention: s.attention,
          recompute: s.recompute,
          accounting: s.accounting,
          dtype: training ? 'bf16' : s.dtype,
          quantize: s.quantize,
          parallel: {dp: 8, tp: s.tp, pp: s.pp, zero: training ? s.zero : 0},
        })
        if (!block?.result) return
        for (const component of block.result.components) {
          const value = evaluateTex(component.formula.substituted)
          // Partitions round up to whole elements and bytes; coefficients print 6 digits.
          expect(Math.abs(value - component.bytes) / Math.max(component.bytes, 1)).toBeLessThan(
            1e-4,
          )
        }
      }),
      {numRuns: 200},
    )
  })
  it('every substituted formula of an adapter block evaluates to its size', () => {
    const adapterScenario = fc.record({
      model: fc.constantFrom('llama-3.1-8b', 'mixtral-8x7b', 'phi-3-mini', 'qwen3-30b-a3b'),
      dtype: fc.constantFrom('bf16', 'nf4', 'int8'),
      type: fc.constantFrom('lora', 'dora'),
      rank: fc.integer({min: 1, max: 128}),
      targets: fc.constantFrom('all-linear', 'attention', 'mlp'),
      optimizer: fc.constantFrom('adamw', 'adamw-8bit', 'adafactor', 'sgd'),
      recompute: fc.constantFrom('none', 'full', 'offload'),
      seq: fc.constantFrom(512, 4096),
    })
    fc.assert(
      fc.property(adapterScenario, (s) => {
        const {block} = evaluateBlock({
          model: s.model,
          mode: 'training',
          dtype: s.dtype,
          optimizer: s.optimizer,
          recompute: s.recompute,
          seq: s.seq,
          adapter: {type: s.type, rank: s.rank, targets: s.targets},
        })
        if (!block?.result) throw new Error('an adapter block did not compute')
        for (const component of block.result.components) {
          const value = evaluateTex(component.formula.substituted)
          expect(Math.abs(value - component.bytes) / Math.max(component.bytes, 1)).toBeLessThan(
            1e-4,
          )
        }
      }),
      {numRuns: 60},
    )
  })
  it('the GPT-3 layer prints as Korthikanti’s sbh(34 + 5as/h)', () => {
    const {block} = evaluateBlock({
      model: gpt3,
      mode: 'training',
      attention: 'eager',
      seq: 2048,
    })
    const activations = block?.result?.components.find((entry) => entry.key === 'activations')
    expect(activations?.formula.substituted).toContain(
      '\\left(34 + 5 \\cdot \\frac{96 \\cdot 2\\,048}{12\\,288}\\right)',
    )
  })
})
