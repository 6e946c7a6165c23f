/**
 * Pinned Hub models (`vram.models.json`) resolved like presets, offline.
 * Configs come from `reference/models.json` (sources there); expected counts
 * are its hand derivations (`computed_params.total`).
 */
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {findPinned, readPinFile} from '../src/model/pins.js'
import {evaluateBlock} from '../src/output/evaluate.js'

interface Reference {
  id: string
  config: Record<string, unknown>
  computed_params: {total: number}
}
const references = JSON.parse(
  readFileSync(new URL('./reference/models.json', import.meta.url), 'utf8'),
) as {models: Reference[]}
const qwen = references.models.find((model) => model.id === 'Qwen/Qwen2.5-7B') as Reference

const commit = 'a'.repeat(40)
const file = {
  version: 1,
  models: {
    'Test-Org/Qwen-7B': {revision: 'main', commit, config: qwen.config, hubParams: 7615616512},
    'test-org/broken': {revision: 'main', commit: 'not-a-sha', config: {}},
    'not an id': {revision: 'main', commit, config: {}},
  },
}

describe('vram.models.json', () => {
  it('reads pins and names the entries it skips', () => {
    const {pins, problems} = readPinFile(file)
    expect([...pins.keys()]).toEqual(['test-org/qwen-7b'])
    expect(problems).toEqual([
      '`test-org/broken`: no 40-hex `commit`',
      '`not an id`: not a Hub id (`org/name` or `org/name/file.gguf`)',
    ])
    expect(readPinFile({version: 2, models: {}}).problems[0]).toContain('version')
    // A hand-edited GGUF header with a non-numeric tensor size is skipped, never counted as NaN.
    const gguf = {
      kind: 'gguf',
      architecture: 'llama',
      metadata: {},
      tensors: [{name: 'x', type: 0, elements: 'many'}],
    }
    expect(
      readPinFile({version: 1, models: {'a/b/c.gguf': {revision: 'main', commit, gguf}}}).problems,
    ).toEqual(['`a/b/c.gguf`: no valid `gguf` header'])
    expect(readPinFile([]).problems).toHaveLength(1)
  })

  it('finds a pin case-insensitively, at its revision or commit prefix', () => {
    const {pins} = readPinFile(file)
    expect(findPinned(pins, 'test-org/qwen-7b')).toMatchObject({pin: {id: 'Test-Org/Qwen-7B'}})
    expect(findPinned(pins, 'Test-Org/Qwen-7B@main')).toHaveProperty('pin')
    expect(findPinned(pins, 'Test-Org/Qwen-7B@aaaaaaa')).toHaveProperty('pin')
    expect(findPinned(pins, 'Test-Org/Qwen-7B@v2')).toMatchObject({revision: 'v2'})
    expect(findPinned(pins, 'test-org/other')).toBeUndefined()
  })
})

describe('a block naming a pinned model', () => {
  const {pins} = readPinFile(file)

  it('computes it like a preset (count = the reference hand derivation)', () => {
    const {block, diagnostics} = evaluateBlock({model: 'test-org/qwen-7b', seq: 1}, {models: pins})
    expect(diagnostics).toEqual([])
    expect(block?.result?.scenario.model.id).toBe('Test-Org/Qwen-7B')
    // bf16 weights: 2 bytes × 7,615,616,512.
    expect(block?.result?.perDevice.weights).toBe(2 * qwen.computed_params.total)
  })

  it('`extends:` a pin, with an override', () => {
    const {block, diagnostics} = evaluateBlock(
      {model: {extends: 'test-org/qwen-7b', num_hidden_layers: 24}, seq: 1},
      {models: pins},
    )
    expect(diagnostics).toEqual([])
    // 4 layers fewer × 233,057,792 per layer (reference `per_layer`).
    expect(block?.result?.perDevice.weights).toBe(2 * (qwen.computed_params.total - 4 * 233057792))
  })

  it('in a `vary` table, beside a preset', () => {
    const {block, diagnostics} = evaluateBlock(
      {model: 'llama-2-7b', seq: 1, vary: {model: ['llama-2-7b', 'test-org/qwen-7b']}},
      {models: pins},
    )
    expect(diagnostics).toEqual([])
    const weights = block?.cases?.map((entry) => entry.result?.perDevice.weights)
    expect(weights).toEqual([2 * 6_738_415_616, 2 * qwen.computed_params.total])
  })

  it('another revision than the pinned one says how to pin it', () => {
    const {diagnostics} = evaluateBlock({model: 'test-org/qwen-7b@v2'}, {models: pins})
    expect(diagnostics[0]).toMatchObject({
      ruleId: 'unknown-model',
      path: ['model'],
      message:
        'Test-Org/Qwen-7B` is pinned at revision `main` (commit aaaaaaaaaaaa), not `v2`'.replace(
          /^/,
          '`',
        ),
      suggestion: expect.stringContaining('`vram models pull Test-Org/Qwen-7B@v2`'),
    })
  })

  it('an id neither in the catalogue nor pinned shows the pull command', () => {
    const {diagnostics} = evaluateBlock({model: 'test-org/missing'}, {models: pins})
    expect(diagnostics[0]).toMatchObject({
      ruleId: 'unknown-model',
      message: 'Unknown model `test-org/missing`: it is not in the catalogue or `vram.models.json`',
      suggestion: expect.stringMatching(
        /^run `vram models pull test-org\/missing` in the documentation folder/,
      ),
    })
  })

  it('names why the pin file could not be read', () => {
    const {diagnostics} = evaluateBlock(
      {model: 'test-org/missing'},
      {models: pins, modelsProblems: ['cannot read `vram.models.json`: Unexpected token']},
    )
    expect(diagnostics[0]?.message).toContain('(`vram.models.json`: cannot read')
  })
})

describe('an unknown model_type', () => {
  it('is a diagnostic naming what is missing, never a Llama-style guess', () => {
    const {use_mrope: _mrope, ...config} = qwen.config
    const {block, diagnostics} = evaluateBlock({model: {...config, model_type: 'made_up_arch'}})
    expect(block?.result).toBeUndefined()
    expect(diagnostics[0]).toMatchObject({
      ruleId: 'unsupported-model',
      message: expect.stringContaining(
        '`model_type: made_up_arch` is not a model type this engine reads',
      ),
    })
  })

  it('without model_type, a shape is still read Llama-style (the writer chose it)', () => {
    const {model_type: _type, use_mrope: _mrope, ...shape} = qwen.config
    const {diagnostics} = evaluateBlock({model: shape, seq: 1})
    expect(diagnostics.filter((entry) => entry.severity === 'error')).toEqual([])
  })
})
