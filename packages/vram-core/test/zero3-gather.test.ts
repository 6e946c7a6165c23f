/**
 * ZeRO-3's gather of the largest layer (zero3-gather.ts), against DeepSpeed's
 * own estimator: deepspeed/runtime/zero/stage3.py, documented at
 * https://deepspeed.readthedocs.io/en/latest/memory.html
 * (`estimate_zero3_model_states_mem_needs`: gpu_mem = largest_layer_memory +
 * 18·P/N with largest_layer_memory = 4·largest_layer_params; with optimizer
 * offload 2·P/N instead of 18·P/N; with parameter offload only the largest layer).
 */
import {describe, expect, it} from 'vitest'
import {GB, modelStates, run} from './helpers.js'

describe('a model given by `params`', () => {
  const states = (model: Record<string, unknown>, offload = 'none') =>
    run({model, mode: 'training', parallel: {dp: 8, zero: 3, offload}, buffers: 0, show: []})
  it('with `largest_layer: 0.5B`: 17.75 GB, 3.75 GB with optimizer offload, 2.0 GB with params offload', () => {
    const model = {params: '7B', largest_layer: '0.5B'}
    expect(modelStates(states(model)) / GB).toBeCloseTo(4 * 0.5 + (18 * 7) / 8, 9)
    expect(modelStates(states(model, 'optimizer')) / GB).toBeCloseTo(4 * 0.5 + (2 * 7) / 8, 9)
    expect(modelStates(states(model, 'params')) / GB).toBeCloseTo(4 * 0.5, 9)
  })
  it('without it, never the whole model: the gather is left out and a note says so', () => {
    const r = states({params: '7B'})
    expect(modelStates(r) / GB).toBeCloseTo((18 * 7) / 8, 9)
    const note = r.components.find((component) => component.key === 'weights')?.note
    expect(note).toContain('not counted')
    expect(note).toContain('largest_layer')
  })
})

describe('a model with a shape: its largest tensor (Llama-2-7B: the 32000 × 4096 embedding)', () => {
  it('4·LL + 18P/N at dp 8', () => {
    const r = run({model: 'llama-2-7b', mode: 'training', parallel: {dp: 8, zero: 3}, buffers: 0})
    expect(modelStates(r)).toBe(4 * 32000 * 4096 + Math.floor((18 * 6_738_415_616) / 8))
  })
  it('split by tensor parallelism: LL = 32000 × 4096 / 2 at tp 2', () => {
    const r = run({
      model: 'llama-2-7b',
      mode: 'training',
      parallel: {dp: 4, tp: 2, zero: 3},
      buffers: 0,
    })
    const gathered = r.components.find((component) => component.key === 'weights')?.formula
    expect(gathered?.substituted).toContain('65\\,536\\,000 \\times 2')
  })
})
