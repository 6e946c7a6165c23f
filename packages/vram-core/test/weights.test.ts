/**
 * Weights per device (weights.ts, model-states.ts), checked against the
 * frameworks' own layouts and hand counts written out below.
 */
import {describe, expect, it} from 'vitest'
import {evaluateBlock} from '../src/output/evaluate.js'
import {modelStates, run} from './helpers.js'

describe('tied embeddings keep a copy on the last pipeline stage', () => {
  // Megatron-LM megatron/core/models/common/language_module/language_module.py
  // @ 00c2c0adeec16015f386548793c88ef08ff6acec, setup_embeddings_and_output_layer: "Create a
  // second copy of word_embeddings on the last stage"; its gradients are all-reduced with the
  // first stage's and it is stepped like any parameter. vLLM's Llama keeps `embed_tokens` on
  // `is_first_rank or (tie_word_embeddings and is_last_rank)`.
  //
  // A Llama-3.2-3B shape (model card: 3.21B): 28 layers, h 3072, ffn 8192, 24 heads, 8 KV
  // heads (d_h 128), vocab 128256, tied. Per layer: q, o 3072²; k, v 1024 × 3072;
  // gate, up, down 8192 × 3072; two RMSNorms.
  const model = {
    layers: 28,
    hidden: 3072,
    ffn: 8192,
    heads: 24,
    kv_heads: 8,
    vocab: 128256,
    tied_embeddings: true,
  }
  const perLayer = 2 * 3072 * 3072 + 2 * 1024 * 3072 + 3 * 8192 * 3072 + 2 * 3072 // 100,669,440
  const embedding = 128256 * 3072 // 394,002,432
  it('the hand count is the model card’s 3.21B', () => {
    expect(28 * perLayer + embedding + 3072).toBe(3_212_749_824)
    expect(run({model}).model.params).toBe(3_212_749_824)
  })
  const training = run({
    model,
    mode: 'training',
    recompute: 'full',
    parallel: {pp: 4, dp: 2, zero: 1},
    buffers: 0,
  })
  it('the last stage holds 7 layers, the final norm and the copy: 1,098,691,584 parameters', () => {
    const last = 7 * perLayer + 3072 + embedding
    expect(last).toBe(1_098_691_584)
    expect(training.stages?.[3]?.weights).toBe(2 * last)
    // Mixed precision, DeepSpeed ZeRO-1 over 2: 2 (bf16) + 2 (grad) + (4 fp32 grad copy + 12)/2.
    const stage = training.stages?.[3]
    expect((stage?.weights ?? 0) + (stage?.gradients ?? 0) + (stage?.optimizer ?? 0)).toBe(
      12 * last,
    )
  })
  it('the first stage holds 7 layers and the embedding; one stage keeps no copy', () => {
    expect(training.stages?.[0]?.weights).toBe(2 * (7 * perLayer + embedding))
    expect(run({model, mode: 'training', buffers: 0}).perDevice.weights).toBe(2 * 3_212_749_824)
  })
  it("issue 8's figures: the last stage is the most loaded, 15.88 GB against the first's 14.26", () => {
    const r = run({
      model,
      mode: 'training',
      recompute: 'full',
      parallel: {pp: 4, dp: 2, zero: 1},
      grad_accum: 4,
      buffers: 0,
    })
    expect(r.stage).toBe(3)
    expect((r.stages?.[3]?.total ?? 0) / 1e9).toBeCloseTo(15.88, 2)
    expect((r.stages?.[0]?.total ?? 0) / 1e9).toBeCloseTo(14.26, 2)
  })
  it('inference with pp 2 (vLLM): the last stage has the copy too', () => {
    const r = run({model, parallel: {pp: 2}, batch: 1, seq: 1})
    expect(r.stages?.[1]?.weights).toBe(2 * (14 * perLayer + 3072 + embedding))
  })
})

describe('K/V projections replicate when tp exceeds the KV heads (inference)', () => {
  // vLLM vllm/model_executor/layers/linear.py @ 9e109c9887e38c51fc16b0da89760c5bd7c293c9,
  // QKVParallelLinear: `if tp_size >= total_num_kv_heads: num_kv_heads = 1;
  // num_kv_head_replicas = tp_size / total_num_kv_heads`: every rank keeps one whole KV head.
  //
  // Llama-3.1-70B at tp 16: 80 layers, h 8192, 64 heads, 8 KV heads of 128, ffn 28672,
  // vocab 128256, untied. Per rank and layer: q, o 8192²/16; k, v one head each (128 × 8192);
  // gate, up, down 28672 × 8192 / 16; two replicated norms.
  const perLayer = (2 * 8192 * 8192) / 16 + 2 * 128 * 8192 + (3 * 28672 * 8192) / 16 + 2 * 8192
  const perRank = 80 * perLayer + (2 * 128256 * 8192) / 16 + 8192
  it('each rank holds 4,494,729,216 parameters: 16 bf16 ranks of 8.99 GB', () => {
    expect(perRank).toBe(4_494_729_216)
    expect(run({model: 'llama-3.1-70b', parallel: {tp: 16}}).perDevice.weights).toBe(2 * perRank)
  })
  it('at tp 8 the KV heads split evenly (one each): the same K/V, the rest halved', () => {
    const at8 = 80 * ((2 * 8192 * 8192) / 8 + 2 * 128 * 8192 + (3 * 28672 * 8192) / 8 + 2 * 8192)
    expect(run({model: 'llama-3.1-70b', parallel: {tp: 8}}).perDevice.weights).toBe(
      2 * (at8 + (2 * 128256 * 8192) / 8 + 8192),
    )
  })
})

describe('`params` beside a full shape is reported, not silently dropped', () => {
  it('a warning names both counts and the shape wins', () => {
    const {block, diagnostics} = evaluateBlock({model: {extends: 'llama-2-7b', params: '7B'}})
    expect(diagnostics).toEqual([
      expect.objectContaining({
        ruleId: 'incompatible',
        severity: 'warning',
        path: ['model', 'params'],
        message:
          "`params` (7,000,000,000) is not used: the model's shape counts 6,738,415,616 parameters",
      }),
    ])
    expect(block?.result?.model.params).toBe(6_738_415_616)
  })
})

describe('ZeRO-2/3 with pipeline parallelism', () => {
  // DeepSpeed deepspeed/runtime/pipe/engine.py @ 03f6f75c5caadf213b53a7b3f5438bb46a30d278:
  // `assert self.zero_optimization_stage() < ZeroStageEnum.gradients, "ZeRO-2 and ZeRO-3 are
  // incompatible with pipeline parallelism"`. FSDP2 runs it: TorchTitan
  // (pytorch/torchtitan torchtitan/models/llama3/infra/parallelize.py @
  // 81c1243395b46ce693a0681cfe1bb20e9b9433fb, apply_fsdp) sets
  // `reshard_after_forward = not pp_enabled`, so each stage's weights stay gathered, and the
  // pipelining schedules defer the gradient reduce-scatter to the last micro-batch. Only the
  // optimizer states (and master weights) stay sharded: the model states are ZeRO-1's.
  const states = (zero: number) =>
    run({
      model: 'llama-2-7b',
      mode: 'training',
      parallel: {pp: 2, dp: 4, zero},
      grad_accum: 4,
      buffers: 0,
    })
  it('ZeRO-2 and ZeRO-3 with pp 2 count as ZeRO-1, with a warning that says why', () => {
    const one = modelStates(states(1))
    expect(modelStates(states(2))).toBe(one)
    expect(modelStates(states(3))).toBe(one)
    const {diagnostics} = evaluateBlock({
      model: 'llama-2-7b',
      mode: 'training',
      parallel: {pp: 2, dp: 4, zero: 3},
    })
    expect(diagnostics).toEqual([
      expect.objectContaining({
        ruleId: 'incompatible',
        severity: 'warning',
        path: ['parallel', 'zero'],
      }),
    ])
    expect(diagnostics[0]?.message).toContain('DeepSpeed refuses ZeRO-3 with pipeline parallelism')
  })
  it('parameter offload with pp > 1 is refused', () => {
    const {diagnostics} = evaluateBlock({
      model: 'llama-2-7b',
      mode: 'training',
      parallel: {pp: 2, dp: 4, zero: 3, offload: 'params'},
    })
    expect(diagnostics.some((entry) => entry.path.join('.') === 'parallel.offload')).toBe(true)
  })
})
