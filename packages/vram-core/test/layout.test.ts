/**
 * The parallel layout (layout.ts): device counts with expert parallelism, and
 * the activations each pipeline stage holds under Megatron's schedules. Every
 * expected figure is derived by hand below from the framework code cited.
 */
import {describe, expect, it} from 'vitest'
import {evaluateBlock} from '../src/output/evaluate.js'
import {modelStates, run} from './helpers.js'

describe('expert parallelism is carved out of the data-parallel ranks', () => {
  // Megatron-LM megatron/core/parallel_state.py @ 00caa53af30912914981c86f39db123961678bbd,
  // initialize_model_parallel: data_parallel_size = world_size // (tp·pp·cp);
  // expert_data_parallel_size = world_size // (etp·ep·pp), and world_size must divide by etp·ep·pp.
  // Megatron's distributed optimizer (docs/source/api-guide/dist_optimizer.md): 6 + 12/d bytes
  // per parameter with fp32 gradients, d being the data-parallel group the parameter shards over.
  //
  // Mixtral-8x7B (model card: 46.7B): 32 layers, h 4096, 32 heads, 8 KV heads, 8 experts of
  // ffn 14336, vocab 32000, untied.
  const expertPerLayer = 8 * 3 * 4096 * 14336 // 1,409,286,144
  const experts = 32 * expertPerLayer // 45,097,156,608
  // Per layer: q, o 4096² each; k, v 1024 × 4096 each; router 8 × 4096; two RMSNorms.
  const densePerLayer = 2 * 4096 * 4096 + 2 * 1024 * 4096 + 8 * 4096 + 2 * 4096 // 41,984,000
  const dense = 32 * densePerLayer + 2 * 32000 * 4096 + 4096 // 1,605,636,096
  it('the hand count is the published one (46,702,792,704)', () => {
    expect(dense + experts).toBe(46_702_792_704)
    expect(run({model: 'mixtral-8x7b'}).model.params).toBe(dense + experts)
  })
  it('dp 8 with ep 4 is 8 GPUs; dense states shard over 8, each expert over 8 / 4 = 2', () => {
    const r = run({
      model: 'mixtral-8x7b',
      mode: 'training',
      grad_dtype: 'fp32',
      parallel: {dp: 8, ep: 4, zero: 1},
      buffers: 0,
    })
    expect(r.devices).toBe(8)
    // The batch default follows dp alone: 1 micro-batch × 1 step × 8 replicas.
    expect(r.scenario.batch).toBe(8)
    const expertsOnDevice = experts / 4 // 2 of the 8 experts in every layer
    const expected = expertsOnDevice * (6 + 12 / 2) + dense * (6 + 12 / 8)
    expect(expected).toBe(147_333_740_544)
    expect(modelStates(r)).toBe(expected)
  })
  it('ep × etp must divide dp × cp × tp, with a diagnostic that names the convention', () => {
    const {diagnostics} = evaluateBlock({
      model: 'mixtral-8x7b',
      mode: 'training',
      parallel: {dp: 2, ep: 4, zero: 1},
    })
    const problem = diagnostics.find((entry) => entry.severity === 'error')
    expect(problem).toMatchObject({ruleId: 'incompatible', path: ['parallel', 'ep']})
    expect(problem?.message).toContain('dp × tp × pp × cp')
    expect(problem?.suggestion).toContain('dp: 4')
  })
})

describe("Megatron's pipeline schedules", () => {
  // Megatron-LM megatron/core/pipeline_parallel/schedules.py @ 00611e6eeb0b09b5ee074750956855215ddbd67f:
  // get_pp_rank_microbatches gives rank r `pp − r − 1` warm-up forwards without interleaving and
  // `(pp − r − 1)·2 + (vpp − 1)·N` with it (N = microbatch_group_size_per_vp_stage, pp by default),
  // capped at m·vpp; get_schedule_table runs micro-batches in groups of N through each chunk in
  // turn, backward in reverse chunk order. After the warm-up each step is one forward then one
  // backward, so a rank holds warm-up + 1 chunk forwards' activations at its peak.
  //
  // Llama-2-7B, s 4096, b 1, flash attention, no recomputation: one layer saves
  // 16·sbh + 6·sb·ffn + 4·a·sb bytes (parallel.test.ts derives it per tensor).
  const sb = 4096
  const perLayer = 16 * sb * 4096 + 6 * sb * 11008 + 4 * 32 * sb
  const embedding = 8 * sb // int64 token ids, first chunk only
  const loss = 2 * sb * 4096 * 2 + 4 * sb * 32000 // final-norm and head inputs, fp32 logits
  const interleaved = (vpp: number) =>
    run({
      model: 'llama-2-7b',
      mode: 'training',
      parallel: {pp: 4, vpp},
      grad_accum: 8,
      batch: 8,
      buffers: 0,
    })
  it('pp 4 × vpp 8, m 8: rank 0 holds 35 one-layer chunks, 8 of them the embedding chunk', () => {
    // Rank 0: warm-up (4 − 0 − 1)·2 + 7·4 = 34; forwards 0..33 run chunks 0..7 four times each
    // and chunk 0 twice more; the first steady step adds a chunk-0 forward after freeing a
    // chunk-7 one: 35 held, 8 of chunk 0 (which holds the embedding).
    const r = interleaved(8)
    expect(r.stages?.[0]?.activations).toBe(35 * perLayer + 8 * embedding)
  })
  it('pp 4 × vpp 8, m 8: the last rank holds 29 chunks, at most one with the logits', () => {
    // Rank 3: warm-up 0 + 7·4 = 28; forwards 0..27 hold four of each chunk 0..6; forward 28 is
    // the last chunk (the loss), whose backward comes right after: 29 held, 1 with the logits.
    // The old single factor 1 + (p − 1)/(p·v) gave 8 × 1.09 = 8.75 layers here: 3.3× too few.
    const r = interleaved(8)
    expect(r.stages?.[3]?.activations).toBe(29 * perLayer + loss)
  })
  it('pp 4 × vpp 2, m 8: rank 0 holds 11 four-layer chunks, 8 of them the first', () => {
    // Warm-up 3·2 + 1·4 = 10: chunk 0 ×4, chunk 1 ×4, chunk 0 ×2; the steady step frees a
    // chunk-1 forward and adds a chunk-0 one: 8 + 3 = 11 chunks of 4 layers.
    expect(interleaved(2).stages?.[0]?.activations).toBe(11 * 4 * perLayer + 8 * embedding)
  })
  it('without interleaving, rank r holds min(pp − r, m) micro-batches', () => {
    const r = interleaved(1)
    expect(r.stages?.map((stage) => stage.activations)).toEqual([
      4 * 8 * perLayer + 4 * embedding,
      3 * 8 * perLayer,
      2 * 8 * perLayer,
      1 * 8 * perLayer + loss,
    ])
  })
  it('interleaving is refused for inference', () => {
    const {diagnostics} = evaluateBlock({model: 'llama-2-7b', parallel: {pp: 4, vpp: 2}})
    expect(diagnostics[0]).toMatchObject({ruleId: 'incompatible', path: ['parallel', 'vpp']})
  })
  it('micro-batches must come in groups of pp (Megatron raises otherwise)', () => {
    const {diagnostics} = evaluateBlock({
      model: 'llama-2-7b',
      mode: 'training',
      parallel: {pp: 4, vpp: 2},
      grad_accum: 6,
    })
    expect(diagnostics.find((entry) => entry.severity === 'error')).toMatchObject({
      ruleId: 'incompatible',
      path: ['grad_accum'],
      suggestion: 'use `grad_accum: 8`',
    })
  })
})
