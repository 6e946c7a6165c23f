import {describe, expect, it} from 'vitest'
import {block, GB, GiB, run} from './helpers.js'

// Figures of the article «LLM 在 GPU 上的显存计算» (2025-06-02; republished with
// computed numbers in site/src/pages/zh.md), checked against
// hand derivations. Where the article is wrong, the right value is asserted and
// the comment says why.

describe('article §3.1: weights = P × b', () => {
  const table = block({
    model: {params: '7B'},
    vary: {
      model: [{params: '7B'}, {params: '13B'}, {params: '70B'}],
      dtype: ['fp32', 'fp16', 'int8', 'int4'],
    },
    metric: 'weights',
  })
  // The article's table, in GB (10^9 bytes): P × {4, 2, 1, 0.5}.
  const printed: Record<string, Record<string, number>> = {
    '7B': {fp32: 28, fp16: 14, int8: 7, int4: 3.5},
    '13B': {fp32: 52, fp16: 26, int8: 13, int4: 6.5},
    '70B': {fp32: 280, fp16: 140, int8: 70, int4: 35},
  }
  for (const entry of table.cases ?? []) {
    const model = entry.labels.model as string
    const dtype = entry.labels.dtype as string
    it(`${model} ${dtype}`, () => {
      expect(entry.result.perDevice.weights).toBe((printed[model]?.[dtype] as number) * GB)
    })
  }
  it('has all 12 cells', () => expect(table.cases).toHaveLength(12))
})

describe('article §3.2 and §4: mixed-precision AdamW', () => {
  // A params-only model can answer model-state figures; `show: []` asks for nothing shape-bound.
  const seven = run({model: {params: '7B'}, mode: 'training', batch: 1, show: []})
  it('84 GB of optimizer state for 7B (4 + 4 + 4 bytes per parameter)', () => {
    expect(seven.perDevice.optimizer).toBe(84 * GB)
  })
  it('14 GB of bf16 weights', () => expect(seven.perDevice.weights).toBe(14 * GB))
  it('gradients: 14 GB of bf16 gradients plus the 28 GB fp32 copy the optimizer steps on', () => {
    // The article prints 14 GB: it omits the fp32 gradient copy that DeepSpeed keeps and that
    // Megatron's docs count (fp16 params with fp16 grads: 20 bytes per parameter).
    expect(seven.perDevice.gradients).toBe(14 * GB + 28 * GB)
  })
  it('pure fp32 AdamW keeps 8 bytes of state per parameter', () => {
    const fp32 = run({model: {params: '7B'}, mode: 'training', precision: 'fp32', show: []})
    expect(fp32.perDevice.optimizer).toBe(56 * GB)
    expect(fp32.perDevice.weights).toBe(28 * GB)
    expect(fp32.perDevice.gradients).toBe(28 * GB)
  })
  it('rule of thumb: 18–20 GB per 1B parameters of model states', () => {
    const one = run({model: {params: '1B'}, mode: 'training', buffers: 0, show: []})
    expect(one.perDevice.weights + one.perDevice.gradients + one.perDevice.optimizer).toBe(20 * GB)
  })
})

describe('article §4: the 7B training example (B=32, N=4096)', () => {
  const example = run({model: 'llama-2-7b', mode: 'training', batch: 32, seq: 4096})
  it('activations: hand-derived per saved tensor, not the article’s ~60 GB', () => {
    // Llama-2-7B: L=32, h=4096, f=11008, a=k=32, V=32000, SwiGLU, RMSNorm, no dropout, flash attention.
    // Per layer (s·b = 131072 tokens, 2 bytes): norms 2·2sbh, QKV input 2sbh, Q/K/V 6sbh,
    // out-proj input 2sbh, MLP input 2sbh → 16 sbh; SwiGLU gate+up+down input 6 sbf; fp32 LSE 4·a·sb.
    const sb = 4096 * 32
    const perLayer = 16 * sb * 4096 + 6 * sb * 11008 + 4 * 32 * sb
    // Token ids (int64), final-norm and LM-head inputs (2 × 2sbh), fp32 logits 4·sb·V.
    const extras = 8 * sb + 2 * 2 * sb * 4096 + 4 * sb * 32000
    expect(example.perDevice.activations).toBe(32 * perLayer + extras)
    // ≈ 571 GB: the article's rough 2·B·N·d·L·b gives 68.7 GB and its table ~60 GB; both are far off.
    expect(example.perDevice.activations / GB).toBeCloseTo(571.37, 2)
  })
})

describe('article §3.5: KV cache', () => {
  it('Llama-2-7B at 4K, batch 1, fp16: exactly 2 GiB (the article: "about 2 GB")', () => {
    const r = run({model: 'llama-2-7b', dtype: 'fp16', seq: 4096, batch: 1})
    // 2 (K,V) × 4096 tokens × 32 heads × 128 × 32 layers × 2 bytes
    expect(r.perDevice.kvCache).toBe(2 * 4096 * 32 * 128 * 32 * 2)
    expect(r.perDevice.kvCache).toBe(2 * GiB)
  })
  it('Llama-2-7B at 128K: exactly 64 GiB (the article: "about 64 GB")', () => {
    const r = run({model: 'llama-2-7b', dtype: 'fp16', seq: 131072, batch: 1})
    expect(r.perDevice.kvCache).toBe(64 * GiB)
  })
  it('§7 with the article’s own inputs the formula gives 68.7 GB, not its printed 32.8 GB', () => {
    // The article's Qwen dimensions: L=32, n_kv=8, d_h=128 (4096/32), B=16, N=32768, 2 bytes.
    const r = run({
      model: {layers: 32, hidden: 4096, heads: 32, kv_heads: 8, ffn: 11008, vocab: 152000},
      dtype: 'fp16',
      batch: 16,
      seq: 32768,
    })
    expect(r.perDevice.kvCache).toBe(2 * 16 * 32768 * 8 * 128 * 32 * 2)
    expect(r.perDevice.kvCache).toBe(68_719_476_736)
  })
  it('§7 the real Qwen2.5-7B (28 layers, 4 KV heads): 30.1 GB', () => {
    const r = run({
      model: 'Qwen/Qwen2.5-7B',
      dtype: 'fp16',
      batch: 16,
      seq: 32768,
      gpu: 'h100-sxm-80gb',
    })
    expect(r.perDevice.kvCache).toBe(2 * 16 * 32768 * 4 * 128 * 28 * 2)
    expect(r.perDevice.weights).toBe(7_615_616_512 * 2)
    // No 2 GB allowance: the CUDA context (pytorch/pytorch#86509) is the one row beyond the tensors.
    expect(r.perDevice.allocatedPeak).toBe(15_231_233_024 + 30_064_771_072)
    expect(r.perDevice.total).toBe(15_231_233_024 + 30_064_771_072 + 287_047_680)
    expect(r.capacity).toBe(81559 * 2 ** 20)
    expect(r.fits).toBe(true)
  })
})

describe('quantize: which weights a low-bit dtype covers', () => {
  it('gpt-oss ships MXFP4 routed experts, the rest bf16: the model card’s 12.8 GiB and 60.8 GiB checkpoints', () => {
    // Expert matrices: layers × experts × 3 (gate, up, down) × 2880² elements at 4 + 8/32 bits;
    // everything else (1,804,459,584 and 2,167,371,072 parameters) in bf16.
    const small = run({model: 'gpt-oss-20b', dtype: 'mxfp4', quantize: 'experts', seq: 1024})
    expect(small.perDevice.weights).toBe(
      (24 * 32 * 3 * 2880 * 2880 * 4.25) / 8 + (20_914_757_184 - 24 * 32 * 3 * 2880 * 2880) * 2,
    )
    expect(small.perDevice.weights / GiB).toBeCloseTo(12.8, 1)
    const large = run({model: 'gpt-oss-120b', dtype: 'mxfp4', quantize: 'experts', seq: 1024})
    expect(large.perDevice.weights / GiB).toBeCloseTo(60.8, 1)
  })
  it('linear: embeddings, LM head and norms stay bf16 (Llama-2-7B in int4)', () => {
    const r = run({model: 'llama-2-7b', dtype: 'int4', quantize: 'linear'})
    const embeddings = 2 * 32000 * 4096
    const norms = 32 * 2 * 4096 + 4096
    expect(r.perDevice.weights).toBe(
      (6_738_415_616 - embeddings - norms) / 2 + (embeddings + norms) * 2,
    )
  })
  it('all (the default) is the article’s P × b', () => {
    expect(run({model: 'llama-2-7b', dtype: 'int4'}).perDevice.weights).toBe(6_738_415_616 / 2)
  })
})
