import {describe, expect, it} from 'vitest'
import {run} from './helpers.js'

// Optimizer states, precisions, offload and context parallelism on Llama-2-7B,
// hand-derived from P = 6,738,415,616 and the shapes of its config.json.
const P = 6_738_415_616
const train = (extra: Record<string, unknown>) =>
  run({model: 'llama-2-7b', mode: 'training', ...extra})

describe('optimizer states per parameter (plus the 4-byte fp32 master copy under mixed precision)', () => {
  it('AdamW: 4 + 4 + 4', () => expect(train({}).perDevice.optimizer).toBe(12 * P))
  it('8-bit AdamW (bitsandbytes): two 1-byte states and one fp32 absmax per 2048 values each', () => {
    expect(train({optimizer: 'adamw-8bit'}).perDevice.optimizer).toBe(
      Math.ceil(P * (4 + 2 + 8 / 2048)),
    )
  })
  it('SGD keeps no state; momentum and Lion keep one fp32 buffer', () => {
    expect(train({optimizer: 'sgd'}).perDevice.optimizer).toBe(4 * P)
    expect(train({optimizer: 'sgd-momentum'}).perDevice.optimizer).toBe(8 * P)
    expect(train({optimizer: 'lion'}).perDevice.optimizer).toBe(8 * P)
  })
  it('Adafactor: row + column statistics per matrix, full vectors for norms', () => {
    // Per layer: q, k, v, o (4096 + 4096 each), gate and up (11008 + 4096 each),
    // down (4096 + 11008), two norms of 4096; embedding and LM head 32000 + 4096; final norm 4096.
    const layer = 4 * 8192 + 3 * 15104 + 2 * 4096
    const factored = 32 * layer + 2 * 36096 + 4096
    expect(train({optimizer: 'adafactor'}).perDevice.optimizer).toBe(factored * 4 + 4 * P)
  })
  it('pure bf16: bf16 states (PyTorch creates them in the parameter dtype), no master, no fp32 gradient copy', () => {
    const r = train({precision: 'bf16'})
    expect(r.perDevice.weights).toBe(2 * P)
    expect(r.perDevice.gradients).toBe(2 * P)
    expect(r.perDevice.optimizer).toBe(4 * P)
  })
})

describe('offload and context parallelism', () => {
  it('ZeRO-2 optimizer offload moves states, the fp32 gradient partition and the 16-bit gradient partition to the host', () => {
    const r = train({parallel: {dp: 8, zero: 2, offload: 'optimizer'}, batch: 8})
    expect(r.offloaded).toBe((P / 8) * (12 + 4 + 2))
  })
  it('CP splits the sequence: seq 8192 over cp = 2 stores what seq 4096 stores (flash attention)', () => {
    const split = train({seq: 8192, parallel: {cp: 2}})
    const half = train({seq: 4096})
    expect(split.perDevice.activations).toBe(half.perDevice.activations)
    const kv = (seq: number, cp: number) =>
      run({model: 'llama-2-7b', seq, parallel: {cp}}).perDevice.kvCache
    expect(kv(8192, 2)).toBe(kv(4096, 1))
    expect(kv(4096, 1)).toBe(2 * 4096 * 32 * 128 * 32 * 2)
  })
})

describe('MoE activations (Mixtral-8x7B, flash attention, one 4096-token sequence)', () => {
  it('each layer keeps norms, attention, router logits (fp32), top-2 token copies and top-2 expert MLPs', () => {
    const tok = 4096
    const h = 4096
    const f = 14336
    // Norm inputs 4, QKV input 2, Q 2, K and V 0.5 each (8 of 32 heads), out-proj input 2,
    // MLP input 2, two routed copies 4 (× tok·h); LSE 4·32 + router 4·8 (× tok); experts 2 × 6·tok·f.
    const layer = 17 * tok * h + 160 * tok + 12 * tok * f
    const extras = 8 * tok + 4 * tok * h + 4 * tok * 32000
    const r = run({model: 'mixtral-8x7b', mode: 'training', seq: 4096})
    expect(r.perDevice.activations).toBe(32 * layer + extras)
  })
})
