import {describe, expect, it} from 'vitest'
import {ggmlBits, ggufWeights} from '../src/model/gguf.js'
import {architectureFromInput} from '../src/model/input.js'
import {paramInventory} from '../src/model/params.js'
import {evaluateBlock} from '../src/output/evaluate.js'
import {run} from './helpers.js'

function weights(model: string, ftype: Parameters<typeof ggufWeights>[2]) {
  const architecture = architectureFromInput(model, ['model']).architecture
  if (!architecture) throw new Error(model)
  return ggufWeights(architecture, paramInventory(architecture), ftype)
}

describe('ggml block types', () => {
  it('match ggml-common.h block sizes', () => {
    // block_q4_K: 2 fp16 + 12 scale bytes + 128 quant bytes per 256 weights.
    expect(ggmlBits('q4_k')).toBe(4.5)
    expect(ggmlBits('q6_k')).toBe(6.5625)
    expect(ggmlBits('q8_0')).toBe(8.5)
    expect(ggmlBits('q2_k')).toBe(2.625)
    expect(ggmlBits('iq4_xs')).toBe(4.25)
  })
})

describe('llama.cpp mixes against published GGUF files', () => {
  // Published files hold the tensor data plus a header (metadata and tokenizer):
  // 0.7 MB for a 32K vocabulary, 6–8 MB for 128K–152K.
  const files = [
    {
      model: 'llama-2-7b',
      ftype: 'q4_k_m' as const,
      bytes: 4_081_004_224,
      source: 'TheBloke/Llama-2-7B-Chat-GGUF llama-2-7b-chat.Q4_K_M.gguf (Hub tree API lfs size)',
    },
    {
      model: 'llama-2-7b',
      ftype: 'q8_0' as const,
      bytes: 7_161_089_728,
      source: 'TheBloke/Llama-2-7B-Chat-GGUF llama-2-7b-chat.Q8_0.gguf (Hub tree API lfs size)',
    },
    {
      model: 'llama-3.1-8b',
      ftype: 'q4_k_m' as const,
      bytes: 4_920_734_016,
      source: 'Ollama llama3.1:8b (Q4_K_M) model blob size',
    },
    {
      // A MoE mix: 3-D expert tensors, ffn_down_exps by the layer in their name.
      model: 'qwen3-30b-a3b',
      ftype: 'q4_k_m' as const,
      bytes: 18_556_685_824,
      source: 'Qwen/Qwen3-30B-A3B-GGUF@dae61f0 Qwen3-30B-A3B-Q4_K_M.gguf',
    },
  ]
  for (const file of files) {
    it(`${file.model} ${file.ftype}: within 3 % of ${file.bytes} B (${file.source})`, () => {
      const computed = weights(file.model, file.ftype).bytes
      expect(Math.abs(computed / file.bytes - 1)).toBeLessThan(0.03)
      // The header is all that is missing: the tensor data is never larger than the file.
      expect(computed).toBeLessThan(file.bytes)
      expect(file.bytes - computed).toBeLessThan(8_000_000)
    })
  }

  it('reproduces the tensor data of a Qwen2.5-14B Q4_K_M exactly', () => {
    // llama-server /v1/models meta of Qwen2.5-14B-Instruct Q4_K_M: n_params 14770033664,
    // size (tensor bytes) 8982142976, ftype "Q4_K - Medium".
    const mix = weights('qwen2.5-14b', 'q4_k_m')
    expect(mix.params).toBe(14_770_033_664)
    expect(mix.bytes).toBe(8_982_142_976)
  })

  it('Q4_K_M keeps output, half of attn_v and ffn_down in Q6_K', () => {
    const mix = weights('llama-2-7b', 'q4_k_m')
    // use_more_bits over 32 layers: layers 0–3, 28–31 and every third between = 16 layers.
    const perLayerV = 4096 * 4096
    const perLayerDown = 4096 * 11008
    expect(mix.byType.q6_k).toBe(32000 * 4096 + 16 * (perLayerV + perLayerDown))
  })
})

describe('IQ mixes against published GGUF files', () => {
  // bartowski's Llama-3.1-Nemotron-70B-Instruct-HF GGUF files (Llama 3.1 70B's shape), sizes in GB
  // as its model card lists them (quoted by https://ozeki.chat/p_8590-understanding-ai-model-files.html).
  // The IQ mixes follow llama_tensor_get_type_impl (llama.cpp@007dbbf src/llama-quant.cpp).
  const files: Array<[Parameters<typeof ggufWeights>[2], number, number]> = [
    ['q8_0', 74.98, 0.001],
    ['q6_k', 57.89, 0.001],
    ['q5_k_m', 49.95, 0.001],
    ['q3_k_m', 34.27, 0.001],
    ['iq3_m', 31.94, 0.001],
    // Made with an importance matrix, which keeps the first eighth of ffn_down in IQ4_XS;
    // without one (what a `dtype: iq4_xs` block counts) llama-quantize raises them to Q5_K.
    ['iq4_xs', 37.9, 0.01],
  ]
  for (const [ftype, gb, tolerance] of files)
    it(`llama-3.1-70b ${ftype}: ${gb} GB`, () => {
      const computed = weights('llama-3.1-70b', ftype).bytes / 1e9
      expect(Math.abs(computed / gb - 1)).toBeLessThan(tolerance)
    })

  it('1- and 2-bit mixes keep attn_v, the first ffn_down and the output wider', () => {
    // Llama 3.1 8B (GQA 4): attn_v Q4_K, output Q5_K, token_embd Q2_K (IQ2_XXS), ffn_down of
    // the first 4 of 32 layers Q2_K; the rest IQ2_XXS.
    const mix = weights('llama-3.1-8b', 'iq2_xxs')
    expect(mix.byType.q5_k).toBe(128256 * 4096)
    expect(mix.byType.q4_k).toBe(32 * 1024 * 4096)
    expect(mix.byType.q2_k).toBe(128256 * 4096 + 4 * 4096 * 14336)
  })
})

describe('GGUF types as dtype', () => {
  it('weights of `dtype: Q4_K_M` follow the mix of the model', () => {
    const result = run({model: 'llama-3.1-8b', dtype: 'Q4_K_M', seq: 1024})
    expect(result.perDevice.weights).toBe(weights('llama-3.1-8b', 'q4_k_m').bytes)
    expect(result.scenario.dtype.name).toBe('q4_k_m')
    // The KV cache stays 16-bit (llama.cpp's default f16 cache).
    expect(result.scenario.kvDtype.bits).toBe(16)
  })
  it('a params-only model takes the main type of the mix', () => {
    const result = run({model: {params: '7B'}, dtype: 'q4_k_m', show: []})
    expect(result.perDevice.weights).toBe((7e9 * 4.5) / 8)
  })
  it('suggests the GGUF spelling', () => {
    const {diagnostics} = evaluateBlock({model: 'llama-2-7b', dtype: 'q4km'})
    expect(diagnostics[0]?.suggestion).toBe('did you mean `q4_k_m`?')
  })
})

describe('GGUF sources', () => {
  it('cites llama.cpp for a GGUF dtype’s weights', () => {
    const result = run({model: 'llama-3.1-8b', dtype: 'iq3_m', show: []})
    expect(result.components.find((entry) => entry.key === 'weights')?.source.short).toBe(
      'llama.cpp',
    )
  })
})
