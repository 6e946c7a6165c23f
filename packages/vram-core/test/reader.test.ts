/**
 * Issue 12 in the engine's data: references to case labels with dots,
 * suggestions that resolve, model sweeps by name and without a top-level
 * `model`, params-only results that never claim to fit, and sources that
 * name real documents.
 */
import {describe, expect, it} from 'vitest'
import {sources} from '../src/components/compute.js'
import {toContractJson} from '../src/output/contract.js'
import {evaluateBlock} from '../src/output/evaluate.js'
import {resolveReference} from '../src/output/reference.js'
import {article, citation, modelSource} from '../src/output/sources.js'
import {block, GB} from './helpers.js'

describe('references to sweep cases', () => {
  // 7e9 parameters × 4.85 / 8 bytes = 4.244 GB; × 1 byte (int8) = 7 GB, by hand.
  const sweep = block({
    model: {params: '7B'},
    vary: {dtype: ['4.85bpw', 'int8']},
    metric: 'weights',
    show: [],
  })
  const weights = {value: {kind: 'bytes', value: 4_243_750_000}}

  it('picks a label holding a dot, written plainly or quoted', () => {
    expect(resolveReference(sweep, '4.85bpw.weights')).toEqual(weights)
    expect(resolveReference(sweep, '"4.85bpw".weights')).toEqual(weights)
    expect(resolveReference(sweep, '"int8".weights')).toEqual({
      value: {kind: 'bytes', value: 7 * GB},
    })
  })

  it('reports an unbalanced quote', () => {
    expect(resolveReference(sweep, '"4.85bpw.weights')).toMatchObject({
      error: expect.stringContaining('unbalanced'),
    })
  })

  it('suggests a path that resolves, quoting a dotted label', () => {
    const ambiguous = resolveReference(sweep, 'weights')
    expect(ambiguous).toMatchObject({
      error: '`weights` does not pick one case of the sweep',
      suggestion: 'start the path with a case, e.g. `"4.85bpw".total`',
    })
    const matrix = block({
      model: 'llama-2-7b',
      vary: {model: ['llama-2-7b', 'qwen2.5-7b'], dtype: ['4.85bpw', 'bf16']},
      show: [],
    })
    const missing = resolveReference(matrix, 'total')
    if (!('suggestion' in missing)) throw new Error('expected an error')
    const suggested = /`(.+)`/.exec(missing.suggestion ?? '')?.[1] as string
    expect(suggested).toBe('Llama 2 7B."4.85bpw".total')
    expect(resolveReference(matrix, suggested)).toHaveProperty('value')
  })

  it('suggests an index when labels repeat', () => {
    const twice = block({model: 'llama-2-7b', vary: {dtype: ['bf16', 'bf16']}, show: []})
    expect(resolveReference(twice, 'total')).toMatchObject({
      suggestion: 'start the path with a case, e.g. `0.total`',
    })
    expect(resolveReference(twice, '0.total')).toHaveProperty('value')
  })
})

describe('model sweeps', () => {
  it('label rows by the model’s name and accept the id in references', () => {
    const sweep = block({vary: {model: ['llama-2-7b', 'Qwen/Qwen2.5-7B']}, show: []})
    expect(sweep.cases?.map((entry) => entry.labels.model)).toEqual(['Llama 2 7B', 'Qwen2.5 7B'])
    const byName = resolveReference(sweep, 'Qwen2.5 7B.params')
    const byId = resolveReference(sweep, 'qwen/qwen2.5-7b.params')
    // Qwen2.5-7B's published count (model card: 7.61B; config-derived exact count).
    expect(byName).toEqual({value: {kind: 'count', value: 7_615_616_512}})
    expect(byId).toEqual(byName)
  })

  it('need no top-level model', () => {
    const evaluation = evaluateBlock({vary: {model: ['llama-2-7b', 'llama-2-13b']}, seq: 2048})
    expect(evaluation.diagnostics).toEqual([])
    expect(evaluation.block?.cases).toHaveLength(2)
  })

  it('report a bad swept model at its place in the list, once', () => {
    const evaluation = evaluateBlock({vary: {model: ['llama-2-7x', 'llama-2-13b']}})
    expect(evaluation.diagnostics.map((entry) => [entry.ruleId, entry.path])).toEqual([
      ['unknown-model', ['vary', 'model', 0]],
    ])
  })

  it('tell apart two models of the same name by what was written', () => {
    const sweep = block({
      vary: {
        model: [
          {extends: 'llama-2-7b', layers: 16},
          {extends: 'llama-2-7b', layers: 8},
        ],
      },
      show: [],
    })
    expect(sweep.cases?.map((entry) => entry.labels.model)).toEqual([
      'Llama 2 7B (modified) {extends: llama-2-7b, layers: 16}',
      'Llama 2 7B (modified) {extends: llama-2-7b, layers: 8}',
    ])
  })

  it('report a problem of the shared keys once, not once more per case', () => {
    // Llama 2's context is 4,096 tokens (config.json max_position_embeddings).
    const evaluation = evaluateBlock({
      model: 'llama-2-7b',
      seq: 32768,
      vary: {dtype: ['bf16', 'int8']},
    })
    expect(evaluation.diagnostics.map((entry) => [entry.severity, entry.path])).toEqual([
      ['warning', ['seq']],
    ])
  })

  it('label GPUs by name', () => {
    const sweep = block({model: 'llama-2-7b', vary: {gpu: ['rtx-4090', '80 GB']}, show: []})
    expect(sweep.cases?.map((entry) => entry.labels.gpu)).toEqual(['GeForce RTX 4090', '80 GB'])
  })
})

describe('a params-only result', () => {
  const evaluation = evaluateBlock({model: {params: '7B'}, gpu: 'h100-sxm-80gb', show: []})
  const result = evaluation.block?.result

  it('names the fields each missing component needs and never says it fits', () => {
    expect(evaluation.diagnostics).toEqual([])
    expect(result?.missing).toEqual({kvCache: ['layers', 'hidden', 'heads']})
    expect(result?.fits).toBeUndefined()
    expect(result?.capacity).toBeGreaterThan(0)
  })

  it('is null, not 0, in the JSON contract where it could not be computed', () => {
    const json = toContractJson(evaluation.block as NonNullable<typeof evaluation.block>)
    expect(json.perDevice).toMatchObject({weights: 14 * GB, kvCache: null, total: null})
    expect(json.fits).toBeNull()
    expect(json.missing).toEqual({kvCache: ['layers', 'hidden', 'heads']})
  })

  it('answers a reference to the total with the fields it needs', () => {
    expect(resolveReference(evaluation.block as never, 'total')).toMatchObject({
      error: "`total` needs the model's shape (`layers`, `hidden`, `heads`)",
    })
  })
})

describe('sources', () => {
  it('cite the article by title and date, and only for the buffers estimate', () => {
    expect(article.title).toBe('“LLM 在 GPU 上的显存计算” (2025-06-02)')
    const byArticle = Object.entries(sources).filter(([, source]) => source.short === article.short)
    expect(byArticle.map(([key]) => key)).toEqual(['buffers'])
  })

  it('give every other component a primary source with a link', () => {
    for (const [key, source] of Object.entries(sources)) {
      expect(source.title, key).not.toMatch(/\barticle\b/i)
      if (key !== 'buffers') expect(source.url, key).toMatch(/^https:\/\//)
    }
    expect(citation(sources.activations, 'short')).toBe('Korthikanti et al. 2022, Table 2')
    expect(citation(sources.optimizer, 'full')).toBe(
      'Rajbhandari et al. 2020, “ZeRO: Memory Optimizations Toward Training Trillion Parameter Models”, §3.1',
    )
  })

  it('point a preset at its config.json, and a writer’s own model at nothing', () => {
    expect(modelSource('Qwen/Qwen2.5-7B')?.url).toBe(
      'https://huggingface.co/Qwen/Qwen2.5-7B/blob/main/config.json',
    )
    expect(modelSource('params:7B')).toBeUndefined()
    expect(modelSource('meta-llama/Llama-2-7b-hf+custom')).toBeUndefined()
  })
})
