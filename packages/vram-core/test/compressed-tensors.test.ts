/**
 * compressed-tensors checkpoints (llm-compressor) computed as shipped.
 *
 * Schemes: compressed-tensors `src/compressed_tensors/quantization/quant_scheme.py`
 * (github.com/neuralmagic/compressed-tensors): FP8_DYNAMIC = weights float 8-bit,
 * strategy channel; W8A8 = int 8-bit channel; W4A16 = int 4-bit, group 128,
 * symmetric; FP8_BLOCK = float 8-bit, block_structure [128, 128]. Saved with
 * `ignore: ["lm_head"]` (llm-compressor's examples).
 *
 * Expected bytes are hand derivations from Llama 3.1 8B's reference counts
 * (`reference/models.json`: attn 41,943,040 + MLP 176,160,768 per layer, 32
 * layers → 6,979,321,856 linear weights; embedding and lm_head 525,336,576
 * each; 65 RMSNorms of 4,096). Per-channel scales (one bf16 per output row,
 * 1,376,256 rows = 2.75 MB, 0.03 %) are left out, as the module states.
 */
import {describe, expect, it} from 'vitest'
import {evaluateBlock} from '../src/output/evaluate.js'

const linear = 32 * (41943040 + 176160768)
const rest = 2 * 525336576 + 65 * 4096

const scheme = (weights: Record<string, unknown>, ignore: string[] = ['lm_head']) => ({
  quant_method: 'compressed-tensors',
  format: 'float-quantized',
  quantization_status: 'compressed',
  ignore,
  config_groups: {group_0: {targets: ['Linear'], weights}},
})

function weights(quantization_config: Record<string, unknown>) {
  const {block, diagnostics} = evaluateBlock({
    model: {extends: 'llama-3.1-8b', quantization_config},
    seq: 1,
  })
  return {
    weights: block?.result?.perDevice.weights,
    diagnostics,
    model: block?.result?.scenario.model,
  }
}

describe('compressed-tensors quantization_config', () => {
  it('FP8_DYNAMIC: one byte per linear weight, the rest bf16, no dtype line', () => {
    const read = weights(
      scheme({num_bits: 8, type: 'float', strategy: 'channel', symmetric: true, dynamic: false}),
    )
    expect(read.diagnostics).toEqual([])
    expect(read.weights).toBe(linear + 2 * rest)
    expect(read.model?.checkpoint?.label).toBe('compressed-tensors FP8, per-channel scales')
  })

  it('W8A8 int8', () => {
    const read = weights({
      ...scheme({num_bits: 8, type: 'int', strategy: 'channel', symmetric: true}),
      format: 'int-quantized',
    })
    expect(read.weights).toBe(linear + 2 * rest)
  })

  it('W4A16: 4 bits + one bf16 scale per 128 weights', () => {
    const read = weights({
      ...scheme({num_bits: 4, type: 'int', strategy: 'group', group_size: 128, symmetric: true}),
      format: 'pack-quantized',
    })
    // (4 + 16/128) bits = 0.515625 bytes per linear weight.
    expect(read.weights).toBe(linear * 0.515625 + 2 * rest)
  })

  it('FP8 block 128×128: 8 bits + one bf16 scale per block', () => {
    const read = weights(
      scheme({num_bits: 8, type: 'float', strategy: 'block', block_structure: [128, 128]}),
    )
    expect(read.weights).toBe(linear * (1 + 2 / 16384) + 2 * rest)
  })

  it('an ignore list keeping linear layers in bf16 is said, not guessed', () => {
    const read = weights(
      scheme({num_bits: 8, type: 'float', strategy: 'channel'}, [
        'lm_head',
        'model.layers.0.mlp.down_proj',
      ]),
    )
    expect(read.diagnostics[0]).toMatchObject({
      ruleId: 'unsupported-model',
      severity: 'warning',
      message: expect.stringContaining('`model.layers.0.mlp.down_proj`'),
    })
  })

  it('routers and the vision tower in `ignore` change nothing', () => {
    const read = weights(
      scheme({num_bits: 8, type: 'float', strategy: 'channel'}, [
        'lm_head',
        're:.*mlp.gate$',
        're:vision_tower.*',
      ]),
    )
    expect(read.diagnostics).toEqual([])
    expect(read.weights).toBe(linear + 2 * rest)
  })
})

describe('bitsandbytes 8-bit (`load_in_8bit`)', () => {
  it('one byte per linear weight (LLM.int8()), the rest bf16', () => {
    const read = weights({quant_method: 'bitsandbytes', load_in_8bit: true})
    expect(read.diagnostics).toEqual([])
    expect(read.weights).toBe(linear + 2 * rest)
    expect(read.model?.checkpoint?.label).toBe('bitsandbytes LLM.int8()')
  })
})
