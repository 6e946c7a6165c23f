import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {findGpuPreset, gpuPresets, resolveGpu} from '../src/input/gpus.js'
import {architectureFromHfConfig} from '../src/model/hf-config.js'
import {architectureFromInput} from '../src/model/input.js'
import {paramInventory, sumGroups} from '../src/model/params.js'
import {findModelPreset, modelPresets, modelSuggestion} from '../src/model/presets.js'
import {evaluateBlock} from '../src/output/evaluate.js'
import {run} from './helpers.js'

interface ReferenceModel {
  id: string
  config: Record<string, unknown>
  quantized_checkpoint?: {quantization_config?: Record<string, unknown>}
}
const reference: ReferenceModel[] = JSON.parse(
  readFileSync(new URL('./reference/models.json', import.meta.url), 'utf8'),
).models
const referenceGpus: Array<Record<string, unknown>> = JSON.parse(
  readFileSync(new URL('./reference/gpus.json', import.meta.url), 'utf8'),
).gpus

/** The Hugging Face Hub's exact count: `https://huggingface.co/api/models/<id>`, field `safetensors.total`. */
const hub = (id: string) => `Hugging Face Hub API safetensors.total of ${id}`

/**
 * Published exact parameter counts of the presets added to the catalogue, with
 * what the published figure holds beyond the loaded language model (`extra`,
 * each derived by hand from the config and cited).
 */
const published: Record<
  string,
  {
    value: number
    source: string
    extra?: number
    why?: string
    storedMtp?: boolean
    rounding?: number
  }
> = {
  'meta-llama/Llama-3.2-1B': {
    value: 1_235_814_400,
    source: hub('meta-llama/Llama-3.2-1B-Instruct'),
  },
  'meta-llama/Llama-3.2-3B': {
    value: 3_212_749_824,
    source: hub('meta-llama/Llama-3.2-3B-Instruct'),
  },
  'meta-llama/Llama-3.3-70B-Instruct': {
    value: 70_553_706_496,
    source: hub('meta-llama/Llama-3.3-70B-Instruct'),
  },
  'meta-llama/Llama-4-Scout-17B-16E-Instruct': {
    value: 108_641_793_536,
    source: hub('meta-llama/Llama-4-Scout-17B-16E-Instruct'),
    extra: 871_932_416,
    why: 'the vision encoder: 34-layer ViT (1408/5632, biases) + pixel-shuffle adapter 5632→4096→4096 + projector 4096→5120',
  },
  'meta-llama/Llama-4-Maverick-17B-128E-Instruct': {
    value: 401_583_781_376,
    source:
      'Fireworks billing export (docs.fireworks.ai, "Llama 4 Maverick Basic", parameter count 401583781376)',
    extra: 871_932_416,
    why: 'the same vision encoder as Scout',
  },
  'Qwen/Qwen2.5-0.5B': {value: 494_032_768, source: hub('Qwen/Qwen2.5-0.5B-Instruct')},
  'Qwen/Qwen2.5-1.5B': {value: 1_543_714_304, source: hub('Qwen/Qwen2.5-1.5B-Instruct')},
  'Qwen/Qwen2.5-3B': {value: 3_085_938_688, source: hub('Qwen/Qwen2.5-3B-Instruct')},
  'Qwen/Qwen2.5-14B': {
    value: 14_770_033_664,
    source: 'llama.cpp general.parameter_count / n_params of Qwen2.5-14B-Instruct GGUF files',
  },
  'Qwen/Qwen2.5-32B': {
    value: 32_763_876_352,
    source: 'keras-hub preset qwen2.5_instruct_32b_en "params" (Qwen/Qwen2.5-32B-Instruct)',
  },
  'Qwen/Qwen3-0.6B': {
    value: 751_632_384,
    source: hub('Qwen/Qwen3-0.6B'),
    extra: 151_936 * 1024,
    why: 'the checkpoint stores lm_head.weight although tie_word_embeddings is true (V·d)',
  },
  'Qwen/Qwen3-1.7B': {
    value: 2_031_739_904,
    source: hub('Qwen/Qwen3-1.7B'),
    extra: 151_936 * 2048,
    why: 'the checkpoint stores lm_head.weight although tie_word_embeddings is true (V·d)',
  },
  'Qwen/Qwen3-4B': {value: 4_022_468_096, source: hub('Qwen/Qwen3-4B')},
  'Qwen/Qwen3-14B': {
    value: 14_768_307_200,
    source: 'keras-hub qwen3_14b_en preset "params"; safetensors of Qwen/Qwen3-14B',
  },
  'Qwen/Qwen3-32B': {value: 32_762_123_264, source: hub('Qwen/Qwen3-32B')},
  'Qwen/Qwen3-235B-A22B': {value: 235_093_634_560, source: hub('Qwen/Qwen3-235B-A22B')},
  'google/gemma-3-1b-it': {value: 999_885_952, source: hub('google/gemma-3-1b-it')},
  'google/gemma-3-4b-it': {
    value: 4_300_079_472,
    source: hub('google/gemma-3-4b-it'),
    extra: 416_866_032 + 1152 * 2560 + 1152,
    why: 'SigLIP (27 × 15,239,504 + patch conv 678,528 + positions 4,718,592 + post-LN 2,304) + projector 1152·d + norm 1152',
  },
  'google/gemma-3-12b-it': {
    value: 12_187_325_040,
    source: hub('google/gemma-3-12b-it'),
    extra: 416_866_032 + 1152 * 3840 + 1152,
    why: 'SigLIP + projector, as for 4B',
  },
  'google/gemma-3-27b-it': {
    value: 27_432_406_640,
    source: hub('unsloth/gemma-3-27b-it (re-upload of google/gemma-3-27b-it)'),
    extra: 416_866_032 + 1152 * 5376 + 1152,
    why: 'SigLIP + projector, as for 4B',
  },
  'microsoft/phi-4': {value: 14_659_507_200, source: hub('microsoft/phi-4')},
  'microsoft/Phi-4-mini-instruct': {
    value: 3_836_021_760,
    source: hub('microsoft/Phi-4-mini-instruct'),
  },
  'mistralai/Mistral-7B-v0.3': {value: 7_248_023_552, source: hub('mistralai/Mistral-7B-v0.3')},
  'mistralai/Mistral-Nemo-Base-2407': {
    value: 12_247_782_400,
    source: hub('mistralai/Mistral-Nemo-Instruct-2407'),
  },
  'mistralai/Mistral-Small-24B-Instruct-2501': {
    value: 23_572_403_200,
    source: hub('sarvamai/sarvam-m (a Mistral-Small-24B fine-tune, same shape)'),
  },
  'mistralai/Mixtral-8x22B-v0.1': {
    value: 140_620_634_112,
    source: hub('mistral-community/Mixtral-8x22B-v0.1 (official mirror)'),
  },
  'deepseek-ai/DeepSeek-R1': {
    value: 684_489_845_504,
    source:
      'Hugging Face safetensors metadata of deepseek-ai/DeepSeek-V3 / R1 (BF16-equivalent count)',
    storedMtp: true,
    why: 'the stored MTP layer (num_nextn_predict_layers 1) with its own embed_tokens and shared_head copies; vLLM loads it only for speculative decoding',
  },
  'deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B': {
    value: 1_777_088_000,
    source: 'llama.cpp llama-bench model_n_params of DeepSeek-R1-Distill-Qwen-1.5B',
  },
  'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B': {
    value: 7_615_616_512,
    source: hub('Qwen/Qwen2.5-7B-Instruct (same shape)'),
  },
  'deepseek-ai/DeepSeek-R1-Distill-Qwen-14B': {
    value: 14_770_033_664,
    source: 'ollama show deepseek-r1:14b: "14.77B (14770033664)"',
  },
  'deepseek-ai/DeepSeek-R1-Distill-Qwen-32B': {
    value: 32_763_876_352,
    source: 'keras-hub preset qwen2.5_instruct_32b_en "params" (Qwen2.5-32B, the same shape)',
  },
  'deepseek-ai/DeepSeek-R1-Distill-Llama-8B': {
    value: 8_030_261_248,
    source: hub('meta-llama/Llama-3.1-8B (same shape)'),
  },
  'deepseek-ai/DeepSeek-R1-Distill-Llama-70B': {
    value: 70_553_706_496,
    source: hub('meta-llama/Llama-3.1-70B (same shape)'),
  },
  'deepseek-ai/DeepSeek-V2-Lite': {
    value: 15_706_484_224,
    source: 'DeepSeek-V2-Lite served by transformers: "with 15706484224 (2.7B effect.) parameters"',
  },
  'moonshotai/Kimi-K2-Instruct': {
    value: 1_026_408_235_864,
    source: hub('moonshotai/Kimi-K2-Instruct'),
  },
  'zai-org/GLM-4.5': {
    value: 358_337_791_296,
    source: 'Hugging Face safetensors metadata of zai-org/GLM-4.5',
    storedMtp: true,
    why: 'the stored MTP layer 92 with its embed_tokens and shared_head copies',
  },
  'zai-org/GLM-4.5-Air': {
    value: 110_468_824_832,
    source:
      'Hugging Face safetensors metadata of zai-org/GLM-4.5-Air (PrimeIntellect/INTELLECT-3, saved without MTP: 106,852,251,264)',
    storedMtp: true,
    why: 'the stored MTP layer 46 with its embed_tokens and shared_head copies',
  },
  'HuggingFaceTB/SmolLM2-1.7B': {
    value: 1_711_376_384,
    source: hub('HuggingFaceTB/SmolLM2-1.7B-Instruct'),
  },
  'HuggingFaceTB/SmolLM2-360M': {
    value: 361_821_120,
    source: hub('HuggingFaceTB/SmolLM2-360M-Instruct'),
  },
  'HuggingFaceTB/SmolLM3-3B': {value: 3_075_098_624, source: hub('HuggingFaceTB/SmolLM3-3B')},
  'allenai/OLMo-2-1124-7B': {value: 7_298_617_344, source: hub('allenai/OLMo-2-1124-7B')},
  'allenai/OLMo-2-1124-13B': {value: 13_716_198_400, source: hub('allenai/OLMo-2-1124-13B')},
  'allenai/OLMo-2-0325-32B': {
    value: 32_234_279_936,
    source:
      'OLMo 2 32B parameter count used with the OLMo 2 paper (arXiv 2501.00656) compute figures',
  },
  'tiiuae/Falcon3-7B-Base': {
    value: 7_460_000_000,
    rounding: 5_000_000,
    source:
      'Hugging Face model page of tiiuae/Falcon3-7B-Base: "7.46B params" (no exact count found)',
  },
}

/** Published counts that carry a residual we could not attribute (parameters). */
const unexplained: Record<string, number> = {
  // 56 per layer × 61 layers: not a tensor of DeepseekV3 we know; 3e-9 relative.
  'moonshotai/Kimi-K2-Instruct': 3416,
}

describe('model catalogue', () => {
  it('every preset builds, names its source, and answers to each of its names', () => {
    for (const preset of modelPresets) {
      expect(preset.source, preset.id).toMatch(/huggingface\.co\/.+config\.json/)
      const read = architectureFromInput(preset.short, ['model'])
      expect(read.architecture, preset.id).toBeDefined()
      for (const name of [preset.id, preset.short, ...preset.aliases]) {
        expect(findModelPreset(name.toUpperCase())?.id, name).toBe(preset.id)
      }
    }
  })

  const added = reference.filter((model) => published[model.id] !== undefined)

  it('has a preset with a published count for every added model of the reference', () => {
    const countable = reference.filter(
      (model) =>
        (model as {computed_params?: unknown}).computed_params === undefined &&
        !['Qwen/Qwen3-Next-80B-A3B-Instruct', 'nvidia/Nemotron-H-56B-Base-8K'].includes(model.id) &&
        model.id !== 'meta-llama/Llama-3.1-405B-Instruct-FP8' && // the 405B's count, tested there
        model.id !== 'Qwen/Qwen3-Coder-480B-A35B-Instruct',
    )
    for (const model of countable) expect(published[model.id], model.id).toBeDefined()
  })

  for (const model of added) {
    const entry = published[model.id] as (typeof published)[string]
    it(`${model.id}: bundles its config and counts ${entry.value} (${entry.source})`, () => {
      const preset = findModelPreset(model.id)
      expect(preset?.config).toEqual(model.config)
      const architecture = architectureFromInput(model.id, ['model']).architecture
      if (!architecture) throw new Error('no architecture')
      const inventory = paramInventory(architecture)
      expect(sumGroups(inventory)).toBe(inventory.total)
      let extra = entry.extra ?? 0
      if (entry.storedMtp) {
        // The checkpoint's MTP module (counted by the engine with `mtp: true`) plus its
        // stored copies of the embedding and the LM head.
        const withMtp = paramInventory({...architecture, includeMtp: true}).total
        extra =
          withMtp - inventory.total + 2 * (architecture.vocab ?? 0) * (architecture.hidden ?? 0)
      }
      const residual = entry.value - inventory.total - extra
      expect(Math.abs(residual), entry.why ?? 'no extra').toBeLessThanOrEqual(
        entry.rounding ?? unexplained[model.id] ?? 0,
      )
    })
  }

  it('Qwen3-Coder-480B-A35B: the FP8 checkpoint with its 128×128 scales is the published total', () => {
    // Hugging Face safetensors metadata of Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8: 480,184,064,000.
    const result = run({model: 'Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8', seq: 1024})
    const inventory = paramInventory(result.scenario.model)
    const fp8 = sumGroups(
      inventory,
      (g) => g.shape !== undefined && ['attention', 'expert', 'mlp'].includes(g.family),
    )
    expect(inventory.total + fp8 / (128 * 128)).toBe(480_184_064_000)
    expect(result.perDevice.weights).toBe(fp8 + 2 * (inventory.total - fp8) + (4 * fp8) / 16384)
    expect(findModelPreset('qwen3-coder-480b-a35b')?.config).toEqual(
      reference.find((model) => model.id === 'Qwen/Qwen3-Coder-480B-A35B-Instruct')?.config,
    )
  })

  it('Qwen3-235B-A22B-FP8 computes the checkpoint as shipped', () => {
    // HF total incl. fp32 block scales of Qwen/Qwen3-235B-A22B-Instruct-2507-FP8: 235,107,904,512.
    const result = run({model: 'Qwen/Qwen3-235B-A22B-FP8', seq: 1024})
    const inventory = paramInventory(result.scenario.model)
    const fp8 = sumGroups(
      inventory,
      (g) => g.shape !== undefined && ['attention', 'expert', 'mlp'].includes(g.family),
    )
    const scales = fp8 / (128 * 128)
    expect(inventory.total + scales).toBe(235_107_904_512)
    expect(result.perDevice.weights).toBe(fp8 + 2 * (inventory.total - fp8) + 4 * scales)
    expect(result.scenario.quantize).toBe('linear')
    // An explicit dtype overrides the checkpoint.
    expect(run({model: 'Qwen/Qwen3-235B-A22B-FP8', dtype: 'bf16'}).perDevice.weights).toBe(
      2 * inventory.total,
    )
  })

  it('Llama 3.1 405B FP8 (fbgemm row-wise) weighs its modules as the card describes them', () => {
    const preset = findModelPreset('meta-llama/Llama-3.1-405B-Instruct-FP8')
    expect(preset?.config).toEqual(
      reference.find((model) => model.id === 'meta-llama/Llama-3.1-405B-Instruct-FP8')?.config,
    )
    // Hand derivation: the MLPs of layers 1–124 in FP8 (1 byte) with one fp32 scale per
    // output row; everything else (attention, layers 0/125 MLPs, embeddings, LM head) BF16.
    const h = 16384
    const ffn = 53248
    const fp8 = 124 * 3 * h * ffn
    const scales = 124 * (2 * ffn + h) * 4
    const total = 405_853_388_800 // Hub API safetensors.total of meta-llama/Llama-3.1-405B
    expect(fp8 + 2 * (total - fp8) + scales).toBe(487_229_259_776)
    expect(run({model: 'llama-3.1-405b-fp8'}).perDevice.weights).toBe(487_229_259_776)
  })

  it('DeepSeek-V3 and Kimi K2 default to their FP8 checkpoints, gpt-oss to MXFP4 experts', () => {
    expect(run({model: 'deepseek-v3'}).scenario.dtype.name).toBe('fp8')
    expect(run({model: 'kimi-k2'}).scenario.quantize).toBe('linear')
    const oss = run({model: 'gpt-oss-120b'})
    expect(oss.scenario).toMatchObject({quantize: 'experts', dtype: {name: 'mxfp4'}})
    // The KV cache stays 16-bit: FP8 weights do not make an FP8 cache.
    expect(run({model: 'deepseek-v3'}).scenario.kvDtype.bits).toBe(16)
  })

  it('reads AWQ and GPTQ group sizes, and warns about formats it does not read', () => {
    const base = findModelPreset('qwen2.5-7b')?.config as Record<string, unknown>
    const awq = architectureFromHfConfig(
      {...base, quantization_config: {quant_method: 'awq', bits: 4, group_size: 128}},
      'awq',
    ).architecture
    // AutoAWQ GEMM: int4 weights + one fp16 scale and one 4-bit zero per group of 128.
    expect(awq?.checkpoint).toMatchObject({scope: 'linear', groupSize: 128})
    expect(awq?.checkpoint?.dtype.bits).toBe(4 + 20 / 128)
    const gptq = architectureFromHfConfig(
      {...base, quantization_config: {quant_method: 'gptq', bits: 8, group_size: 32}},
      'gptq',
    ).architecture
    expect(gptq?.checkpoint?.dtype.bits).toBe(8 + 24 / 32)
    const other = architectureFromHfConfig(
      {...base, quantization_config: {quant_method: 'compressed-tensors'}},
      'ct',
    )
    expect(other.diagnostics[0]).toMatchObject({ruleId: 'unsupported-model', severity: 'warning'})
  })

  it('resolves base, -Instruct, -it and -chat ids, case-insensitively', () => {
    expect(findModelPreset('Qwen/Qwen2.5-7B-Instruct')?.id).toBe('Qwen/Qwen2.5-7B')
    expect(findModelPreset('QWEN/QWEN2.5-14B-INSTRUCT')?.id).toBe('Qwen/Qwen2.5-14B')
    expect(findModelPreset('google/gemma-3-27b-pt')?.id).toBe('google/gemma-3-27b-it')
    expect(findModelPreset('deepseek-ai/DeepSeek-V2-Lite-Chat')?.short).toBe('deepseek-v2-lite')
    expect(findModelPreset('meta-llama/Llama-3.2-3B-Instruct')?.short).toBe('llama-3.2-3b')
    expect(findModelPreset('https://huggingface.co/microsoft/phi-4')?.short).toBe('phi-4')
    expect(findModelPreset('qwen2.5-14b')).toBeDefined()
  })

  it('reads the language model of a nested config and says the vision encoder is left out', () => {
    const result = run({model: 'gemma-3-4b', seq: 1024})
    // Gemma3TextConfig defaults the 4B omits: 8 heads / 4 KV heads of 256, vocab 262,208.
    expect(result.scenario.model).toMatchObject({heads: 8, kvHeads: 4, headDim: 256, vocab: 262208})
    expect(result.scenario.model.name).toBe('Gemma 3 4B, text only (vision encoder not counted)')
    // A top-level override applies to the language model.
    const smaller = run({model: {extends: 'gemma-3-4b', num_hidden_layers: 17}})
    expect(smaller.scenario.model.layers).toBe(17)
  })

  it('reads a Mistral 3 config (Mistral Small 3.2: text_config + Pixtral) for its language model', () => {
    const text = findModelPreset('mistral-small-24b')?.config as Record<string, unknown>
    const read = architectureFromHfConfig(
      {
        architectures: ['Mistral3ForConditionalGeneration'],
        model_type: 'mistral3',
        text_config: {...text, architectures: undefined},
        vision_config: {model_type: 'pixtral', hidden_size: 1024, num_hidden_layers: 24},
      },
      'mistralai/Mistral-Small-3.2-24B-Instruct-2506',
    )
    if (!read.architecture) throw new Error('no architecture')
    // HF safetensors total of Mistral-Small-3.2-24B-Instruct-2506: 24,011,361,280 =
    // the language model + Pixtral (403,305,472) + projector (35,652,608).
    expect(paramInventory(read.architecture).total).toBe(24_011_361_280 - 403_305_472 - 35_652_608)
    expect(read.architecture.visionOmitted).toBe('pixtral')
  })

  it('`vision: true` counts the vision encoder: the Hub totals of the multimodal checkpoints', () => {
    const withVision = (model: string) => {
      const read = architectureFromInput({extends: model, vision: true}, ['model'])
      if (!read.architecture) throw new Error(JSON.stringify(read.diagnostics))
      return read.architecture
    }
    // Hub API safetensors.total of each checkpoint (the published figures above).
    expect(paramInventory(withVision('gemma-3-4b')).total).toBe(4_300_079_472)
    expect(paramInventory(withVision('gemma-3-12b')).total).toBe(12_187_325_040)
    expect(paramInventory(withVision('gemma-3-27b')).total).toBe(27_432_406_640)
    expect(paramInventory(withVision('llama-4-scout')).total).toBe(108_641_793_536)
    expect(paramInventory(withVision('llama-4-maverick')).total).toBe(401_583_781_376)
    expect(withVision('gemma-3-4b').name).toBe('Gemma 3 4B with its vision encoder')
    const text = findModelPreset('mistral-small-24b')?.config as Record<string, unknown>
    const mistral3 = architectureFromInput(
      {
        model_type: 'mistral3',
        text_config: text,
        vision_config: {
          model_type: 'pixtral',
          hidden_size: 1024,
          intermediate_size: 4096,
          num_hidden_layers: 24,
          patch_size: 14,
        },
        vision: true,
      },
      ['model'],
    ).architecture
    // Mistral-Small-3.2-24B-Instruct-2506: 24,011,361,280 (Hugging Face safetensors metadata).
    expect(mistral3 && paramInventory(mistral3).total).toBe(24_011_361_280)
    // A text-only config has nothing to add.
    expect(
      architectureFromInput({extends: 'llama-2-7b', vision: true}, ['model']).diagnostics[0],
    ).toMatchObject({
      ruleId: 'invalid-value',
    })
  })

  it('counts the hybrids it reads (hybrid.test.ts), refuses state-space models', () => {
    for (const id of ['Qwen/Qwen3-Next-80B-A3B-Instruct', 'nvidia/Nemotron-H-56B-Base-8K']) {
      // Presets with their verbatim configs; the exact counts are tested in hybrid.test.ts.
      expect(findModelPreset(id)?.config).toEqual(
        reference.find((model) => model.id === id)?.config,
      )
      const named = evaluateBlock({model: id, seq: 1})
      expect(named.diagnostics, id).toEqual([])
      expect(named.block?.result?.scenario.model.hybrid, id).toBeDefined()
    }
    const mamba = architectureFromHfConfig(
      {model_type: 'mamba2', hidden_size: 2560, num_hidden_layers: 64, vocab_size: 50288},
      'mamba',
    )
    expect(mamba.diagnostics[0]?.message).toContain('Mamba-2 is a state-space model')
  })
})

describe('model suggestions', () => {
  it('never suggests another size', () => {
    expect(modelSuggestion('qwen2.5-15b')).toMatch(
      /^the catalogue has Qwen2\.5 only in 0\.5B, 1\.5B, 3B, 7B, 14B, 32B, 72B/,
    )
    expect(modelSuggestion('llama-2-99b')).toContain('only in 7B, 13B, 70B')
    expect(modelSuggestion('gpt-oss-70b')).toContain('gpt-oss only in 20b, 120b')
    expect(modelSuggestion('llama-2-7')).toBe('did you mean `llama-2-7b`?')
    expect(modelSuggestion('Qwen/Qwen2.5-14B-Instruct-AWQ')).toBe(
      'did you mean `qwen2.5-14b`? (this preset is the original checkpoint: set `dtype` to the quantized format)',
    )
  })
  it('says plainly when the family is not in the catalogue', () => {
    expect(modelSuggestion('falcon-180b')).toContain('the catalogue has no such model')
    expect(modelSuggestion('falcon-180b')).toContain('model: {config: ./config.json}')
  })
  it('answers at once for a 10 MB value', () => {
    const huge = 'q'.repeat(10_000_000)
    const started = performance.now()
    const {diagnostics} = evaluateBlock({model: huge, gpu: huge, dtype: huge})
    expect(performance.now() - started).toBeLessThan(2000)
    expect(diagnostics.map((d) => d.ruleId).sort()).toEqual([
      'invalid-value',
      'unknown-gpu',
      'unknown-model',
    ])
    for (const entry of diagnostics) expect(entry.message.length).toBeLessThan(300)
  })
})

describe('GPU catalogue', () => {
  const MiB = 2 ** 20
  it('each card reports the driver total of its reference entry', () => {
    const byId = new Map(
      referenceGpus
        .filter((g) => typeof g.preset_id_suggested === 'string')
        .map((g) => [g.preset_id_suggested as string, g]),
    )
    // The first entries of the reference predate its preset ids: matched by name.
    const byName: Record<string, string> = {
      'h100-sxm-80gb': 'NVIDIA H100 SXM5 80GB',
      'h100-pcie-80gb': 'NVIDIA H100 PCIe 80GB',
      'h200-141gb': 'NVIDIA H200 (SXM) 141GB',
      'b200-180gb': 'NVIDIA B200',
      'a100-80gb': 'NVIDIA A100 SXM4/PCIe 80GB',
      'a100-40gb': 'NVIDIA A100 SXM4/PCIe 40GB',
      l40s: 'NVIDIA L40S',
      'rtx-4090': 'NVIDIA GeForce RTX 4090',
      'rtx-3090': 'NVIDIA GeForce RTX 3090',
      a10g: 'NVIDIA A10G',
      l4: 'NVIDIA L4',
      t4: 'NVIDIA Tesla T4',
      'v100-16gb': 'NVIDIA Tesla V100 16GB',
      'v100-32gb': 'NVIDIA Tesla V100 32GB',
    }
    for (const [id, name] of Object.entries(byName)) {
      const entry = referenceGpus.find(
        (g) => g.name === name || (g.name as string).startsWith(`${name} `),
      )
      if (entry) byId.set(id, entry)
    }
    let checked = 0
    for (const gpu of gpuPresets) {
      const entry = byId.get(gpu.id)
      if (!entry) continue
      const mib = (entry.nvidia_smi_total_MiB ?? entry.driver_total_MiB) as number
      if (gpu.id === 'mi300x') continue // the preset keeps 192 GiB; rocm-smi shows up to 0.2 % less
      if (gpu.id === 'l20') {
        // Reference row shows ECC off (49,140 MiB); datacenter default ECC on = L40S's 46,068 MiB.
        expect(gpu.capacity).toBe(46068 * MiB)
        continue
      }
      expect(gpu.capacity, gpu.id).toBe(mib * MiB)
      checked++
    }
    expect(checked).toBe(gpuPresets.filter((gpu) => byId.has(gpu.id)).length - 2)
    expect(checked).toBeGreaterThanOrEqual(33)
    expect(findGpuPreset('h100')?.capacity).toBe(81559 * MiB)
    expect(findGpuPreset('a100-80gb')?.capacity).toBe(81920 * MiB)
    expect(findGpuPreset('t4')?.capacity).toBe(15360 * MiB)
    // reference/gpus.json (A10G row): Modal lists the A10 (not G) with the same 23028MiB.
    expect(findGpuPreset('a10')).toMatchObject({name: 'A10', capacity: 23028 * MiB})
    expect(findGpuPreset('a10g')?.name).toBe('A10G')
  })
  it('carries the CUDA-visible total where a log shows it', () => {
    // JAX device_total_bytes for an H100 80GB HBM3: 81,105 MiB = 81,559 − 454 reserved.
    const h100 = referenceGpus.find((g) => (g.name as string).startsWith('NVIDIA H100 SXM5'))
    expect(h100?.cuda_visible_total_bytes_observed).toEqual([85_045_870_592])
    expect(findGpuPreset('h100-sxm-80gb')?.cudaTotalBytes).toBe(85_045_870_592)
    expect(resolveGpu('h100').gpu?.cudaTotalBytes).toBe(85_045_870_592)
  })
  it('treats Apple silicon as unified memory with Metal’s default wired share', () => {
    const mac = run({model: 'llama-3.1-8b', gpu: 'm2-max-64gb', seq: 1024})
    expect(mac.scenario.gpu?.capacity).toBe(64 * 2 ** 30)
    // recommendedMaxWorkingSetSize = 51,539.61 MB on a 64 GB M2 Max (llama.cpp log) = 0.75 × 64 GiB.
    expect(mac.scenario.usable * 64 * 2 ** 30).toBe(51_539_607_552)
    expect(run({model: 'llama-3.1-8b', gpu: 'm2-max-64gb', usable: 0.9}).scenario.usable).toBe(0.9)
  })
  it('resolves a bare number only when it names a card', () => {
    expect(resolveGpu(4090).gpu?.id).toBe('rtx-4090')
    expect(resolveGpu(5090).gpu?.id).toBe('rtx-5090')
    const bare = resolveGpu(80)
    expect(bare.gpu).toBeUndefined()
    expect(bare).toMatchObject({suggestion: expect.stringContaining('`gpu: 80 GB`')})
    const {diagnostics} = evaluateBlock({model: 'llama-2-7b', gpu: 80})
    expect(diagnostics[0]).toMatchObject({ruleId: 'unknown-gpu', path: ['gpu']})
  })
  it('suggests only the same card', () => {
    expect(findGpuPreset('rtx-5090')?.id).toBe('rtx-5090')
    expect(findGpuPreset('H20')?.id).toBe('h20')
    expect(findGpuPreset('NVIDIA GeForce RTX 4090')?.id).toBe('rtx-4090')
    expect(resolveGpu('rtx-5060').suggestion ?? '').not.toContain('4090')
    expect(resolveGpu('rtx-5060').suggestion).not.toMatch(/did you mean/)
    expect(resolveGpu('h100-sxm').gpu?.id).toBe('h100-sxm-80gb')
    expect(resolveGpu('a100-sxm4-80gb').suggestion).toBe('did you mean `a100-80gb`?')
    expect(resolveGpu('a100-16gb').suggestion).toContain('for another memory size')
    expect(resolveGpu('h10').suggestion).not.toMatch(/h100|h20/)
  })
})
