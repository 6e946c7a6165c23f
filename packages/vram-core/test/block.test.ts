import {describe, expect, it} from 'vitest'
import {parseBlockSource} from '../src/input/yaml-source.js'
import {toContractJson} from '../src/output/contract.js'
import {evaluateBlock} from '../src/output/evaluate.js'
import {resolveReference} from '../src/output/reference.js'
import {block, GB, run} from './helpers.js'

describe('validation as data', () => {
  const problems = (raw: unknown) => evaluateBlock(raw).diagnostics
  it('rejects unknown top-level keys with a did-you-mean', () => {
    const [first] = problems({model: 'llama-2-7b', bacth: 8})
    expect(first).toMatchObject({
      ruleId: 'unknown-key',
      path: ['bacth'],
      onKey: true,
      suggestion: 'did you mean `batch`?',
    })
  })
  it('rejects unknown parallel keys', () => {
    const [first] = problems({model: 'llama-2-7b', parallel: {tpp: 2}})
    expect(first).toMatchObject({
      ruleId: 'unknown-key',
      path: ['parallel', 'tpp'],
      suggestion: 'did you mean `tp`?',
    })
  })
  it('unknown model with suggestion', () => {
    const [first] = problems({model: 'llama-2-7'})
    expect(first).toMatchObject({ruleId: 'unknown-model', path: ['model']})
    expect(first?.suggestion).toContain('llama-2-7b')
  })
  it('unknown gpu with suggestion', () => {
    const [first] = problems({model: 'llama-2-7b', gpu: 'h100-sxm'})
    expect(first?.ruleId).not.toBe('unknown-gpu') // h100-sxm is an alias
    const [second] = problems({model: 'llama-2-7b', gpu: 'h100-sxm-8gb'})
    expect(second).toMatchObject({
      ruleId: 'unknown-gpu',
      path: ['gpu'],
      suggestion:
        'the catalogue has this card only as `h100-sxm-80gb` (80 GB HBM3), `h100-pcie-80gb` (80 GB HBM2e); for another memory size give the capacity, e.g. `gpu: 8 GB`',
    })
  })
  it('invalid enum and number values point at the value', () => {
    expect(problems({model: 'llama-2-7b', mode: 'train'})[0]).toMatchObject({
      ruleId: 'invalid-value',
      path: ['mode'],
      suggestion: 'did you mean `training`?',
    })
    expect(problems({model: 'llama-2-7b', batch: -3})[0]).toMatchObject({
      ruleId: 'invalid-value',
      path: ['batch'],
    })
    expect(problems({model: 'llama-2-7b', batch: 2.5})[0]).toMatchObject({
      ruleId: 'invalid-value',
      path: ['batch'],
    })
    expect(problems({model: 'llama-2-7b', dtype: 'fp33'})[0]).toMatchObject({
      ruleId: 'invalid-value',
      path: ['dtype'],
    })
    expect(problems({model: 'llama-2-7b', parallel: {zero: 4}})[0]).toMatchObject({
      ruleId: 'invalid-value',
      path: ['parallel', 'zero'],
    })
  })
  it('missing model', () => {
    expect(problems({mode: 'training'})[0]).toMatchObject({ruleId: 'missing-field', path: []})
  })
  it('a params-only model cannot give a KV cache and says what is missing', () => {
    const [first] = problems({model: {params: '7B'}})
    expect(first?.ruleId).toBe('missing-field')
    expect(first?.message).toContain('layers')
  })
  it('incompatible layouts', () => {
    expect(problems({model: 'llama-2-7b', parallel: {tp: 3}})[0]).toMatchObject({
      ruleId: 'incompatible',
      path: ['parallel', 'tp'],
    })
    expect(problems({model: 'llama-2-7b', parallel: {ep: 2}})[0]).toMatchObject({
      ruleId: 'incompatible',
      path: ['parallel', 'ep'],
    })
    expect(
      problems({
        model: 'llama-2-7b',
        mode: 'training',
        parallel: {offload: 'params', zero: 2, dp: 2},
        batch: 2,
      })[0],
    ).toMatchObject({
      ruleId: 'incompatible',
      path: ['parallel', 'offload'],
    })
    expect(problems({model: 'llama-2-7b', mode: 'training', dtype: 'int4'})[0]).toMatchObject({
      ruleId: 'incompatible',
      path: ['dtype'],
    })
    expect(
      problems({model: 'llama-2-7b', mode: 'training', batch: 3, parallel: {dp: 2}})[0],
    ).toMatchObject({
      ruleId: 'invalid-value',
      path: ['batch'],
    })
  })
  it('errors inside vary cases point at the swept value', () => {
    const [first] = problems({model: 'llama-2-7b', vary: {dtype: ['fp16', 'fp33']}})
    expect(first).toMatchObject({ruleId: 'invalid-value', path: ['vary', 'dtype', 1]})
  })
  it('never returns NaN: absurd but valid inputs stay finite', () => {
    const r = run({model: 'llama-3.1-405b', batch: 100000, seq: 1048576})
    expect(Number.isFinite(r.perDevice.total)).toBe(true)
  })
})

describe('YAML positions', () => {
  it('locates keys and values, and syntax errors', () => {
    const source = 'model: llama-2-7b\nparallel:\n  tpp: 2\n'
    const parsed = parseBlockSource(source)
    expect(parsed.locate(['parallel', 'tpp'], true)?.start).toMatchObject({line: 3, column: 3})
    expect(parsed.locate(['parallel', 'tpp'])?.start).toMatchObject({line: 3, column: 8})
    const broken = parseBlockSource('model: [llama\nmode: x')
    expect(broken.diagnostics[0]?.ruleId).toBe('yaml-syntax')
    expect(broken.diagnostics[0]?.span?.start.line).toBeGreaterThanOrEqual(1)
  })
})

describe('vary, solve, expect, references, contract', () => {
  it('vary with two keys gives the product, first key slowest', () => {
    const b = block({model: 'llama-2-7b', vary: {batch: [1, 2], dtype: ['bf16', 'int8']}})
    expect(b.cases?.map((entry) => entry.labels)).toEqual([
      {batch: '1', dtype: 'bf16'},
      {batch: '1', dtype: 'int8'},
      {batch: '2', dtype: 'bf16'},
      {batch: '2', dtype: 'int8'},
    ])
  })
  it('solve batch: the largest batch whose total fits, by hand', () => {
    const b = block({
      model: 'qwen2.5-7b',
      dtype: 'fp16',
      seq: 32768,
      gpu: 'h100-sxm-80gb',
      solve: 'batch',
    })
    // usable = 0.99 × 81559 MiB; fixed = weights + 2 GB buffers; each sequence adds 57344 × 32768 B.
    const usable = Math.floor(0.99 * 81559 * 2 ** 20)
    const fixed = 7_615_616_512 * 2 + 2 * GB
    const expected = Math.floor((usable - fixed) / (57344 * 32768))
    expect(b.solved?.value).toBe(expected)
  })
  it('solve seq and gpus', () => {
    // Llama-3.1-8B on an RTX 4090: usable 0.99 × 24,564 MiB; bf16 weights 2 × 8,030,261,248;
    // 2 GB buffers; KV 32 layers × 8 heads × 128 × 2 (K, V) × 2 bytes = 131,072 B per token.
    const seq = block({model: 'llama-3.1-8b', gpu: 'rtx-4090', solve: 'seq'})
    const usable = Math.floor(0.99 * 24564 * 2 ** 20)
    const expected = Math.floor((usable - 8_030_261_248 * 2 - 2 * GB) / 131072)
    expect(seq.solved?.value).toBe(expected)
    const gpus = block({
      model: 'llama-3.1-70b',
      gpu: 'h100-sxm-80gb',
      seq: 8192,
      batch: 8,
      solve: 'gpus',
    })
    // 141 GB of bf16 weights need at least 2 H100s; two stages leave ~70 GB of weights per device.
    expect(gpus.solved).toMatchObject({value: 2, axis: 'pp 2'})
    expect(gpus.solved?.result?.fits).toBe(true)
  })
  it('expect: match within the written precision, mismatch with expected/actual, errata', () => {
    const ok = evaluateBlock({
      model: 'qwen2.5-7b',
      dtype: 'fp16',
      batch: 16,
      seq: 32768,
      expect: {weights: '15.2 GB'},
    })
    expect(ok.diagnostics).toEqual([])
    expect(ok.block?.expectations[0]).toMatchObject({key: 'weights', ok: true})
    const bad = evaluateBlock({
      model: 'qwen2.5-7b',
      dtype: 'fp16',
      batch: 16,
      seq: 32768,
      expect: {kv_cache: '32.8 GB'},
    })
    expect(bad.diagnostics[0]).toMatchObject({
      ruleId: 'expect-mismatch',
      expected: '32.8 GB',
      actual: '30.06 GB',
      path: ['expect', 'kv_cache'],
    })
    const erratum = evaluateBlock({
      model: 'qwen2.5-7b',
      dtype: 'fp16',
      batch: 16,
      seq: 32768,
      expect: {kv_cache: {value: '32.8 GB', erratum: 'does not follow from the formula'}},
    })
    expect(erratum.diagnostics).toEqual([])
    expect(erratum.block?.expectations[0]).toMatchObject({
      ok: false,
      erratum: 'does not follow from the formula',
    })
    const relative = evaluateBlock({
      model: 'qwen2.5-7b',
      dtype: 'fp16',
      batch: 16,
      seq: 32768,
      expect: {kv_cache: '32.8 GB', tolerance: '10%'},
    })
    expect(relative.diagnostics).toEqual([])
  })
  it('references resolve totals, cases by label or index, and report unknown paths', () => {
    const b = block({model: 'llama-2-7b', gpu: 'a100-80gb'})
    expect(resolveReference(b, 'kv_cache')).toEqual({value: {kind: 'bytes', value: 2 * 2 ** 30}})
    expect(resolveReference(b, 'fits')).toEqual({value: {kind: 'boolean', value: true}})
    const sweep = block({model: {params: '7B'}, vary: {dtype: ['fp16', 'int4']}, metric: 'weights'})
    expect(resolveReference(sweep, 'int4.weights')).toEqual({
      value: {kind: 'bytes', value: 3.5 * GB},
    })
    expect(resolveReference(sweep, '0.weights')).toEqual({value: {kind: 'bytes', value: 14 * GB}})
    expect(resolveReference(sweep, 'int4.total')).toHaveProperty('error')
    expect(resolveReference(b, 'kv_cahce')).toMatchObject({suggestion: 'did you mean `kv_cache`?'})
  })
  it('contract JSON: spec §5 shape', () => {
    const b = block({
      model: 'Qwen/Qwen2.5-7B',
      mode: 'inference',
      dtype: 'fp16',
      batch: 16,
      seq: 32768,
      gpu: 'h100-sxm-80gb',
    })
    expect(toContractJson(b)).toEqual({
      model: {id: 'Qwen/Qwen2.5-7B', params: 7615616512},
      devices: 1,
      perDevice: {
        weights: 15231233024,
        gradients: 0,
        optimizer: 0,
        activations: 0,
        kvCache: 30064771072,
        buffers: 2000000000,
        total: 47296004096,
      },
      capacity: 85520809984,
      fits: true,
    })
  })
})

describe('advice: the article’s §8 tree, recomputed', () => {
  it('7B training on 8 H100s: ZeRO, then recompute, each node with its total, leaf fits', () => {
    const b = block({
      model: 'llama-2-7b',
      mode: 'training',
      batch: 32,
      seq: 4096,
      parallel: {dp: 8},
      gpu: 'h100-sxm-80gb',
      show: ['advice'],
    })
    const advice = b.advice
    expect(advice?.path.slice(0, 4)).toEqual(['start', 'q1', 't1', 't2'])
    expect(advice?.path).toContain('t3')
    const totals = (advice?.path ?? [])
      .map((id) => advice?.nodes.find((node) => node.id === id)?.total)
      .filter((value): value is number => value !== undefined)
    // Every remedy lowers the per-device total.
    for (let i = 1; i < totals.length; i++)
      expect(totals[i]).toBeLessThanOrEqual(totals[i - 1] as number)
    expect(advice?.solution).toBeDefined()
    expect(advice?.path.at(-1)).toBe('leaf')
    // The leaf's configuration really fits when recomputed.
    expect((advice?.solution?.total ?? Infinity) <= 0.99 * 81559 * 2 ** 20).toBe(true)
  })
  it('inference bottlenecked by weights quantizes first', () => {
    const b = block({model: 'llama-2-70b', dtype: 'fp16', gpu: 'h100-sxm-80gb', show: ['advice']})
    expect(b.advice?.path).toContain('i2')
    expect(b.advice?.nodes.find((node) => node.id === 'i1')?.params?.answer).toBe('weights')
  })
})
