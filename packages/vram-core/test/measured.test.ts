import {describe, expect, it} from 'vitest'
import {GiB} from '../src/input/units.js'
import {toContractJson} from '../src/output/contract.js'
import {evaluateBlock} from '../src/output/evaluate.js'

/**
 * A published measurement: vLLM 0.10.1.1 serving Qwen2-7B-Instruct (the shape
 * of Qwen2.5-7B: 7,615,616,512 parameters) on one A100 80GB at
 * gpu_memory_utilization 0.25 logs "Model loading took 14.2488 GiB"
 * (https://github.com/dennislee22/vLLM-benchmarking/blob/b474d1e053c35c9aef8c02aae4efbc0d8675f033/log/vllm-7B-1gpuA10080GB-0.25GRAM.log).
 */
const source =
  'https://github.com/dennislee22/vLLM-benchmarking/blob/b474d1e053c35c9aef8c02aae4efbc0d8675f033/log/vllm-7B-1gpuA10080GB-0.25GRAM.log'
const served = {
  model: 'qwen2.5-7b',
  dtype: 'bf16',
  gpu: 'a100-80gb',
  serve: {engine: 'vllm', gpu_memory_utilization: 0.25, max_model_len: 16384},
}
/**
 * vLLM's weights by hand: 2 bytes per bf16 parameter, plus the rotary cos/sin
 * cache vLLM allocates with them (max_position_embeddings 131,072 × head_dim
 * 3584 / 28 = 128 × 2 bytes: M_weights = M_params + L_pos · d_rot · b, whose
 * vLLM source src/engines/serving/vllm.ts cites).
 */
const weightsByHand = 7_615_616_512 * 2 + 131_072 * 128 * 2

describe('measured:', () => {
  it('sets the logged weights beside the computed ones: ratio = computed / measured', () => {
    const {block, diagnostics} = evaluateBlock({
      ...served,
      measured: {weights: '14.2488 GiB', how: 'vllm-log', source},
    })
    expect(diagnostics).toEqual([])
    const measured = block?.measured
    expect(measured).toMatchObject({
      key: 'weights',
      how: 'vllm-log',
      source,
      tolerance: 0.1,
      written: '14.2488 GiB',
      ok: true,
    })
    expect(measured?.measured).toBeCloseTo(14.2488 * GiB, 0)
    // 15,264,787,456 / 15,299,532,502 = 0.9977.
    expect(measured?.ratio).toBeCloseTo(weightsByHand / (14.2488 * GiB), 6)
    const json = toContractJson(block as NonNullable<typeof block>)
    expect(json.measured).toEqual({
      weights: 14.2488 * GiB,
      ratio: measured?.ratio,
      tolerance: 0.1,
      how: 'vllm-log',
      source,
    })
  })

  it('fails outside the tolerance with measured-mismatch at the figure', () => {
    // The same weights written 20 % low: 0.8 × 14.2488 GiB.
    const {diagnostics, block} = evaluateBlock({...served, measured: {weights: '11.4 GiB'}})
    expect(block?.measured?.ok).toBe(false)
    expect(diagnostics).toHaveLength(1)
    expect(diagnostics[0]).toMatchObject({
      ruleId: 'measured-mismatch',
      severity: 'error',
      path: ['measured', 'weights'],
      expected: '11.4 GiB',
      actual: '15.26 GB',
    })
    expect(diagnostics[0]?.message).toContain('ratio 1.25, outside ±10 %')
  })

  it('a wider tolerance is the writer’s, and holds', () => {
    const {diagnostics, block} = evaluateBlock({
      ...served,
      measured: {weights: '11.4 GiB', tolerance: '30%'},
    })
    expect(diagnostics).toEqual([])
    expect(block?.measured).toMatchObject({ok: true, tolerance: 0.3})
  })

  it('names the total by the JSON contract’s key', () => {
    const {block} = evaluateBlock({
      ...served,
      measured: {total: '20 GiB', how: 'nvidia-smi'},
    })
    const json = toContractJson(block as NonNullable<typeof block>)
    expect(Object.keys(json.measured as object)).toEqual(['total', 'ratio', 'tolerance', 'how'])
  })

  const problem = (measured: unknown, extra: Record<string, unknown> = {}) =>
    evaluateBlock({...served, ...extra, measured}).diagnostics.map((entry) => ({
      ruleId: entry.ruleId,
      path: entry.path,
      message: entry.message,
    }))

  it('rejects bad values where they are written', () => {
    expect(problem('14 GiB')).toEqual([
      {ruleId: 'invalid-value', path: ['measured'], message: '`measured` must be a mapping'},
    ])
    expect(problem({wieghts: '14 GiB'})[0]).toMatchObject({
      ruleId: 'unknown-key',
      path: ['measured', 'wieghts'],
    })
    expect(problem({how: 'nvidia-smi'})[0]).toMatchObject({
      ruleId: 'missing-field',
      path: ['measured'],
    })
    expect(problem({total: '20 GiB', weights: '14 GiB'})[0]).toMatchObject({
      ruleId: 'invalid-value',
      path: ['measured', 'weights'],
    })
    expect(problem({total: 'lots'})[0]).toMatchObject({path: ['measured', 'total']})
    expect(problem({total: '0 GB'})[0]).toMatchObject({path: ['measured', 'total']})
    expect(problem({total: '1e308 GB'})[0]?.message).toContain('plausible limit')
    expect(problem({total: '20 GiB', tolerance: '150%'})[0]).toMatchObject({
      path: ['measured', 'tolerance'],
    })
    expect(problem({total: '20 GiB', source: 'my laptop'})[0]).toMatchObject({
      path: ['measured', 'source'],
    })
    expect(problem({total: '20 GiB'}, {vary: {dtype: ['bf16', 'fp8']}})[0]).toMatchObject({
      path: ['measured'],
      message: expect.stringContaining('cannot stand beside `vary`'),
    })
  })

  it('takes any text for how, kept as written', () => {
    const {block} = evaluateBlock({
      ...served,
      measured: {weights: '14.2488 GiB', how: 'torch.cuda.memory_allocated after load'},
    })
    expect(block?.measured?.how).toBe('torch.cuda.memory_allocated after load')
  })
})
