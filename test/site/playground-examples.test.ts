/**
 * The playground's examples, its URL state and its completion, in Node
 * (without the site build): every example renders without an error (except
 * the one that shows diagnostics), a block survives the trip through the URL
 * fragment, and the completion offers what vram-core's reader accepts.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {
  blockKeys,
  evaluateBlock,
  gpuPresets,
  modelPresets,
  parallelKeys,
  parseBlockSource,
  serveEngines,
} from '../../packages/vram-core/src/index.js'
import {presets} from '../../site/src/scripts/presets.js'
import {render} from '../../site/src/scripts/render.js'
import {hashToState, stateToHash} from '../../site/src/scripts/url-state.js'
import {choicesAt, keysUnder, placeAt} from '../../site/src/scripts/vocabulary.js'

describe('playground examples', () => {
  for (const preset of presets) {
    const broken = preset.id === 'broken'
    it(`${preset.id}: ${broken ? 'shows positioned errors' : 'renders without an error'}`, () => {
      const result = render(preset.source, 'en', 'GB')
      const errors = result.diagnostics.filter((entry) => entry.severity === 'error')
      if (broken) {
        expect(result.html).toBeUndefined()
        expect(errors.map((entry) => entry.ruleId)).toContain('unknown-key')
        expect(errors.every((entry) => entry.line !== undefined)).toBe(true)
        return
      }
      expect(errors, JSON.stringify(errors)).toEqual([])
      expect(result.html).toBeTruthy()
      expect(result.html).not.toMatch(/NaN|Infinity|undefined/)
      // The same text through the engine alone: no error either.
      const parsed = parseBlockSource(preset.source)
      const evaluation = evaluateBlock(parsed.value)
      expect(evaluation.diagnostics.filter((entry) => entry.severity === 'error')).toEqual([])
    })
  }

  it('includes a `serve:` example and QLoRA with gradient checkpointing', () => {
    expect(presets.some((preset) => /^serve:/m.test(preset.source))).toBe(true)
    const qlora = presets.find((preset) => preset.id === 'qlora')?.source ?? ''
    expect(qlora).toMatch(/^recompute: full/m)
    // PEFT's QLoRA recipe turns gradient checkpointing on: 8B with r=16 fits a 24 GB card.
    expect(render(qlora, 'en', 'GB').total).toMatch(/fits/)
  })

  it('draws the advice chart as inline SVG with its path as text, no mermaid', () => {
    const advice = presets.find((preset) => preset.id === 'advice')?.source ?? ''
    const html = render(advice, 'en', 'GB').html ?? ''
    expect(html).toContain('<svg')
    expect(html).not.toContain('class="mermaid"')
    expect(html).toMatch(/<ol id="decision-1-text">(<li>[^<]+<\/li>){4,}<\/ol>/)
    expect(html).toContain('Enable ZeRO-2')
  })
})

describe('playground URL', () => {
  it('round-trips any block, labels and units through the fragment', () => {
    fc.assert(
      fc.property(
        fc.string({unit: 'binary', maxLength: 400}),
        fc.constantFrom('en' as const, 'zh' as const),
        fc.constantFrom('GB' as const, 'GiB' as const),
        (block, locale, units) => {
          const hash = stateToHash({block, locale, units})
          expect(hash.startsWith('#block=')).toBe(true)
          // What the browser gives back: the fragment as typed in the address bar.
          expect(hashToState(new URL(`https://example.org/playground/${hash}`).hash)).toEqual({
            block,
            locale,
            units,
          })
        },
      ),
    )
  })

  it('ignores a fragment without a block', () => {
    expect(hashToState('')).toBeUndefined()
    expect(hashToState('#main')).toBeUndefined()
  })
})

describe('playground completion', () => {
  const at = (text: string) => {
    const offset = text.indexOf('|')
    const place = placeAt(text.replace('|', ''), offset)
    return {place, labels: place ? choicesAt(place).map((choice) => choice.label) : []}
  }

  it('offers every block key vram-core reads, and every parallel key inside `parallel`', () => {
    expect(keysUnder['']?.map((choice) => choice.label)).toEqual([...blockKeys])
    expect(at('model: x\nse|').place).toEqual({kind: 'key', path: '', from: 9})
    expect(at('model: x\nse|').labels).toContain('serve')
    expect(at('parallel: {tp: 2, e|}').labels).toEqual([...parallelKeys])
    expect(at('parallel:\n  tp: 2\n  |').labels).toEqual([...parallelKeys])
  })

  it('offers models, GPUs and engines as values', () => {
    const models = at('model: qwen|').labels
    expect(models).toHaveLength(modelPresets.length)
    expect(models).toContain('qwen2.5-7b')
    expect(at('mode: inference\ngpu: h1|').labels).toEqual(gpuPresets.map((gpu) => gpu.id))
    expect(at('serve: {engine: |}').labels).toEqual([...serveEngines])
    expect(at('serve:\n  engine: v|').labels).toEqual([...serveEngines])
    expect(at('show: [breakdown, |]').labels).toContain('advice')
  })

  it('offers nothing inside a comment', () => {
    expect(at('model: x   # a mo|').place).toBeUndefined()
  })
})
