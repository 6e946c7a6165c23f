/**
 * Host memory (spec §8): the JSON `host` object and `host_memory:`. The
 * reference is ZeRO-Offload's own accounting (Ren et al. 2021, §4.1): with the
 * optimizer offloaded, each rank's fp32 master weights, momentum and variance
 * (12 bytes per parameter) live in CPU memory, partitioned over the
 * data-parallel ranks; Llama 2 7B has 6,738,415,616 parameters (its model card).
 */
import {describe, expect, it} from 'vitest'
import {toContractJson} from '../src/output/contract.js'
import {evaluateBlock} from '../src/output/evaluate.js'
import {block, GiB} from './helpers.js'

const llama2Params = 6_738_415_616
const offloaded = {
  model: 'llama-2-7b',
  mode: 'training',
  parallel: {dp: 4, zero: 2, offload: 'optimizer'},
  gpu: 'a100-80gb',
  show: [],
}

describe('host memory', () => {
  it('puts ZeRO-Offload’s optimizer states in JSON `host`', () => {
    const json = toContractJson(block(offloaded)) as {
      host: Record<'total' | 'weights' | 'kvCache' | 'optimizer' | 'gradients' | 'buffers', number>
    }
    expect(json.host.optimizer).toBe((12 * llama2Params) / 4)
    expect(json.host.weights).toBe(0)
    expect(json.host.total).toBe(
      json.host.weights +
        json.host.kvCache +
        json.host.optimizer +
        json.host.gradients +
        json.host.buffers,
    )
  })

  it('has no `host` object when nothing lands on the host and no host_memory is given', () => {
    const json = toContractJson(block({model: 'llama-2-7b', gpu: 'a100-80gb', show: []}))
    expect(json).not.toHaveProperty('host')
  })

  it('checks `fits` against host_memory', () => {
    const roomy = toContractJson(block({...offloaded, host_memory: '64 GiB'}))
    expect(roomy.fits).toBe(true)
    expect(roomy.hostCapacity).toBe(64 * GiB)
    // 12 × 6.74e9 / 4 = 20.2 GB of states on the host: 16 GiB is not enough.
    const tight = toContractJson(block({...offloaded, host_memory: '16 GiB'}))
    expect(tight.fits).toBe(false)
  })

  it('reports a positioned diagnostic for a host_memory that is not a size', () => {
    const {diagnostics} = evaluateBlock({model: 'llama-2-7b', host_memory: 'lots'})
    expect(diagnostics).toContainEqual(
      expect.objectContaining({ruleId: 'invalid-value', path: ['host_memory']}),
    )
  })
})
