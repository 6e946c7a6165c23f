import {describe, expect, it} from 'vitest'
import {toContractJson} from '../src/output/contract.js'
import {evaluateBlock} from '../src/output/evaluate.js'

describe('solved in JSON', () => {
  it('says why there is no value', () => {
    // Llama 3.1 405B in bf16 is 810 GB of weights alone (405B × 2 B): no batch fits one 80 GB card.
    const {block} = evaluateBlock({
      model: 'meta-llama/Llama-3.1-405B',
      dtype: 'bf16',
      gpu: 'h100-sxm-80gb',
      solve: 'batch',
    })
    const json = toContractJson(block as NonNullable<typeof block>)
    expect(json.solved).toEqual({
      batch: null,
      reason: 'even a batch of one micro-batch does not fit',
    })
  })
})
