/**
 * Hybrid models counted exactly, with their attention layers' KV cache and
 * their recurrent layers' per-sequence state (vLLM's layout).
 *
 * Configs: `reference/models.json` (Qwen3-Next-80B-A3B, Nemotron-H-56B-Base-8K;
 * verbatim copies, sources there).
 *
 * Published counts (Hugging Face safetensors metadata, `safetensors.total` of
 * the Hub API):
 * - Qwen/Qwen3-Next-80B-A3B-Instruct: 81,324,862,720, which includes the
 *   checkpoint's MTP layer (`mtp.*`, not loaded by transformers or by vLLM
 *   without speculative decoding);
 *   https://huggingface.co/Qwen/Qwen3-Next-80B-A3B-Instruct
 * - Qwen/Qwen3-Coder-Next (same architecture, saved without MTP):
 *   79,674,391,296; https://huggingface.co/Qwen/Qwen3-Coder-Next
 * - nvidia/Nemotron-H-56B-Base-8K: no exact count published (model card:
 *   "56B"); the hand derivation below, block by block from NVIDIA's
 *   modeling_nemotron_h.py, is the reference.
 *
 * State shapes: vLLM `MambaStateShapeCalculator`
 * (vllm-project/vllm@02d710837549a368073552333f66d714477415d2,
 * vllm/model_executor/layers/mamba/mamba_utils.py):
 * gated_delta_net_state_shape → conv (kernel − 1) × (2·H_k·d_k + H_v·d_v)/tp,
 * recurrent H_v/tp × d_v × d_k; mamba2_state_shape → conv (kernel − 1) ×
 * (I + 2·G·N)/tp, SSM H/tp × P × N.
 */
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {hybridCount} from '../src/model/hybrid.js'
import {evaluateBlock} from '../src/output/evaluate.js'

const references = JSON.parse(
  readFileSync(new URL('./reference/models.json', import.meta.url), 'utf8'),
) as {models: Array<{id: string; config: Record<string, unknown>}>}
const config = (id: string) =>
  references.models.find((model) => model.id === id)?.config as Record<string, unknown>
const qwen3Next = config('Qwen/Qwen3-Next-80B-A3B-Instruct')
const nemotronH = config('nvidia/Nemotron-H-56B-Base-8K')

const evaluate = (model: Record<string, unknown>, block: Record<string, unknown> = {}) =>
  evaluateBlock(
    {model: {config: './config.json', ...(block.model as object)}, seq: 4096, batch: 1, ...block},
    {
      readConfig: () => model,
    },
  )

describe('Qwen3-Next-80B-A3B', () => {
  it('counts 79,674,391,296 parameters (Qwen3-Coder-Next, no MTP) and 81,324,862,720 with MTP', () => {
    const read = hybridCount(qwen3Next)
    if (!read || !('count' in read)) throw new Error('not counted')
    expect(read.count.params).toBe(79_674_391_296)
    expect(read.count.params + read.count.state.mtpParams).toBe(81_324_862_720)
    // Active per token: all but 502 of 512 experts (3 × 2048 × 512 each) in 48 layers.
    expect(read.count.active).toBe(79_674_391_296 - 48 * 502 * 3 * 2048 * 512)
    const withMtp = evaluateBlock(
      {model: {config: './config.json', mtp: true}, seq: 1},
      {readConfig: () => qwen3Next},
    )
    expect(withMtp.block?.result?.scenario.model.givenParams).toBe(81_324_862_720)
  })

  it('KV cache for its 12 attention layers, state for its 36 Gated DeltaNet layers', () => {
    const {block, diagnostics} = evaluate(qwen3Next)
    expect(diagnostics).toEqual([])
    // 2 × 4096 tokens × 12 layers × 2 KV heads × 256 × 2 bytes
    const kv = 2 * 4096 * 12 * 2 * 256 * 2
    // 36 × (conv 3 × (2·16·128 + 32·128) + recurrent 32 × 128 × 128) × 2 bytes
    const state = 36 * (3 * 8192 + 32 * 128 * 128) * 2
    expect(block?.result?.perDevice.kvCache).toBe(kv + state)
    expect(block?.result?.perDevice.weights).toBe(2 * 79_674_391_296)
  })
})

describe('Nemotron-H-56B', () => {
  // Hand derivation (d 8192, V 131072, H 256, P 64, G 8, N 256, kernel 4, f 32768):
  const mamba =
    8192 * (16384 + 20480 + 256) + // in_proj → z, xBC, dt
    20480 * 4 +
    20480 + // conv1d weight and bias
    3 * 256 + // dt_bias, A_log, D
    16384 + // gated RMSNorm
    16384 * 8192 // out_proj
  const attention = 8192 * 8192 + 2 * 8192 * 1024 + 8192 * 8192
  const mlp = 2 * 8192 * 32768
  const total = 2 * 131072 * 8192 + 8192 + 118 * 8192 + 54 * mamba + 10 * attention + 54 * mlp

  it(`counts ${total.toLocaleString('en')} parameters`, () => {
    expect(total).toBe(56_324_350_464)
    const read = hybridCount(nemotronH)
    if (!read || !('count' in read)) throw new Error('not counted')
    expect(read.count.params).toBe(total)
    expect(read.count.state.label).toBe('54 Mamba-2 + 10 attention + 54 MLP blocks')
  })

  it('KV cache for 10 attention layers, Mamba-2 state for 54, split over tensor parallelism', () => {
    const one = evaluate(nemotronH)
    expect(one.diagnostics).toEqual([])
    const kv = 2 * 4096 * 10 * 8 * 128 * 2
    const state = 54 * (3 * (16384 + 2 * 8 * 256) + 256 * 64 * 256) * 2
    expect(one.block?.result?.perDevice.kvCache).toBe(kv + state)
    const tp2 = evaluate(nemotronH, {parallel: {tp: 2}})
    expect(tp2.block?.result?.perDevice.kvCache).toBe((kv + state) / 2)
  })

  it('training: weights and optimizer exact, activations said to be not modelled', () => {
    const {diagnostics} = evaluate(nemotronH, {mode: 'training'})
    expect(diagnostics[0]).toMatchObject({
      ruleId: 'unsupported-model',
      message: expect.stringContaining('activation memory of a hybrid model (54 Mamba-2'),
    })
    const weightsOnly = evaluate(nemotronH, {mode: 'training', show: []})
    expect(weightsOnly.block?.result?.perDevice.weights).toBe(2 * total)
  })
})

describe('what is not modelled for hybrids is said', () => {
  it('vLLM’s budget (`serve`)', () => {
    const {diagnostics} = evaluate(nemotronH, {
      serve: {engine: 'vllm'},
      gpu: 'h100',
      seq: undefined,
    })
    expect(diagnostics.find((entry) => entry.severity === 'error')).toMatchObject({
      ruleId: 'unsupported-model',
      path: ['serve'],
      message: expect.stringContaining('vLLM’s budget for a hybrid model'),
    })
  })
})

describe('hybrids this engine cannot count yet', () => {
  it('a config lacking a field the count needs names it', () => {
    const {hybrid_override_pattern: _pattern, ...without} = nemotronH
    const {diagnostics} = evaluate(without)
    expect(diagnostics[0]).toMatchObject({
      ruleId: 'unsupported-model',
      message: expect.stringContaining('`hybrid_override_pattern`'),
    })
  })

  it('a zero or absurd size is refused, never NaN or an absurd count', () => {
    for (const broken of [
      {...qwen3Next, linear_num_value_heads: 0},
      {...nemotronH, hidden_size: 2 ** 24, intermediate_size: 2 ** 24},
    ]) {
      const {diagnostics, block} = evaluate(broken)
      expect(block?.result).toBeUndefined()
      expect(diagnostics[0]?.ruleId).toBe('unsupported-model')
    }
  })

  it('Jamba, Falcon-H1, Granite 4.0-H and Bamba are refused with the reason', () => {
    for (const model_type of ['jamba', 'falcon_h1', 'granitemoehybrid', 'bamba']) {
      const {diagnostics} = evaluate({model_type, hidden_size: 4096, num_hidden_layers: 32})
      expect(diagnostics[0]?.ruleId).toBe('unsupported-model')
    }
  })
})
