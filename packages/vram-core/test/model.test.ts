import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import type {
  Architecture,
  LayerKind,
  ParamGroup,
  ParamInventory,
} from '../src/model/architecture.js'
import {formatCount, parseCount} from '../src/model/count.js'
import {architectureFromHfConfig} from '../src/model/hf-config.js'
import {architectureFromInput} from '../src/model/input.js'
import {paramInventory, sumGroups} from '../src/model/params.js'
import {findModelPreset, modelPresets} from '../src/model/presets.js'

interface PublishedParams {
  value: number
  label: string
  computed_compared: number
  rel_diff: number
}
interface ModelRecord {
  id: string
  config: Record<string, unknown>
  computed_params: Record<string, number>
  published_params: PublishedParams[]
  active_params_check?: {computed_active: number}
  kv_cache_bytes_per_token_16bit?: number
}

// The model reference: each model's config.json and its published parameter
// counts, with where each was read (model cards, Hugging Face safetensors
// metadata, vendors' repositories). Entries dated 2026-11-30 carry configs only.
const models: ModelRecord[] = JSON.parse(
  readFileSync(new URL('./reference/models.json', import.meta.url), 'utf8'),
).models.filter((model: Partial<ModelRecord>) => model.computed_params !== undefined)

function build(value: unknown, options = {}): Architecture {
  const result = architectureFromInput(value, ['model'], options)
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  if (!result.architecture) throw new Error('no architecture')
  return result.architecture
}

function errors(value: unknown, options = {}) {
  const result = architectureFromInput(value, ['model'], options)
  expect(result.architecture).toBeUndefined()
  return result.diagnostics
}

/** Elements of one layer of `kind` (groups placed in every layer of that kind). */
function perLayer(
  inventory: ParamInventory,
  kind: LayerKind,
  filter: (group: ParamGroup) => boolean = () => true,
): number {
  return inventory.groups
    .filter((g) => g.placement === 'layer' && (g.layerKind === 'all' || g.layerKind === kind))
    .filter(filter)
    .reduce((sum, g) => sum + g.elements * g.count, 0)
}

/** The first number of a published label: `6.74` of `6.74B params`, `8,324,201,984`. */
function leadingNumber(label: string): string {
  return /\d[\d,]*(?:\.\d+)?/.exec(label)?.[0] ?? ''
}

/**
 * Half a unit of the label's last digit, in parameters: a count rounded to the
 * label lies within it. `6.74B` → 0.005 × 10⁹; `70B` → 0.5 × 10⁹; a number
 * written out with digit groups is exact (½).
 */
function roundingOf(label: string): number {
  const number = leadingNumber(label)
  const decimals = number.split('.')[1]?.length ?? 0
  const scale = number.includes(',') ? 1 : 1e9
  return (0.5 * scale) / 10 ** decimals
}

/**
 * Published figures that are not roundings of the exact count, and why (see
 * each entry's `why_different` in reference/models.json). Expected failures:
 * the check fails today and the test turns red if the count ever agrees.
 */
const knownGaps: Record<string, string> = {
  'meta-llama/Llama-2-70b-hf 70':
    'a nominal size; the checkpoint holds 68.98B (GQA shrinks k/v), Hugging Face shows 69B',
  'meta-llama/Llama-3.1-70B 70': 'a nominal size; the checkpoint holds 70.55B',
  'meta-llama/Llama-3.1-405B 405': 'a nominal size; the checkpoint holds 405.85B',
  'Qwen/Qwen2.5-7B 7.61':
    'the model card truncates: 7,615,616,512 (the safetensors total) rounds to 7.62B',
  'mistralai/Mistral-7B-v0.1 7.3':
    'the announcement’s figure; the checkpoint holds 7,241,732,096 (Hugging Face: 7.24B)',
  'deepseek-ai/DeepSeek-V3 685':
    'the Hub’s size also counts the FP8 scale tensors (684.49B without them)',
  'deepseek-ai/DeepSeek-V3 11.5':
    'the README counts the MTP transformer layer alone; with eh_proj and its norms it is 11.61B',
}

const DEEPSEEK_MTP_UNIQUE = 11_610_068_224
const DEEPSEEK_EMBEDDING = 926_679_040

describe('presets against models.json', () => {
  it('covers every model of the reference', () => {
    expect(models).toHaveLength(17)
    const ids = new Set(modelPresets.map((p) => p.id))
    for (const model of models) expect(ids.has(model.id), model.id).toBe(true)
  })

  for (const model of models) {
    describe(model.id, () => {
      const cp = model.computed_params
      const preset = findModelPreset(model.id)
      const arch = build(model.id)
      const inventory = paramInventory(arch)
      const kind: LayerKind = inventory.moeLayers > 0 ? 'moe' : 'all'

      it('bundles the config.json verbatim', () => {
        expect(preset?.config).toEqual(model.config)
      })

      it('counts the exact total', () => {
        expect(inventory.total).toBe(cp.total_used_for_comparison)
        expect(inventory.denseLayers + inventory.moeLayers).toBe(arch.layers)
        expect(sumGroups(inventory)).toBe(inventory.total)
      })

      it('counts the active parameters', () => {
        const expected = model.active_params_check?.computed_active ?? cp.active ?? cp.active_main
        if (expected !== undefined) expect(inventory.active).toBe(expected)
        else expect(inventory.active).toBe(inventory.total)
      })

      it('matches the per-component figures', () => {
        const named = (prefix: string) => (g: ParamGroup) => g.name.startsWith(prefix)
        expect(sumGroups(inventory, (g) => g.family === 'embedding')).toBe(cp.embedding)
        expect(sumGroups(inventory, (g) => g.family === 'lm_head')).toBe(cp.lm_head)
        if (cp.attn_per_layer !== undefined) {
          expect(perLayer(inventory, kind, named('attn.'))).toBe(cp.attn_per_layer)
        }
        if (cp.mlp_per_layer !== undefined) {
          expect(perLayer(inventory, kind, named('mlp.'))).toBe(cp.mlp_per_layer)
        }
        if (cp.per_layer !== undefined) expect(perLayer(inventory, kind)).toBe(cp.per_layer)
        if (cp.dense_layer !== undefined) expect(perLayer(inventory, 'dense')).toBe(cp.dense_layer)
        if (cp.moe_layer !== undefined) expect(perLayer(inventory, 'moe')).toBe(cp.moe_layer)
        if (cp.expert_params_total !== undefined) {
          expect(sumGroups(inventory, (g) => g.family === 'expert')).toBe(cp.expert_params_total)
        }
        if (cp.attn_total !== undefined) {
          expect(sumGroups(inventory, named('attn.'))).toBe(cp.attn_total)
        }
        if (cp.mlp_total !== undefined) {
          expect(
            sumGroups(inventory, (g) =>
              ['mlp', 'router', 'expert', 'shared_expert'].includes(g.family),
            ),
          ).toBe(cp.mlp_total)
        }
        if (cp.non_embedding !== undefined) {
          expect(inventory.total - (cp.embedding ?? 0) - (cp.lm_head ?? 0)).toBe(cp.non_embedding)
        }
      })

      // A published figure is a rounding of the exact count (`6.74B` is 6.735 to 6.745
      // billion; `8,324,201,984` is exact), unless it is listed as a known gap.
      for (const published of model.published_params) {
        const gap = knownGaps[`${model.id} ${leadingNumber(published.label)}`]
        const title = `is within the rounding of the published ${published.label}`
        const check = () => {
          // DeepSeek-V3 also publishes the MTP module and the HF checkpoint size (MTP with its
          // stored copies of the embedding and head).
          const withMtp = paramInventory({...arch, includeMtp: true})
          const ours: Record<number, number> = {
            [cp.total_used_for_comparison as number]: inventory.total,
            [DEEPSEEK_MTP_UNIQUE]: withMtp.total - inventory.total,
            684489845504: withMtp.total + 2 * DEEPSEEK_EMBEDDING,
          }
          const computed = ours[published.computed_compared] as number
          expect(computed, published.label).toBe(published.computed_compared)
          expect(Math.abs(computed - published.value), published.label).toBeLessThanOrEqual(
            roundingOf(published.label),
          )
        }
        if (gap) it.fails(`${title} (known gap: ${gap})`, check)
        else it(title, check)
      }

      it('gives the KV cache shape of the reference', () => {
        const bytes = model.kv_cache_bytes_per_token_16bit
        if (bytes === undefined) return
        const layers = arch.layers as number
        const perToken = arch.mla
          ? layers * (arch.mla.kvLoraRank + arch.mla.qkRopeHeadDim) * 2
          : 2 * layers * (arch.kvHeads as number) * (arch.headDim as number) * 2
        expect(perToken).toBe(bytes)
      })

      it('builds the same architecture from the raw HF config', () => {
        const fromHf = architectureFromHfConfig(model.config, model.id, preset?.name)
        expect(fromHf.diagnostics).toEqual([])
        expect(fromHf.architecture).toEqual(arch)
      })
    })
  }

  it('counts DeepSeek-V3 MTP modules as unique parameters when asked', () => {
    const arch = build({extends: 'deepseek-v3', mtp: true})
    expect(arch.includeMtp).toBe(true)
    expect(arch.mtpLayers).toBe(1)
    const inventory = paramInventory(arch)
    expect(sumGroups(inventory, (g) => g.family === 'mtp')).toBe(DEEPSEEK_MTP_UNIQUE)
    expect(inventory.total).toBe(671_026_419_200 + DEEPSEEK_MTP_UNIQUE)
    expect(
      inventory.groups.filter((g) => g.family === 'mtp').every((g) => g.placement === 'last'),
    ).toBe(true)
    // Without `mtp`, the module is stored (mtpLayers 1) but not counted.
    const plain = build('deepseek-v3')
    expect(plain.mtpLayers).toBe(1)
    expect(plain.includeMtp).toBe(false)
  })

  it('reads the architecture traps', () => {
    const gemma = build('gemma-2-9b')
    expect(gemma.tiedEmbeddings).toBe(true)
    expect(gemma.normsPerLayer).toBe(4)
    expect(gemma.headDim).toBe(256)
    expect(gemma.slidingWindow).toEqual({window: 4096, layers: 21})
    expect(build('qwen2.5-7b').qkvBias).toBe(true)
    expect(build('qwen2.5-7b').slidingWindow).toBeUndefined()
    expect(build('qwen3-8b').qkNorm).toBe(true)
    const qwenMoe = build('qwen3-30b-a3b')
    expect(qwenMoe.moe).toMatchObject({
      experts: 128,
      expertsPerToken: 8,
      expertFfn: 768,
      denseLayers: 0,
    })
    expect(paramInventory(qwenMoe).groups.some((g) => g.name.startsWith('mlp.'))).toBe(false)
    const oss = build('gpt-oss-20b')
    expect(oss).toMatchObject({attentionBias: true, attentionSinks: true})
    expect(oss.moe).toMatchObject({routerBias: true, expertBias: true, expertFfn: 2880})
    expect(oss.slidingWindow).toEqual({window: 128, layers: 12})
    expect(build('mistral-7b').slidingWindow).toEqual({window: 4096, layers: 32})
    expect(build('mixtral-8x7b').slidingWindow).toBeUndefined()
    const deepseek = build('deepseek-v3')
    expect(deepseek.moe).toMatchObject({denseLayers: 3, sharedExperts: 1, routerBias: true})
    expect(deepseek.mla).toEqual({
      qLoraRank: 1536,
      kvLoraRank: 512,
      qkNopeHeadDim: 128,
      qkRopeHeadDim: 64,
      vHeadDim: 128,
    })
    expect(deepseek.contextLength).toBe(163840)
  })

  it('shards and places groups the Megatron way', () => {
    const inventory = paramInventory(build('deepseek-v3'))
    const group = (name: string) => inventory.groups.find((g) => g.name === name)
    expect(group('embed_tokens')).toMatchObject({sharding: 'tp', placement: 'first'})
    expect(group('lm_head')).toMatchObject({
      sharding: 'tp',
      placement: 'last',
      shape: [129280, 7168],
    })
    expect(group('final_norm')).toMatchObject({sharding: 'replicated', placement: 'last'})
    expect(group('router')).toMatchObject({sharding: 'replicated', layerKind: 'moe'})
    expect(group('experts.up_proj')).toMatchObject({
      sharding: 'expert',
      count: 256,
      layerKind: 'moe',
    })
    expect(group('shared_experts.up_proj')).toMatchObject({sharding: 'tp', count: 1})
    expect(group('mlp.up_proj')).toMatchObject({sharding: 'tp', layerKind: 'dense'})
    expect(group('attn.kv_b_proj')).toMatchObject({sharding: 'tp', layerKind: 'all'})
    expect(group('norms')).toMatchObject({sharding: 'replicated', count: 2})
    expect(inventory.groups.some((g) => g.family === 'mtp')).toBe(false)
    const gemma = paramInventory(build('gemma-2-9b'))
    expect(gemma.groups.some((g) => g.family === 'lm_head')).toBe(false)
    const oss = paramInventory(build('gpt-oss-20b'))
    expect(oss.groups.find((g) => g.name === 'attn.sinks')).toMatchObject({sharding: 'replicated'})
  })
})

describe('preset lookup', () => {
  it('resolves short ids, aliases and HF repo ids case-insensitively', () => {
    expect(findModelPreset('llama-2-7b')?.id).toBe('meta-llama/Llama-2-7b-hf')
    expect(findModelPreset('LLAMA-2-7B')?.id).toBe('meta-llama/Llama-2-7b-hf')
    expect(findModelPreset('meta-llama/llama-2-7b-HF')?.id).toBe('meta-llama/Llama-2-7b-hf')
    expect(findModelPreset('Llama-2-7b-hf')?.short).toBe('llama-2-7b')
    expect(findModelPreset('qwen/qwen2.5-7b')?.short).toBe('qwen2.5-7b')
    expect(findModelPreset('Mistral-7B-v0.1')?.short).toBe('mistral-7b')
    expect(findModelPreset('phi-3-mini-4k-instruct')?.short).toBe('phi-3-mini')
    expect(findModelPreset('https://huggingface.co/Qwen/Qwen3-8B')?.short).toBe('qwen3-8b')
    expect(findModelPreset('llama-2-7')).toBeUndefined()
    for (const preset of modelPresets) {
      expect(findModelPreset(preset.short)).toBe(preset)
      expect(findModelPreset(preset.id.toUpperCase())).toBe(preset)
      for (const alias of preset.aliases) expect(findModelPreset(alias)).toBe(preset)
    }
  })

  it('reports an unknown model with a suggestion', () => {
    const [problem] = errors('llama-2-7')
    expect(problem).toMatchObject({ruleId: 'unknown-model', path: ['model'], severity: 'error'})
    expect(problem?.suggestion).toContain('`llama-2-7b`')
    const [nested] = architectureFromInput('qwen3-8', ['vary', 'model', 1], {}).diagnostics
    expect(nested).toMatchObject({ruleId: 'unknown-model', path: ['vary', 'model', 1]})
    expect(nested?.suggestion).toContain('qwen3-8b')
    const [inExtends] = errors({extends: 'mistral-7', layers: 16})
    expect(inExtends).toMatchObject({ruleId: 'unknown-model', path: ['model', 'extends']})
    expect(inExtends?.suggestion).toContain('mistral-7b')
  })
})

describe('model mapping', () => {
  const llama2Symbols = {layers: 32, hidden: 4096, ffn: 11008, heads: 32, vocab: 32000}

  it('counts a GPT-3 175B-like shape', () => {
    // GPT-3 style layer: qkv 3h² + 3h, out h² + h, fc1 4h² + 4h, fc2 4h² + h, two LayerNorms 4h
    //   = 12h² + 13h per layer; plus token embedding V·h (tied with the head), learned positions
    //   P·h and the final LayerNorm 2h:
    //   12·96·12288² + 13·96·12288 + 50257·12288 + 2048·12288 + 2·12288
    //   = 173,946,175,488 + 15,335,424 + 617,558,016 + 25,165,824 + 24,576 = 174,604,259,328
    const arch = build({
      layers: 96,
      hidden: 12288,
      heads: 96,
      vocab: 50257,
      mlp: 'plain',
      bias: true,
      norm: 'layer',
      positions: 2048,
      tied_embeddings: true,
      dropout: 0.1,
      name: 'GPT-3 175B',
    })
    expect(arch).toMatchObject({ffn: 4 * 12288, kvHeads: 96, headDim: 128, dropout: 0.1})
    expect(arch.name).toBe('GPT-3 175B')
    const inventory = paramInventory(arch)
    expect(inventory.total).toBe(174_604_259_328)
    expect(inventory.groups.find((g) => g.name === 'embed_positions')).toMatchObject({
      placement: 'first',
      elements: 2048 * 12288,
    })
  })

  it('counts GPT-2 small from its HF config', () => {
    // 12·12·768² + 13·12·768 + 50257·768 + 1024·768 + 2·768 = 124,439,808 (tied head).
    const config = {
      model_type: 'gpt2',
      n_embd: 768,
      n_layer: 12,
      n_head: 12,
      n_inner: null,
      n_positions: 1024,
      n_ctx: 1024,
      vocab_size: 50257,
      resid_pdrop: 0.1,
      activation_function: 'gelu_new',
    }
    const {architecture} = architectureFromHfConfig(config, 'openai-community/gpt2')
    expect(architecture).toMatchObject({
      mlp: 'plain',
      norm: 'layer',
      bias: true,
      tiedEmbeddings: true,
    })
    expect(architecture?.dropout).toBe(0.1)
    expect(paramInventory(architecture as Architecture).total).toBe(124_439_808)
  })

  it('counts a Qwen2-MoE config (shared expert with its gate)', () => {
    // Qwen1.5-MoE-A2.7B (card: 14.3B total, 2.7B activated). Per layer: attention 4·2048² +
    // qkv bias 3·2048, norms 2·2048, router 60·2048, 60 experts 3·2048·1408, shared expert
    // 3·2048·5632, shared-expert gate 2048 = 570,560,512; ×24 + 2·151936·2048 + 2048.
    const config = {
      model_type: 'qwen2_moe',
      hidden_size: 2048,
      intermediate_size: 5632,
      moe_intermediate_size: 1408,
      shared_expert_intermediate_size: 5632,
      num_experts: 60,
      num_experts_per_tok: 4,
      decoder_sparse_step: 1,
      mlp_only_layers: [],
      num_hidden_layers: 24,
      num_attention_heads: 16,
      num_key_value_heads: 16,
      vocab_size: 151936,
      tie_word_embeddings: false,
      use_sliding_window: false,
      sliding_window: 32768,
    }
    const {architecture} = architectureFromHfConfig(config, 'Qwen/Qwen1.5-MoE-A2.7B')
    const inventory = paramInventory(architecture as Architecture)
    expect(inventory.total).toBe(14_315_784_192)
    expect(inventory.active).toBe(2_689_173_504)
  })

  it('equals the preset when Llama-2-7B is written as symbols or HF fields', () => {
    const preset = paramInventory(build('llama-2-7b'))
    expect(paramInventory(build(llama2Symbols)).total).toBe(preset.total)
    const hf = build({
      num_hidden_layers: 32,
      hidden_size: 4096,
      intermediate_size: 11008,
      num_attention_heads: 32,
      vocab_size: 32000,
    })
    expect(paramInventory(hf).total).toBe(preset.total)
    expect(paramInventory(build({extends: 'llama-2-7b'})).total).toBe(preset.total)
    expect(build({extends: 'llama-2-7b'}).id).toBe('meta-llama/Llama-2-7b-hf')
  })

  it('writes Mixtral as symbols', () => {
    const arch = build({
      layers: 32,
      hidden: 4096,
      ffn: 14336,
      heads: 32,
      kv_heads: 8,
      vocab: 32000,
      experts: 8,
      experts_per_token: 2,
    })
    const inventory = paramInventory(arch)
    expect(inventory.total).toBe(46_702_792_704)
    expect(inventory.active).toBe(12_879_925_248)
  })

  it('overrides a preset with extends', () => {
    // Llama-2-7B: 6,738,415,616 = 32 layers × 202,383,360 + 2 × 131,072,000 + 4096.
    // 16 layers: 6,738,415,616 − 16 × 202,383,360 = 3,500,281,856.
    const arch = build({extends: 'llama-2-7b', layers: 16})
    expect(arch.layers).toBe(16)
    expect(arch.id).toBe('meta-llama/Llama-2-7b-hf+custom')
    expect(arch.name).toBe('Llama 2 7B (modified)')
    expect(paramInventory(arch).total).toBe(3_500_281_856)
    // head_dim is re-derived from the new hidden size; kv_heads stays the config's.
    expect(build({extends: 'llama-2-7b', hidden: 2048})).toMatchObject({headDim: 64, kvHeads: 32})
    expect(build({extends: 'qwen3-8b', hidden: 2048}).headDim).toBe(128)
    // Symbols win over HF names for the same thing.
    expect(build({extends: 'llama-2-7b', num_hidden_layers: 8, layers: 10}).layers).toBe(10)
    expect(build({extends: 'llama-2-7b', num_hidden_layers: 8}).layers).toBe(8)
    // gpt-oss with fewer layers keeps half of them sliding.
    expect(build({extends: 'gpt-oss-20b', layers: 12}).slidingWindow).toEqual({
      window: 128,
      layers: 6,
    })
  })

  it('accepts params alone', () => {
    const arch = build({params: '7B'})
    expect(arch.givenParams).toBe(7e9)
    expect(arch.layers).toBeUndefined()
    expect(arch.name).toBe('7B')
    const inventory = paramInventory(arch)
    expect(inventory).toMatchObject({
      total: 7e9,
      active: 7e9,
      given: true,
      denseLayers: 1,
      moeLayers: 0,
    })
    expect(inventory.groups).toHaveLength(1)
    expect(sumGroups(inventory)).toBe(7e9)
    expect(build(7e9).givenParams).toBe(7e9)
    expect(build('13B').givenParams).toBe(13e9)
    // params with a partial shape: the shape is kept, the count is the given one.
    const partial = build({params: '7B', layers: 32, hidden: 4096, heads: 32, kv_heads: 8})
    expect(partial).toMatchObject({layers: 32, headDim: 128, kvHeads: 8})
    expect(paramInventory(partial).total).toBe(7e9)
    // params with a complete shape: the shape wins.
    const both = build({...llama2Symbols, params: '7B'})
    expect(both.givenParams).toBe(7e9)
    expect(paramInventory(both).total).toBe(6_738_415_616)
  })

  it('rejects unknown keys with a suggestion', () => {
    const [problem] = errors({...llama2Symbols, kv_head: 8})
    expect(problem).toMatchObject({ruleId: 'unknown-key', path: ['model', 'kv_head'], onKey: true})
    expect(problem?.suggestion).toBe('did you mean `kv_heads`?')
    const [hfTypo] = errors({extends: 'llama-2-7b', num_hiden_layers: 8})
    expect(hfTypo?.suggestion).toBe('did you mean `num_hidden_layers`?')
  })

  it('rejects invalid values at their path', () => {
    const at = (value: Record<string, unknown>, key: string) => {
      const problems = errors(value)
      const found = problems.find((d) => d.path.join('.') === `model.${key}`)
      expect(found, JSON.stringify(problems)).toMatchObject({ruleId: 'invalid-value'})
      expect(found?.suggestion).toBeTruthy()
      return found
    }
    at({...llama2Symbols, layers: -1}, 'layers')
    expect(at({...llama2Symbols, layers: 31.9}, 'layers')?.suggestion).toContain('`layers: 32`')
    expect(at({...llama2Symbols, hidden: '4096'}, 'hidden')?.suggestion).toContain('`hidden: 4096`')
    at({...llama2Symbols, heads: 30}, 'heads')
    at({...llama2Symbols, kv_heads: 5}, 'kv_heads')
    at({...llama2Symbols, mlp: 'swigloo'}, 'mlp')
    at({...llama2Symbols, dropout: 1.5}, 'dropout')
    at({...llama2Symbols, bias: 'yes'}, 'bias')
    at({params: 'seven billion'}, 'params')
    at({...llama2Symbols, experts: 8, experts_per_token: 9}, 'experts_per_token')
    at({extends: 'llama-2-7b', num_attention_heads: 'many'}, 'num_attention_heads')
    // heads that do not divide hidden are fine with an explicit head_dim (Gemma 2 style).
    expect(build({...llama2Symbols, heads: 30, head_dim: 128}).headDim).toBe(128)
    const [invalidModel] = errors(['llama-2-7b'])
    expect(invalidModel).toMatchObject({ruleId: 'invalid-value', path: ['model']})
  })

  it('names missing fields', () => {
    const problems = errors({layers: 32, hidden: 4096})
    expect(problems.map((d) => d.ruleId)).toEqual([
      'missing-field',
      'missing-field',
      'missing-field',
    ])
    expect(problems.map((d) => d.message).join(' ')).toMatch(/`heads`.*`vocab`.*`ffn`/)
    const hf = architectureFromHfConfig({model_type: 'llama', hidden_size: 4096}, 'x')
    expect(hf.architecture).toBeUndefined()
    expect(hf.diagnostics.map((d) => d.message).join(' ')).toContain('`num_hidden_layers`')
    const moe = architectureFromHfConfig(
      {...(findModelPreset('qwen3-30b-a3b')?.config ?? {}), moe_intermediate_size: undefined},
      'x',
    )
    expect(moe.diagnostics.map((d) => d.message).join(' ')).toContain('`moe_intermediate_size`')
  })

  it('reads a local config through readConfig', () => {
    const config = findModelPreset('mistral-7b')?.config
    const read: string[] = []
    const arch = build(
      {config: './mistral/config.json', layers: 16},
      {
        readConfig: (path: string) => {
          read.push(path)
          return config
        },
      },
    )
    expect(read).toEqual(['./mistral/config.json'])
    expect(arch.layers).toBe(16)
    expect(arch.kvHeads).toBe(8)
    const [noReader] = errors({config: './config.json'})
    expect(noReader).toMatchObject({ruleId: 'config-read', path: ['model', 'config']})
    const [failing] = errors(
      {config: './missing.json'},
      {
        readConfig: () => {
          throw new Error('ENOENT: no such file')
        },
      },
    )
    expect(failing?.message).toContain('ENOENT')
    const [notObject] = errors({config: './list.json'}, {readConfig: () => [1, 2]})
    expect(notObject).toMatchObject({ruleId: 'config-read'})
  })

  it('switches features with symbols', () => {
    expect(build({...llama2Symbols, sliding_window: 4096}).slidingWindow).toEqual({
      window: 4096,
      layers: 32,
    })
    expect(
      build({...llama2Symbols, sliding_window: 4096, sliding_layers: 16}).slidingWindow,
    ).toEqual({
      window: 4096,
      layers: 16,
    })
    expect(build({extends: 'mistral-7b', sliding_window: null}).slidingWindow).toBeUndefined()
    expect(build({extends: 'gemma-2-9b', tied_embeddings: false}).tiedEmbeddings).toBe(false)
    expect(build({...llama2Symbols, context: 8192}).contextLength).toBe(8192)
    const moe = build({
      ...llama2Symbols,
      experts: 16,
      experts_per_token: 2,
      expert_ffn: 2048,
      dense_layers: 2,
    })
    expect(moe.moe).toMatchObject({denseLayers: 2, expertFfn: 2048, sharedExperts: 0})
    expect(paramInventory(moe)).toMatchObject({denseLayers: 2, moeLayers: 30})
    const dense = build({extends: 'mixtral-8x7b', experts: 0})
    expect(dense.moe).toBeUndefined()
    expect(paramInventory(dense).total).toBe(7_241_732_096) // = Mistral 7B's shape
  })
})

describe('parseCount', () => {
  it('parses counts as writers spell them', () => {
    expect(parseCount('7B')).toBe(7e9)
    expect(parseCount('7b')).toBe(7e9)
    expect(parseCount('6.74B')).toBe(6_740_000_000)
    expect(parseCount('7.6B')).toBe(7_600_000_000)
    expect(parseCount('671B')).toBe(671e9)
    expect(parseCount('350M')).toBe(350e6)
    expect(parseCount('1.5e9')).toBe(1.5e9)
    expect(parseCount('1.5T')).toBe(1.5e12)
    expect(parseCount('7 B')).toBe(7e9)
    expect(parseCount(' 13B ')).toBe(13e9)
    expect(parseCount(7_000_000_000)).toBe(7e9)
    expect(parseCount('6,738,415,616')).toBe(6_738_415_616)
  })

  it('rejects bad input', () => {
    for (const bad of ['', 'B', '7X', 'seven', '7BB', '-7B', '7e', '1.2.3B', 'NaN', 'Infinity']) {
      expect(parseCount(bad), bad).toBeUndefined()
    }
    expect(parseCount(-1)).toBeUndefined()
    expect(parseCount(Number.NaN)).toBeUndefined()
    expect(parseCount(null)).toBeUndefined()
    expect(parseCount(true)).toBeUndefined()
  })

  it('formats counts for captions', () => {
    expect(formatCount(7e9)).toBe('7B')
    expect(formatCount(6_738_415_616)).toBe('6.74B')
    expect(formatCount(350e6)).toBe('350M')
    expect(formatCount(999_999_999)).toBe('1B')
    expect(formatCount(1.5e9)).toBe('1.5B')
  })
})
