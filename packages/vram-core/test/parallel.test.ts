import {describe, expect, it} from 'vitest'
import {rankBytes, savedTensors} from '../src/components/activations.js'
import {GB, GiB, gpt3, modelStates, run} from './helpers.js'

describe('ZeRO paper, Table 1 (Ψ = 7.5B, K = 12, GB = 10^9)', () => {
  // Printed per-device model-state memory for 7.5B (Rajbhandari et al. 2020, Table 1),
  // columns P_os, P_os+g, P_os+g+p.
  const printed: Array<[number, number, number, number]> = [
    [1, 120, 120, 120],
    [4, 52.5, 41.3, 30],
    [16, 35.6, 21.6, 7.5],
    [64, 31.4, 16.6, 1.88],
    [256, 30.4, 15.4, 0.47],
    [1024, 30.1, 15.1, 0.12],
  ]
  const states = (dp: number, zero: number) =>
    modelStates(
      run({
        model: {params: '7.5B'},
        mode: 'training',
        accounting: 'paper',
        parallel: {dp, zero},
        batch: dp,
        buffers: 0,
        show: [],
      }),
    ) / GB
  for (const [dp, os, osg, osgp] of printed) {
    it(`N_d = ${dp}`, () => {
      // Baseline (no ZeRO): (2 + 2 + 12)Ψ = 120 GB whatever N_d.
      expect(states(dp, 0)).toBeCloseTo(120, 6)
      // Within the rounding of the printed figure (half a unit of its last digit).
      const rounding = (printed: number) =>
        0.5 * 10 ** -(String(printed).split('.')[1]?.length ?? 0) + 1e-9
      expect(Math.abs(states(dp, 1) - os)).toBeLessThanOrEqual(rounding(os))
      expect(Math.abs(states(dp, 2) - osg)).toBeLessThanOrEqual(rounding(osg))
      expect(Math.abs(states(dp, 3) - osgp)).toBeLessThanOrEqual(rounding(osgp))
    })
  }
  it('Figure 1: 120 → 31.4 → 16.6 → 1.9 GB at N_d = 64', () => {
    expect(states(64, 1)).toBeCloseTo(4 * 7.5 + (12 * 7.5) / 64, 6)
    expect(states(64, 2)).toBeCloseTo(2 * 7.5 + (14 * 7.5) / 64, 6)
    expect(states(64, 3)).toBeCloseTo((16 * 7.5) / 64, 6)
  })
})

describe('DeepSpeed ZeRO estimators (model states per GPU, current code)', () => {
  // Llama-2-7B: P = 6,738,415,616; largest layer LL = the embedding, 32000 × 4096.
  const P = 6_738_415_616
  const LL = 32000 * 4096
  const states = (parallel: Record<string, unknown>) =>
    modelStates(
      run({model: 'llama-2-7b', mode: 'training', parallel, batch: parallel.dp, buffers: 0}),
    )
  it('ZeRO-2: 2P + int(18P/N)', () => {
    expect(states({dp: 8, zero: 2})).toBe(2 * P + Math.floor((18 * P) / 8))
  })
  it('ZeRO-2 with optimizer offload: 2P', () => {
    expect(states({dp: 8, zero: 2, offload: 'optimizer'})).toBe(2 * P)
  })
  it('ZeRO-3: 4·LL + int(18P/N)', () => {
    expect(states({dp: 8, zero: 3})).toBe(4 * LL + Math.floor((18 * P) / 8))
  })
  it('ZeRO-3 with optimizer offload: 4·LL + int(2P/N)', () => {
    expect(states({dp: 8, zero: 3, offload: 'optimizer'})).toBe(4 * LL + Math.floor((2 * P) / 8))
  })
  it('ZeRO-3 with parameter and optimizer offload: 4·LL', () => {
    expect(states({dp: 8, zero: 3, offload: 'params'})).toBe(4 * LL)
  })
})

describe('Megatron-LM weight and optimizer bytes per parameter', () => {
  const perParam = (zero: number, dp: number) =>
    modelStates(
      run({
        model: 'llama-2-7b',
        mode: 'training',
        grad_dtype: 'fp32',
        parallel: {dp, zero},
        batch: dp,
      }),
    ) / 6_738_415_616
  it('18 without the distributed optimizer (2 bf16 + 4 fp32 grad + 4 master + 8 Adam)', () => {
    expect(perParam(0, 8)).toBeCloseTo(18, 9)
  })
  it('6 + 12/dp with the distributed optimizer (= ZeRO-1)', () => {
    for (const dp of [1, 2, 8, 64]) expect(perParam(1, dp)).toBeCloseTo(6 + 12 / dp, 6)
  })
  it('peers table: Llama-2-7B on 8 GPUs with the distributed optimizer = 47.07 GiB', () => {
    expect((perParam(1, 8) * 6_738_415_616) / GiB).toBeCloseTo(47.07, 2)
  })
  it('fp16 params with fp16 grads: 20 bytes, 4 + 16/d distributed (Megatron dist_optimizer.md)', () => {
    const states = (zero: number, dp: number) =>
      modelStates(
        run({
          model: 'llama-2-7b',
          mode: 'training',
          dtype: 'fp16',
          parallel: {dp, zero},
          batch: dp,
        }),
      ) / 6_738_415_616
    expect(states(0, 8)).toBeCloseTo(20, 9)
    expect(states(1, 8)).toBeCloseTo(4 + 16 / 8, 6)
  })
})

describe('Korthikanti et al. 2022, Table 2 (bytes per layer)', () => {
  // GPT-3 175B shape: a = 96, h = 12288, s = 2048, b = 1; 4h GeLU MLP, dropout, eager attention.
  const model = {
    id: 'gpt3',
    name: 'gpt3',
    layers: 96,
    hidden: 12288,
    ffn: 4 * 12288,
    heads: 96,
    kvHeads: 96,
    vocab: 51200,
    mlp: 'plain' as const,
    norm: 'layer' as const,
    normsPerLayer: 2,
    bias: true,
    qkvBias: false,
    attentionBias: false,
    qkNorm: false,
    attentionSinks: false,
    tiedEmbeddings: true,
    dropout: 0.1,
    mtpLayers: 0,
    includeMtp: false,
  }
  const s = 2048
  const h = 12288
  const a = 96
  const sbh = s * h
  const tensors = savedTensors(
    model,
    {tokens: s, seq: s, microBatch: 1, bytes: 2},
    {attention: 'eager'},
    'dense',
  )
  const layer = (t: number, sp: boolean, selective: boolean) => rankBytes(tensors, t, sp, selective)
  it('no parallelism: sbh(34 + 5as/h)', () => {
    expect(layer(1, false, false)).toBe(sbh * (34 + (5 * a * s) / h))
    expect(layer(1, false, false)).toBe(2_868_903_936)
  })
  it('tensor parallel: sbh(10 + 24/t + 5as/(ht))', () => {
    expect(layer(8, false, false)).toBe(sbh * (10 + 24 / 8 + (5 * a * s) / (h * 8)))
    expect(layer(8, false, false)).toBe(578_813_952)
  })
  it('tensor + sequence parallel: sbh(34/t + 5as/(ht))', () => {
    expect(layer(8, true, false)).toBe(sbh * (34 / 8 + (5 * a * s) / (h * 8)))
  })
  it('tensor parallel + selective recompute: sbh(10 + 24/t)', () => {
    expect(layer(8, false, true)).toBe(sbh * (10 + 24 / 8))
  })
  it('tensor + sequence parallel + selective recompute: sbh·34/t', () => {
    expect(layer(8, true, true)).toBe((sbh * 34) / 8)
    expect(layer(8, true, true)).toBe(106_954_752)
  })
  it('full recompute keeps 2sbh per layer plus one layer being recomputed', () => {
    const r = run({
      model: gpt3,
      mode: 'training',
      attention: 'eager',
      recompute: 'full',
      seq: 2048,
      batch: 1,
    })
    const extras = 8 * s + s * h + 2 * 2 * s * h + 4 * s * 51200
    expect(r.perDevice.activations).toBe(96 * 2 * sbh + sbh * (34 + (5 * a * s) / h) + extras)
  })
})

describe('pipeline parallelism (1F1B)', () => {
  const acts = (pp: number, gradAccum: number) =>
    run({
      model: 'llama-2-7b',
      mode: 'training',
      parallel: {pp},
      grad_accum: gradAccum,
      batch: gradAccum,
      seq: 4096,
    })
  it('the first stage holds pp micro-batches of L/pp layers: L layers’ worth', () => {
    const one = acts(1, 8)
    const four = acts(4, 8)
    expect(four.stage).toBe(0)
    const sb = 4096
    const perLayer = 16 * sb * 4096 + 6 * sb * 11008 + 4 * 32 * sb
    // Stage 0: 8 layers × 4 micro-batches + token ids of 4 micro-batches; no logits (last stage).
    expect(four.perDevice.activations).toBe(8 * 4 * perLayer + 4 * 8 * sb)
    expect(one.perDevice.activations).toBeGreaterThan(four.perDevice.activations)
  })
  it('fewer micro-batches than stages: fewer in flight', () => {
    const sb = 4096
    const perLayer = 16 * sb * 4096 + 6 * sb * 11008 + 4 * 32 * sb
    expect(acts(4, 2).perDevice.activations).toBe(8 * 2 * perLayer + 2 * 8 * sb)
  })
  it('interleaving: the first stage holds pp·(1 + (p−1)/(p·v)) stages of layers (Korthikanti §4.2.3)', () => {
    const r = run({
      model: 'llama-2-7b',
      mode: 'training',
      parallel: {pp: 4, vpp: 2},
      grad_accum: 8,
      batch: 8,
    })
    const sb = 4096
    const perLayer = 16 * sb * 4096 + 6 * sb * 11008 + 4 * 32 * sb
    const factor = 1 + 3 / 8
    // The layers match the paper's factor; the embedding chunk's token ids follow Megatron's
    // schedule (8 of its micro-batches in flight at the peak, layout.test.ts derives it).
    expect(r.perDevice.activations).toBe(8 * 4 * factor * perLayer + 8 * 8 * sb)
  })
})

describe('tensor parallelism and GQA', () => {
  it('KV heads split over tp, and replicate when tp exceeds them', () => {
    const kv = (tp: number) =>
      run({model: 'llama-3.1-8b', seq: 8192, batch: 4, parallel: {tp}}).perDevice.kvCache
    // Llama-3.1-8B: 32 layers × 8 KV heads × 128 × 2 (K,V) × 2 bytes = 131072 B per token.
    expect(kv(1)).toBe(131072 * 8192 * 4)
    expect(kv(8)).toBe(kv(1) / 8)
    // 32 query heads over tp = 16 works (2 per rank); each rank keeps 1 of the 8 KV heads.
    expect(
      run({model: 'llama-3.1-8b', seq: 8192, batch: 4, parallel: {tp: 16}}).perDevice.kvCache,
    ).toBe(kv(1) / 8)
  })
  it('MLA caches the 576-wide latent per token and layer (DeepSeek-V3)', () => {
    const r = run({model: 'deepseek-v3', seq: 4096, batch: 1, dtype: 'bf16'})
    expect(r.perDevice.kvCache).toBe(70272 * 4096)
  })
  it('sliding-window layers cap their cache at the window (Gemma 2: 21 of 42 layers at 4096)', () => {
    const r = run({model: 'gemma-2-9b', seq: 8192, batch: 1})
    const perLayerToken = 2 * 8 * 256 * 2
    expect(r.perDevice.kvCache).toBe(21 * perLayerToken * 8192 + 21 * perLayerToken * 4096)
  })
})
