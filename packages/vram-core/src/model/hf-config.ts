/**
 * Hugging Face `config.json` → `Architecture`.
 *
 * Two steps, shared with the block's `model` mapping (see `input.ts`):
 * 1. `specFromHfConfig` reads the fields a model family uses, with the
 *    family's hard-coded facts (Qwen2's q/k/v bias, Qwen3's QK-norm, Gemma 2's
 *    four norms per layer, gpt-oss's sinks and biases, ...) into a `ModelSpec`:
 *    explicit values only, nothing derived yet.
 * 2. `buildArchitecture` applies the derivations (head_dim = hidden / heads,
 *    kv_heads = heads, plain ffn = 4h, dense/MoE layer split, sliding layers)
 *    and validates the result.
 * The block's article symbols are laid over the spec between the two steps, so
 * `extends: llama-2-7b` + `hidden: 2048` re-derives head_dim as HF would.
 *
 * Unknown config fields are ignored (a real config.json has many).
 */

import {limits, own, wholeNumberProblem} from '../input/limits.js'
import {type Diagnostic, diagnostic, display, type YamlPath} from '../output/diagnostics.js'
import type {Architecture, MlaArchitecture, MoeArchitecture} from './architecture.js'
import {type CheckpointQuantization, checkpointFromConfig, exactCheckpoint} from './checkpoint.js'
import {type HybridState, hybridCount} from './hybrid.js'
import {missingShapeFields, paramInventory} from './params.js'
import {type VisionShape, visionEncoder} from './vision.js'

/** A layer count given directly, or as a rule of the final layer count (so `layers` overrides keep it right). */
export type LayerCount = number | ((layers: number) => number)

/** Explicit model facts before derivation. `undefined` = not given (a default or derivation applies). */
export interface ModelSpec {
  givenParams?: number | undefined
  /** The config's `model_type` (lower case), which fixes the module names PEFT targets. */
  modelType?: string | undefined
  /** DeepSpeed's `largest_layer_params`: what ZeRO-3 gathers at once. */
  largestLayer?: number | undefined
  layers?: number | undefined
  hidden?: number | undefined
  ffn?: number | undefined
  heads?: number | undefined
  kvHeads?: number | undefined
  headDim?: number | undefined
  vocab?: number | undefined
  mlp?: 'gated' | 'plain' | undefined
  norm?: 'rms' | 'layer' | undefined
  normsPerLayer?: number | undefined
  bias?: boolean | undefined
  qkvBias?: boolean | undefined
  attentionBias?: boolean | undefined
  qkNorm?: boolean | 'projection' | undefined
  attentionSinks?: boolean | undefined
  tiedEmbeddings?: boolean | undefined
  dropout?: number | undefined
  /** Learned absolute positions (GPT-2/3). */
  positions?: number | undefined
  context?: number | undefined
  experts?: number | undefined
  expertsPerToken?: number | undefined
  expertFfn?: number | undefined
  sharedExperts?: number | undefined
  sharedExpertFfn?: number | undefined
  sharedExpertGate?: boolean | undefined
  /** Layers with a dense MLP in a MoE model. */
  denseLayers?: LayerCount | undefined
  routerBias?: boolean | undefined
  expertBias?: boolean | undefined
  kvLoraRank?: number | undefined
  /** `null`: full-rank q projection (DeepSeek-V2-Lite). */
  qLoraRank?: number | null | undefined
  qkNopeHeadDim?: number | undefined
  qkRopeHeadDim?: number | undefined
  vHeadDim?: number | undefined
  /** `null`: no sliding window (explicitly switched off). */
  slidingWindow?: number | null | undefined
  slidingLayers?: LayerCount | undefined
  mtpLayers?: number | undefined
  includeMtp?: boolean | undefined
  /** The checkpoint's storage, from its `quantization_config`. */
  checkpoint?: CheckpointQuantization | undefined
  /** A vision encoder the config carries (its `model_type`), left out unless `includeVision`. */
  vision?: string | undefined
  /** Its parameters with the projector, when this engine counts that encoder type. */
  visionParams?: number | undefined
  visionShape?: VisionShape | undefined
  /** Count the vision encoder's weights too (`vision: true`). */
  includeVision?: boolean | undefined
  /** A hybrid (Gated DeltaNet / Mamba-2 + attention): its KV-cache layers and per-sequence state. */
  hybrid?: HybridState | undefined
}

export type SpecField = keyof ModelSpec

/** Where a spec value was written, and how to name it in a message. */
export interface FieldOrigin {
  path: YamlPath
  /** E.g. "`num_key_value_heads`" or "`kv_heads`". */
  label: string
}

export interface SpecSource {
  spec: ModelSpec
  origins: Partial<Record<SpecField, FieldOrigin>>
  /** The HF field a family reads each spec field from, for `missing-field` messages. */
  hfNames: Partial<Record<SpecField, string>>
  /**
   * Fields the family requires explicitly: they never fall back to a default
   * derived from another field (Qwen MoE's `moe_intermediate_size` must not
   * default to `intermediate_size`, which is the dense width).
   */
  required: SpecField[]
}

/** The article symbol of each spec field, for messages. */
export const specSymbols: Readonly<Record<SpecField, string>> = {
  givenParams: 'params',
  modelType: 'model_type',
  largestLayer: 'largest_layer',
  layers: 'layers',
  hidden: 'hidden',
  ffn: 'ffn',
  heads: 'heads',
  kvHeads: 'kv_heads',
  headDim: 'head_dim',
  vocab: 'vocab',
  mlp: 'mlp',
  norm: 'norm',
  normsPerLayer: 'norms_per_layer',
  bias: 'bias',
  qkvBias: 'qkv_bias',
  attentionBias: 'attention_bias',
  qkNorm: 'qk_norm',
  attentionSinks: 'attention_sinks',
  tiedEmbeddings: 'tied_embeddings',
  dropout: 'dropout',
  positions: 'positions',
  context: 'context',
  experts: 'experts',
  expertsPerToken: 'experts_per_token',
  expertFfn: 'expert_ffn',
  sharedExperts: 'shared_experts',
  sharedExpertFfn: 'shared_expert_ffn',
  sharedExpertGate: 'shared_expert_gate',
  denseLayers: 'dense_layers',
  routerBias: 'router_bias',
  expertBias: 'expert_bias',
  kvLoraRank: 'kv_lora_rank',
  qLoraRank: 'q_lora_rank',
  qkNopeHeadDim: 'qk_nope_head_dim',
  qkRopeHeadDim: 'qk_rope_head_dim',
  vHeadDim: 'v_head_dim',
  slidingWindow: 'sliding_window',
  slidingLayers: 'sliding_layers',
  mtpLayers: 'mtp',
  includeMtp: 'mtp',
  checkpoint: 'quantization_config',
  vision: 'vision_config',
  visionParams: 'vision_config',
  visionShape: 'vision_config',
  includeVision: 'vision',
  hybrid: 'model_type',
}

/** Default HF names of spec fields (Llama-style configs). */
const defaultHfNames: Partial<Record<SpecField, string>> = {
  layers: 'num_hidden_layers',
  hidden: 'hidden_size',
  ffn: 'intermediate_size',
  heads: 'num_attention_heads',
  kvHeads: 'num_key_value_heads',
  headDim: 'head_dim',
  vocab: 'vocab_size',
  tiedEmbeddings: 'tie_word_embeddings',
  context: 'max_position_embeddings',
  expertsPerToken: 'num_experts_per_tok',
  expertFfn: 'moe_intermediate_size',
  kvLoraRank: 'kv_lora_rank',
  qLoraRank: 'q_lora_rank',
  qkNopeHeadDim: 'qk_nope_head_dim',
  qkRopeHeadDim: 'qk_rope_head_dim',
  vHeadDim: 'v_head_dim',
  slidingWindow: 'sliding_window',
  mtpLayers: 'num_nextn_predict_layers',
}

/**
 * HF config.json fields this module reads, plus a few harmless ones that
 * config files always carry. A block's `model` mapping accepts these names.
 */
export const hfConfigFields: readonly string[] = [
  'model_type',
  'architectures',
  'torch_dtype',
  '_name_or_path',
  'num_hidden_layers',
  'n_layer',
  'num_layers',
  'hidden_size',
  'n_embd',
  'd_model',
  'intermediate_size',
  'n_inner',
  'ffn_dim',
  'num_attention_heads',
  'n_head',
  'num_key_value_heads',
  'multi_query',
  'head_dim',
  'vocab_size',
  'tie_word_embeddings',
  'max_position_embeddings',
  'n_positions',
  'n_ctx',
  'hidden_act',
  'hidden_activation',
  'activation_function',
  'rms_norm_eps',
  'layer_norm_eps',
  'layer_norm_epsilon',
  'attention_bias',
  'mlp_bias',
  'qkv_bias',
  'attention_dropout',
  'hidden_dropout',
  'resid_pdrop',
  'attn_pdrop',
  'embd_pdrop',
  'num_local_experts',
  'num_experts',
  'n_routed_experts',
  'num_experts_per_tok',
  'experts_per_token',
  'moe_intermediate_size',
  'n_shared_experts',
  'shared_expert_intermediate_size',
  'first_k_dense_replace',
  'moe_layer_freq',
  'decoder_sparse_step',
  'mlp_only_layers',
  'topk_method',
  'q_lora_rank',
  'kv_lora_rank',
  'qk_rope_head_dim',
  'qk_nope_head_dim',
  'v_head_dim',
  'sliding_window',
  'use_sliding_window',
  'max_window_layers',
  'layer_types',
  'sliding_window_pattern',
  'num_nextn_predict_layers',
  'rope_theta',
  'rope_scaling',
  'intermediate_size_mlp',
  'interleave_moe_layer_step',
  'moe_layers',
  'use_qk_norm',
  'text_config',
  'vision_config',
  'quantization_config',
]

type Family =
  | 'llama'
  | 'mistral'
  | 'mixtral'
  | 'qwen2'
  | 'qwen2_moe'
  | 'qwen3'
  | 'qwen3_moe'
  | 'deepseek_v2'
  | 'deepseek_v3'
  | 'gemma'
  | 'gemma2'
  | 'gemma3'
  | 'phi3'
  | 'gpt_oss'
  | 'llama4'
  | 'glm4_moe'
  | 'olmo2'
  | 'gpt2'
  | 'gpt_neox'
  | 'generic'

const familyByModelType: Record<string, Family> = {
  llama: 'llama',
  mistral: 'mistral',
  mixtral: 'mixtral',
  qwen2: 'qwen2',
  qwen2_moe: 'qwen2_moe',
  qwen3: 'qwen3',
  qwen3_moe: 'qwen3_moe',
  deepseek_v2: 'deepseek_v2',
  deepseek_v3: 'deepseek_v3',
  // Kimi K2 ships DeepseekV3ForCausalLM under its own model_type.
  kimi_k2: 'deepseek_v3',
  gemma: 'gemma',
  gemma2: 'gemma2',
  gemma3_text: 'gemma3',
  phi3: 'phi3',
  gpt_oss: 'gpt_oss',
  llama4_text: 'llama4',
  glm4_moe: 'glm4_moe',
  olmo2: 'olmo2',
  // SmolLM3 is a Llama decoder (some layers skip RoPE, which holds no weights).
  smollm3: 'llama',
  gpt2: 'gpt2',
  gpt_bigcode: 'gpt2',
  gpt_neox: 'gpt_neox',
}

/** Families whose MLP is gated (SwiGLU / GeGLU: gate, up, down) with RMSNorm. */
const gatedFamilies = new Set<Family>([
  'llama',
  'mistral',
  'mixtral',
  'qwen2',
  'qwen2_moe',
  'qwen3',
  'qwen3_moe',
  'deepseek_v2',
  'deepseek_v3',
  'gemma',
  'gemma2',
  'gemma3',
  'phi3',
  'gpt_oss',
  'llama4',
  'glm4_moe',
  'olmo2',
])

/** Families whose config's `attention_bias` puts biases on q, k, v and o. */
const attentionBiasFamilies = new Set<Family>([
  'llama',
  'qwen3',
  'qwen3_moe',
  'gemma',
  'gemma2',
  'gemma3',
  'gpt_oss',
  'llama4',
  'olmo2',
  'generic',
])

/** The plausible limit of each integer config field (others: `limits.positions`). */
const fieldLimits: Readonly<Record<string, number>> = Object.fromEntries(
  (
    [
      [limits.layers, 'num_hidden_layers n_layer num_layers first_k_dense_replace moe_layer_freq'],
      [limits.layers, 'decoder_sparse_step max_window_layers sliding_window_pattern'],
      [limits.hidden, 'hidden_size n_embd d_model'],
      [limits.ffn, 'intermediate_size n_inner ffn_dim moe_intermediate_size'],
      [limits.ffn, 'shared_expert_intermediate_size'],
      [limits.heads, 'num_attention_heads n_head num_key_value_heads'],
      [limits.headDim, 'head_dim kv_lora_rank q_lora_rank qk_rope_head_dim qk_nope_head_dim'],
      [limits.headDim, 'v_head_dim'],
      [limits.experts, 'num_local_experts num_experts n_routed_experts num_experts_per_tok'],
      [limits.experts, 'experts_per_token n_shared_experts'],
      [limits.vocab, 'vocab_size'],
      [limits.mtp, 'num_nextn_predict_layers'],
    ] as const
  ).flatMap(([limit, fields]) => fields.split(' ').map((field) => [field, limit])),
)

/** Read typed values out of a config, reporting wrong types as `invalid-value`. */
class ConfigReader {
  readonly diagnostics: Diagnostic[] = []
  constructor(
    private readonly config: Readonly<Record<string, unknown>>,
    private readonly originOf: (field: string) => YamlPath,
  ) {}

  /** The field is present and not null. */
  has(field: string): boolean {
    const value = this.config[field]
    return value !== undefined && value !== null
  }

  raw(field: string): unknown {
    return this.config[field]
  }

  private invalid(field: string, message: string, suggestion: string): undefined {
    this.diagnostics.push(diagnostic('invalid-value', message, this.originOf(field), {suggestion}))
    return undefined
  }

  /** An integer ≥ `min` and within the field's plausible limit; null/absent → undefined. */
  int(field: string, min = 1): number | undefined {
    const value = this.config[field]
    if (value === undefined || value === null) return undefined
    const max = own(fieldLimits, field) ?? limits.positions
    if (typeof value === 'number' && (!Number.isFinite(value) || value > max)) {
      const problem = wholeNumberProblem(value, field, min, max)
      return this.invalid(field, problem?.message ?? field, problem?.suggestion ?? '')
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      const asNumber = typeof value === 'string' ? Number(value.trim()) : Number.NaN
      return this.invalid(
        field,
        `\`${field}\` must be an integer ${min === 0 ? '≥ 0' : `≥ ${min}`}, got ${display(value)}`,
        Number.isInteger(asNumber) && asNumber >= min
          ? `write it as a number: \`${field}: ${asNumber}\``
          : `give \`${field}\` as a whole number${min === 0 ? '' : ' ≥ 1'}`,
      )
    }
    return value
  }

  /** A finite number ≥ 0; null/absent → undefined. */
  number(field: string): number | undefined {
    const value = this.config[field]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return this.invalid(
        field,
        `\`${field}\` must be a number ≥ 0, got ${display(value)}`,
        `give \`${field}\` as a number`,
      )
    }
    return value
  }

  bool(field: string): boolean | undefined {
    const value = this.config[field]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'boolean') {
      return this.invalid(
        field,
        `\`${field}\` must be true or false, got ${display(value)}`,
        `write \`${field}: true\` or \`${field}: false\``,
      )
    }
    return value
  }

  string(field: string): string | undefined {
    const value = this.config[field]
    return typeof value === 'string' ? value : undefined
  }

  /** A list; null/absent → undefined. */
  list(field: string): unknown[] | undefined {
    const value = this.config[field]
    if (value === undefined || value === null) return undefined
    if (!Array.isArray(value)) {
      return this.invalid(
        field,
        `\`${field}\` must be a list, got ${display(value)}`,
        `e.g. \`${field}: []\``,
      )
    }
    return value
  }
}

/**
 * Defaults of the text configs that multimodal checkpoints abbreviate: the
 * Gemma 3 4B/12B/27B `text_config`s omit every key that keeps its
 * `Gemma3TextConfig` default (transformers
 * `models/gemma3/configuration_gemma3.py`): vocab_size 262,208 (not the 1B's
 * 262,144), 8 heads / 4 KV heads of 256, tied embeddings.
 */
const textConfigDefaults: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  gemma3_text: {
    vocab_size: 262208,
    hidden_size: 2304,
    intermediate_size: 9216,
    num_hidden_layers: 26,
    num_attention_heads: 8,
    num_key_value_heads: 4,
    head_dim: 256,
    max_position_embeddings: 131072,
    sliding_window: 4096,
    sliding_window_pattern: 6,
    tie_word_embeddings: true,
  },
}

/** Wrapper keys of a multimodal config that are not the language model's. */
const wrapperOnly = new Set(['model_type', 'architectures', 'text_config', 'vision_config'])

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The language model's config: a multimodal config (Gemma 3, Llama 4,
 * Mistral 3, ...) nests it under `text_config`, with the model type's defaults
 * for omitted keys. Top-level fields the reader knows (a block's overrides,
 * `quantization_config`) are laid over it. `vision` names the encoder left out.
 */
export function languageModelConfig(config: Readonly<Record<string, unknown>>): {
  config: Readonly<Record<string, unknown>>
  vision?: string | undefined
  visionConfig?: Readonly<Record<string, unknown>> | undefined
} {
  const text = config.text_config
  if (!isRecord(text)) return {config}
  const type = typeof text.model_type === 'string' ? text.model_type : ''
  const overlay = Object.fromEntries(
    Object.entries(config).filter(([key]) => !wrapperOnly.has(key) && hfConfigFields.includes(key)),
  )
  const vision = config.vision_config
  const visionType = isRecord(vision)
    ? typeof vision.model_type === 'string'
      ? vision.model_type
      : 'vision encoder'
    : undefined
  return {
    config: {...textConfigDefaults[type], ...text, ...overlay},
    ...(visionType !== undefined && isRecord(vision)
      ? {vision: visionType, visionConfig: vision}
      : {}),
  }
}

/**
 * Model types this engine cannot count: state-space and hybrid stacks whose
 * layers are not attention + MLP. A number for them would be wrong, so the
 * reader stops with a diagnostic instead.
 */
const uncountable: Readonly<Record<string, string>> = {
  // qwen3_next and nemotron_h are counted by `hybrid.ts`.
  mamba: 'Mamba is a state-space model',
  mamba2: 'Mamba-2 is a state-space model',
  falcon_mamba: 'Falcon Mamba is a state-space model',
  falcon_h1: 'Falcon-H1 runs Mamba-2 and attention heads side by side',
  jamba: 'Jamba interleaves Mamba and attention layers',
  zamba: 'Zamba is a Mamba hybrid',
  zamba2: 'Zamba2 is a Mamba-2 hybrid',
  bamba: 'Bamba is a Mamba-2 hybrid',
  granitemoehybrid: 'Granite 4 hybrids interleave Mamba-2 and attention layers',
  rwkv: 'RWKV is a recurrent model',
  rwkv7: 'RWKV-7 is a recurrent model',
  recurrent_gemma: 'RecurrentGemma (Griffin) mixes recurrent and local-attention blocks',
  lfm2: 'LFM2 mixes short convolutions with attention',
  minimax: 'MiniMax-01 mixes lightning (linear) attention with softmax attention',
  xlstm: 'xLSTM is a recurrent model',
}

/**
 * A hybrid's spec: its exact count (as `params`, so no transformer layer is
 * derived from its shape), its state and KV-cache layers, its context and any
 * stored quantization.
 */
function hybridSpec(
  config: Readonly<Record<string, unknown>>,
  count: import('./hybrid.js').HybridCount,
  originOf: (field: string) => YamlPath,
): {source: SpecSource; diagnostics: Diagnostic[]} {
  const spec: ModelSpec = {
    givenParams: count.params,
    modelType: String(config.model_type).toLowerCase(),
    hybrid: count.state,
  }

  const context = config.max_position_embeddings
  if (typeof context === 'number' && Number.isSafeInteger(context) && context > 0)
    spec.context = context
  const stored = checkpointFromConfig(config)
  if (stored.checkpoint) spec.checkpoint = stored.checkpoint
  const origin: FieldOrigin = {path: originOf('model_type'), label: '`model_type`'}
  return {
    source: {spec, origins: {givenParams: origin, hybrid: origin}, hfNames: {}, required: []},
    diagnostics: [],
  }
}

/**
 * The config's `model_type` when it names a type this engine has no rules for
 * (not a family it reads, not a known hybrid); `undefined` otherwise, or when
 * the config has no `model_type` (a block's own shape, read Llama-style).
 */
export function unknownModelType(config: Readonly<Record<string, unknown>>): string | undefined {
  const type = config.model_type
  if (typeof type !== 'string' || type.trim() === '') return undefined
  const lower = type.toLowerCase()
  if (own(familyByModelType, lower) !== undefined || uncountable[lower] !== undefined)
    return undefined
  return lower
}

/** The `model_type`s whose layers this engine reads. */
export const readableModelTypes: readonly string[] = Object.keys(familyByModelType)

/**
 * Why a config cannot be counted, or `undefined` when it can: a known
 * state-space/hybrid `model_type`, or a layer plan with non-attention layers.
 */
export function uncountableReason(config: Readonly<Record<string, unknown>>): string | undefined {
  const type = typeof config.model_type === 'string' ? config.model_type.toLowerCase() : ''
  const known = uncountable[type]
  if (known) return `${known} (\`model_type: ${type}\`)`
  const layerTypes = config.layer_types
  if (Array.isArray(layerTypes)) {
    const other = layerTypes.find(
      (kind) =>
        typeof kind === 'string' && !kind.endsWith('attention') && kind !== 'full_attention',
    )
    if (typeof other === 'string' || layerTypes.includes('linear_attention')) {
      return `its \`layer_types\` include \`${typeof other === 'string' ? other : 'linear_attention'}\` layers`
    }
  }
  for (const key of ['hybrid_override_pattern', 'layers_block_type', 'ssm_cfg', 'mamba_d_state']) {
    if (key in config) return `it has state-space layers (\`${key}\`)`
  }
  return undefined
}

/**
 * Read an HF config into a `ModelSpec`. `originOf` gives the YAML path to
 * report a field's problems at. A multimodal config is read for its language
 * model (`text_config`).
 */
export function specFromHfConfig(
  raw: Readonly<Record<string, unknown>>,
  originOf: (field: string) => YamlPath,
  options: {hubParams?: number | undefined} = {},
): {source: SpecSource; diagnostics: Diagnostic[]} {
  const {config, vision, visionConfig} = languageModelConfig(raw)
  const hybrid = hybridCount(config)
  if (hybrid !== undefined && 'count' in hybrid) return hybridSpec(config, hybrid.count, originOf)
  const read = new ConfigReader(config, originOf)
  const uncountableWhy =
    hybrid !== undefined
      ? `its config lacks ${hybrid.missing.map((field) => `\`${field}\``).join(', ')}, which this engine reads to count a ${String(config.model_type)} hybrid`
      : uncountableReason(config)
  // The Hub's exact count, when the config was pinned with it, makes the weights-only fallback exact.
  const paramsExample =
    options.hubParams !== undefined
      ? `\`model: {params: ${options.hubParams}}\` (the Hub's exact count for this repository)`
      : undefined
  if (uncountableWhy !== undefined) {
    read.diagnostics.push(
      diagnostic(
        'unsupported-model',
        `this engine cannot count this model: ${uncountableWhy}, and it computes transformer stacks only (attention + MLP layers)`,
        originOf('model_type'),
        {
          suggestion: `give the parameter count for a weights-only estimate, e.g. ${paramsExample ?? '`model: {params: 56B}`'}; the KV cache and activations of such a model are not computed`,
        },
      ),
    )
  } else {
    const unknownType = unknownModelType(config)
    if (unknownType !== undefined) {
      read.diagnostics.push(
        diagnostic(
          'unsupported-model',
          `\`model_type: ${unknownType}\` is not a model type this engine reads: what each of its layers holds (attention and MLP matrices, norms, biases, any other block) is not known, so no count would be exact`,
          originOf('model_type'),
          {
            suggestion: `for the weights alone give ${paramsExample ?? 'the published count, e.g. `model: {params: 7B}`'}; or, if it is a Llama-style decoder, write its shape with the article's symbols (\`layers\`, \`hidden\`, \`ffn\`, \`heads\`, \`kv_heads\`, \`vocab\`) without \`model_type\``,
          },
        ),
      )
    }
  }
  const spec: ModelSpec = {}
  const origins: Partial<Record<SpecField, FieldOrigin>> = {}
  const hfNames: Partial<Record<SpecField, string>> = {...defaultHfNames}
  const required: SpecField[] = []

  /** Set a spec field from the first present HF field among `fields`. */
  const take = <K extends SpecField>(
    key: K,
    fields: readonly string[],
    reader: (field: string) => ModelSpec[K] | undefined,
  ): void => {
    const field = fields.find((name) => read.has(name)) ?? fields[0]
    if (field === undefined) return
    hfNames[key] = field
    const value = reader(field)
    if (value !== undefined) {
      spec[key] = value
      origins[key] = {path: originOf(field), label: `\`${field}\``}
    }
  }
  /** Record where a derived/family value comes from. */
  const note = (key: SpecField, field: string): void => {
    origins[key] = {path: originOf(field), label: `\`${field}\``}
  }

  if (vision !== undefined) spec.vision = vision
  const textHidden = config.hidden_size
  if (visionConfig && typeof textHidden === 'number') {
    const encoder = visionEncoder(visionConfig, textHidden, raw)
    spec.visionParams = encoder?.params
    spec.visionShape = encoder?.shape
  }
  const stored = checkpointFromConfig(config)
  if (stored.checkpoint) {
    spec.checkpoint = stored.checkpoint
    note('checkpoint', 'quantization_config')
  } else if (stored.unsupported !== undefined) {
    read.diagnostics.push(
      diagnostic(
        'unsupported-model',
        `the checkpoint's \`quantization_config\` (\`${stored.unsupported}\`) is not read: its weights are computed at the block's \`dtype\` (default bf16)`,
        originOf('quantization_config'),
        {
          severity: 'warning',
          suggestion:
            'give the stored format as `dtype` (e.g. `dtype: fp8`, or bits per weight such as `4.25bpw`) and `quantize: linear`',
        },
      ),
    )
  }

  const modelTypeRaw = read.string('model_type')
  const modelType =
    modelTypeRaw?.toLowerCase() ?? (read.has('n_embd') || read.has('n_layer') ? 'gpt2' : '')
  const family: Family = own(familyByModelType, modelType) ?? 'generic'
  if (modelType) spec.modelType = modelType
  const gated = gatedFamilies.has(family)

  // --- Shape -----------------------------------------------------------------
  take('layers', ['num_hidden_layers', 'n_layer', 'num_layers'], (f) => read.int(f))
  take('hidden', ['hidden_size', 'n_embd', 'd_model'], (f) => read.int(f))
  take('ffn', ['intermediate_size', 'n_inner', 'ffn_dim'], (f) => read.int(f))
  take('heads', ['num_attention_heads', 'n_head'], (f) => read.int(f))
  take('kvHeads', ['num_key_value_heads'], (f) => read.int(f))
  if (family === 'gpt2' && read.bool('multi_query') === true) {
    spec.kvHeads = 1
    note('kvHeads', 'multi_query')
  }
  take('headDim', ['head_dim'], (f) => read.int(f))
  take('vocab', ['vocab_size'], (f) => read.int(f))
  take('context', ['max_position_embeddings', 'n_positions', 'n_ctx'], (f) => read.int(f))

  // --- Layer style -----------------------------------------------------------
  if (gated) {
    spec.mlp = 'gated'
    spec.norm = 'rms'
  } else if (family === 'gpt2' || family === 'gpt_neox') {
    spec.mlp = 'plain'
    spec.norm = 'layer'
    spec.bias = read.bool('attention_bias') ?? true
  } else {
    // Unknown model_type: a Llama-style decoder unless the config says otherwise.
    const act = (
      read.string('hidden_act') ??
      read.string('hidden_activation') ??
      read.string('activation_function') ??
      'silu'
    ).toLowerCase()
    spec.mlp = act === 'silu' || act === 'swish' || act.includes('glu') ? 'gated' : 'plain'
    const layerNorm =
      !read.has('rms_norm_eps') && (read.has('layer_norm_eps') || read.has('layer_norm_epsilon'))
    spec.norm = layerNorm || (spec.mlp === 'plain' && !read.has('rms_norm_eps')) ? 'layer' : 'rms'
  }
  spec.normsPerLayer = family === 'gemma2' || family === 'gemma3' ? 4 : 2
  spec.tiedEmbeddings =
    read.bool('tie_word_embeddings') ??
    (family === 'gemma' || family === 'gemma2' || family === 'gemma3' || family === 'gpt2')
  if (read.has('tie_word_embeddings')) note('tiedEmbeddings', 'tie_word_embeddings')

  if (family === 'qwen2') spec.qkvBias = true
  if (family === 'qwen2_moe') spec.qkvBias = read.bool('qkv_bias') ?? true
  if (attentionBiasFamilies.has(family)) {
    const attentionBias = read.bool('attention_bias') ?? family === 'gpt_oss'
    const mlpBias = read.bool('mlp_bias') ?? false
    if (attentionBias && mlpBias) spec.bias = true
    else spec.attentionBias = attentionBias
  }
  if (family === 'qwen3' || family === 'qwen3_moe' || family === 'gemma3') spec.qkNorm = true
  // GLM-4.5: biases on q, k and v only; per-head QK-norm when `use_qk_norm` (Air: off).
  if (family === 'glm4_moe') {
    spec.qkvBias = read.bool('attention_bias') ?? false
    spec.qkNorm = read.bool('use_qk_norm') ?? false
  }
  // OLMo 2: RMSNorm over the whole q and k projections; its two norms per layer
  // follow attention and MLP instead of preceding them (same count).
  if (family === 'olmo2') spec.qkNorm = 'projection'
  // Llama 4's `use_qk_norm` is a weightless L2 norm: no parameters.
  if (family === 'gpt_oss') spec.attentionSinks = true

  if (family === 'gpt2') {
    take('positions', ['n_positions', 'max_position_embeddings'], (f) => read.int(f))
  }
  const dropouts = [
    'attention_dropout',
    'hidden_dropout',
    'resid_pdrop',
    'attn_pdrop',
    'embd_pdrop',
  ].map((field) => (typeof config[field] === 'number' ? (config[field] as number) : 0))
  spec.dropout = Math.max(0, ...dropouts)

  // --- Mixture of experts ----------------------------------------------------
  const expertsField = ['num_local_experts', 'num_experts', 'n_routed_experts'].find((f) =>
    read.has(f),
  )
  const experts = expertsField ? read.int(expertsField, 0) : undefined
  if (expertsField && experts !== undefined && experts > 0) {
    spec.experts = experts
    note('experts', expertsField)
    take('expertsPerToken', ['num_experts_per_tok', 'experts_per_token'], (f) => read.int(f))
    required.push('expertsPerToken')
    if (family === 'mixtral' || family === 'gpt_oss') {
      // Mixtral and gpt-oss: intermediate_size is the width of one expert.
      take('expertFfn', ['intermediate_size'], (f) => read.int(f))
    } else if (read.has('moe_intermediate_size')) {
      take('expertFfn', ['moe_intermediate_size'], (f) => read.int(f))
    } else if (family === 'generic') {
      take('expertFfn', ['intermediate_size'], (f) => read.int(f))
    } else {
      // Qwen MoE / DeepSeek: the expert width is its own field; intermediate_size is the dense MLP.
      required.push('expertFfn')
    }
    if (family === 'gpt_oss') {
      spec.routerBias = true
      spec.expertBias = true
    }
    if (family === 'llama4') {
      // Llama 4: `intermediate_size` is one routed expert's and the shared expert's width;
      // `intermediate_size_mlp` is the dense MLP of the non-MoE layers. MoE layers are
      // `moe_layers`, by default every `interleave_moe_layer_step`-th (1, 3, ..., 47 for Maverick).
      take('expertFfn', ['intermediate_size'], (f) => read.int(f))
      spec.sharedExperts = 1
      spec.sharedExpertFfn = spec.expertFfn
      take('ffn', ['intermediate_size_mlp'], (f) => read.int(f))
      const step = read.int('interleave_moe_layer_step') ?? 1
      const listed = read.list('moe_layers')
      spec.denseLayers = (layers: number) => {
        const moeLayers = listed
          ? listed.filter((x) => typeof x === 'number' && x < layers).length
          : Math.floor(layers / step)
        return layers - moeLayers
      }
      note('denseLayers', listed ? 'moe_layers' : 'interleave_moe_layer_step')
    }
    if (family === 'deepseek_v2' || family === 'deepseek_v3' || family === 'glm4_moe') {
      const shared = read.int('n_shared_experts', 0) ?? 0
      spec.sharedExperts = shared
      if (read.has('n_shared_experts')) note('sharedExperts', 'n_shared_experts')
      if (spec.expertFfn !== undefined) spec.sharedExpertFfn = spec.expertFfn
      const firstDense = read.int('first_k_dense_replace', 0) ?? 0
      const frequency = read.int('moe_layer_freq') ?? 1
      spec.denseLayers = (layers: number) => {
        let dense = 0
        for (let layer = 0; layer < layers; layer++) {
          if (layer < firstDense || layer % frequency !== 0) dense++
        }
        return dense
      }
      note('denseLayers', 'first_k_dense_replace')
      // DeepSeek-V3's noaux_tc routing keeps an `e_score_correction_bias` of E per MoE layer.
      const topkMethod =
        read.string('topk_method') ?? (family === 'deepseek_v2' ? 'greedy' : 'noaux_tc')
      spec.routerBias = topkMethod === 'noaux_tc'
    }
    if (family === 'qwen2_moe') {
      const sharedFfn = read.int('shared_expert_intermediate_size', 0) ?? 0
      if (sharedFfn > 0) {
        spec.sharedExperts = 1
        spec.sharedExpertFfn = sharedFfn
        spec.sharedExpertGate = true
        note('sharedExpertFfn', 'shared_expert_intermediate_size')
      }
    }
    if (family === 'qwen2_moe' || family === 'qwen3_moe') {
      // A layer is MoE when (i + 1) % decoder_sparse_step == 0 and i is not in mlp_only_layers.
      const step = read.int('decoder_sparse_step') ?? 1
      const mlpOnly = new Set(
        (read.list('mlp_only_layers') ?? []).filter((x): x is number => typeof x === 'number'),
      )
      spec.denseLayers = (layers: number) => {
        let dense = 0
        for (let layer = 0; layer < layers; layer++) {
          if (mlpOnly.has(layer) || (layer + 1) % step !== 0) dense++
        }
        return dense
      }
      note('denseLayers', read.has('mlp_only_layers') ? 'mlp_only_layers' : 'decoder_sparse_step')
    }
  }

  // --- Multi-head latent attention ---------------------------------------------
  if (read.has('kv_lora_rank')) {
    take('kvLoraRank', ['kv_lora_rank'], (f) => read.int(f))
    if (read.has('q_lora_rank')) take('qLoraRank', ['q_lora_rank'], (f) => read.int(f))
    else spec.qLoraRank = null
    take('qkNopeHeadDim', ['qk_nope_head_dim'], (f) => read.int(f))
    take('qkRopeHeadDim', ['qk_rope_head_dim'], (f) => read.int(f))
    take('vHeadDim', ['v_head_dim'], (f) => read.int(f))
    required.push('qkNopeHeadDim', 'qkRopeHeadDim', 'vHeadDim')
    // `head_dim` in MLA configs is not the attention head width: derived from the MLA dims instead.
    delete spec.headDim
    delete origins.headDim
  }
  take('mtpLayers', ['num_nextn_predict_layers'], (f) => read.int(f, 0))

  // --- Sliding-window attention ----------------------------------------------
  const window = read.int('sliding_window')
  if (read.bool('use_sliding_window') === false) {
    spec.slidingWindow = null
  } else if (window !== undefined) {
    spec.slidingWindow = window
    note('slidingWindow', 'sliding_window')
    const layerTypes = read.list('layer_types')
    if (layerTypes) {
      const sliding = layerTypes.filter((type) => type === 'sliding_attention').length
      const total = layerTypes.length
      spec.slidingLayers = (layers: number) =>
        layers === total ? sliding : Math.round((sliding * layers) / Math.max(total, 1))
      note('slidingLayers', 'layer_types')
    } else if (family === 'gemma2') {
      // Gemma 2: even layers local (sliding), odd layers global.
      spec.slidingLayers = (layers: number) => Math.ceil(layers / 2)
    } else if (family === 'gemma3') {
      const pattern = read.int('sliding_window_pattern') ?? 6
      spec.slidingLayers = (layers: number) => layers - Math.floor(layers / pattern)
    } else if (
      family === 'qwen2' ||
      family === 'qwen2_moe' ||
      family === 'qwen3' ||
      family === 'qwen3_moe'
    ) {
      // Qwen: layers from max_window_layers on use the window.
      const fullLayers = read.int('max_window_layers', 0)
      spec.slidingLayers = (layers: number) => layers - Math.min(fullLayers ?? layers, layers)
    }
    // Mistral, Phi-3 and others: every layer uses the window.
  }

  return {source: {spec, origins, hfNames, required}, diagnostics: read.diagnostics}
}

/** How `missing-field` messages name a field. */
export type FieldNaming = 'hf' | 'symbols' | 'both'

export interface BuildContext {
  id: string
  name: string
  /** Where to report problems that belong to no single field (missing fields). */
  path: YamlPath
  naming: FieldNaming
}

function resolveCount(
  count: LayerCount | undefined,
  layers: number | undefined,
): number | undefined {
  if (count === undefined) return undefined
  if (typeof count === 'number') return count
  return layers === undefined ? undefined : count(layers)
}

/**
 * Derive and validate an `Architecture` from a spec. When the spec has no
 * `givenParams`, the full shape is required (the parameter count needs it);
 * with `givenParams` any missing shape field is left undefined.
 */
export function buildArchitecture(
  source: SpecSource,
  context: BuildContext,
): {architecture?: Architecture; diagnostics: Diagnostic[]} {
  const {spec, origins, hfNames} = source
  const diagnostics: Diagnostic[] = []
  const requireShape = spec.givenParams === undefined

  const label = (field: SpecField): string => {
    const symbol = specSymbols[field]
    const hf = hfNames[field]
    if (context.naming === 'symbols' || hf === undefined) return `\`${symbol}\``
    if (context.naming === 'hf') return `\`${hf}\``
    return `\`${symbol}\` (config.json \`${hf}\`)`
  }
  const where = (field: SpecField): YamlPath => origins[field]?.path ?? context.path
  const named = (field: SpecField): string => origins[field]?.label ?? label(field)
  const missing: SpecField[] = []
  const need = (field: SpecField, value: unknown): void => {
    if (requireShape && value === undefined && !missing.includes(field)) missing.push(field)
  }
  const invalid = (field: SpecField, message: string, suggestion: string): void => {
    diagnostics.push(diagnostic('invalid-value', message, where(field), {suggestion}))
  }

  const {layers, hidden, heads, vocab} = spec
  const mlp = spec.mlp ?? 'gated'
  const norm = spec.norm ?? 'rms'
  need('layers', layers)
  need('hidden', hidden)
  need('heads', heads)
  need('vocab', vocab)

  // --- MLA -------------------------------------------------------------------
  let mla: MlaArchitecture | undefined
  if (spec.kvLoraRank !== undefined) {
    const {qkNopeHeadDim, qkRopeHeadDim, vHeadDim} = spec
    need('qkNopeHeadDim', qkNopeHeadDim)
    need('qkRopeHeadDim', qkRopeHeadDim)
    need('vHeadDim', vHeadDim)
    if (qkNopeHeadDim !== undefined && qkRopeHeadDim !== undefined && vHeadDim !== undefined) {
      mla = {
        kvLoraRank: spec.kvLoraRank,
        qkNopeHeadDim,
        qkRopeHeadDim,
        vHeadDim,
        ...(typeof spec.qLoraRank === 'number' ? {qLoraRank: spec.qLoraRank} : {}),
      }
    }
  }

  // --- Heads -----------------------------------------------------------------
  let headDim = spec.headDim
  if (mla) {
    // MLA: q/k heads are qk_nope + qk_rope wide (the config's head_dim, if any, is not).
    headDim = mla.qkNopeHeadDim + mla.qkRopeHeadDim
  } else if (headDim === undefined && hidden !== undefined && heads !== undefined) {
    if (hidden % heads === 0) {
      headDim = hidden / heads
    } else {
      invalid(
        'heads',
        `${named('heads')} (${heads}) does not divide ${named('hidden')} (${hidden}), so the head dimension is not whole`,
        `pick a head count that divides ${hidden}, or give ${label('headDim')} explicitly`,
      )
    }
  }
  let kvHeads = spec.kvHeads ?? heads
  if (mla) {
    // MLA caches a shared latent; num_key_value_heads is nominal.
    kvHeads = heads
  } else if (spec.kvHeads !== undefined && heads !== undefined) {
    if (spec.kvHeads > heads || heads % spec.kvHeads !== 0) {
      const divisors = [1, 2, 4, 8, 16, 32, 64, 128].filter((d) => d <= heads && heads % d === 0)
      invalid(
        'kvHeads',
        `${named('kvHeads')} (${spec.kvHeads}) must divide ${named('heads')} (${heads}): each KV head serves a whole group of query heads`,
        `use one of ${divisors.join(', ')}`,
      )
    }
  }

  // --- MLP and experts ---------------------------------------------------------
  const ffn = spec.ffn ?? (mlp === 'plain' && hidden !== undefined ? 4 * hidden : undefined)
  let moe: MoeArchitecture | undefined
  if (spec.experts !== undefined && spec.experts > 0) {
    const experts = spec.experts
    const expertsPerToken = spec.expertsPerToken
    const expertFfn =
      spec.expertFfn ?? (source.required.includes('expertFfn') ? undefined : spec.ffn)
    need('expertsPerToken', expertsPerToken)
    need('expertFfn', expertFfn)
    if (expertsPerToken !== undefined && expertsPerToken > experts) {
      invalid(
        'expertsPerToken',
        `${named('expertsPerToken')} (${expertsPerToken}) exceeds ${named('experts')} (${experts})`,
        `a token goes to at most ${experts} experts`,
      )
    }
    const denseLayers = resolveCount(spec.denseLayers, layers) ?? 0
    if (layers !== undefined && denseLayers > layers) {
      invalid(
        'denseLayers',
        `${named('denseLayers')} (${denseLayers}) exceeds ${named('layers')} (${layers})`,
        `use at most ${layers}`,
      )
    }
    if (denseLayers > 0) need('ffn', ffn)
    const sharedExperts = spec.sharedExperts ?? 0
    const sharedExpertFfn = spec.sharedExpertFfn ?? expertFfn
    if (sharedExperts > 0) need('sharedExpertFfn', sharedExpertFfn)
    if (expertsPerToken !== undefined && expertFfn !== undefined) {
      moe = {
        experts,
        expertsPerToken,
        expertFfn,
        sharedExperts,
        sharedExpertFfn: sharedExpertFfn ?? 0,
        denseLayers,
        routerBias: spec.routerBias ?? false,
        expertBias: spec.expertBias ?? false,
        ...(spec.sharedExpertGate ? {sharedExpertGate: true} : {}),
      }
    }
  } else {
    need('ffn', ffn)
  }
  // --- Sliding window ----------------------------------------------------------
  let slidingWindow: Architecture['slidingWindow']
  if (typeof spec.slidingWindow === 'number' && spec.slidingWindow > 0 && layers !== undefined) {
    const slidingLayers = resolveCount(spec.slidingLayers, layers) ?? layers
    if (slidingLayers > layers) {
      invalid(
        'slidingLayers',
        `${named('slidingLayers')} (${slidingLayers}) exceeds ${named('layers')} (${layers})`,
        `use at most ${layers}`,
      )
    } else if (slidingLayers > 0) {
      slidingWindow = {window: spec.slidingWindow, layers: slidingLayers}
    }
  }

  const withVision = spec.includeVision === true && spec.vision !== undefined
  if (withVision && spec.visionParams === undefined) {
    invalid(
      'includeVision',
      `the vision encoder \`${spec.vision}\` is not one this engine counts (SigLIP, Llama 4, Pixtral)`,
      'remove `vision`, or add its parameters to `params`',
    )
  }
  if (spec.includeVision === true && spec.vision === undefined) {
    invalid(
      'includeVision',
      '`vision: true` needs a config with a `vision_config`',
      'remove `vision`',
    )
  }

  if (spec.dropout !== undefined && !(spec.dropout >= 0 && spec.dropout < 1)) {
    invalid('dropout', `${named('dropout')} must be in [0, 1), got ${spec.dropout}`, 'e.g. `0.1`')
  }

  for (const field of missing) {
    const what = spec.givenParams === undefined ? 'the parameter count' : 'this'
    diagnostics.push(
      diagnostic(
        'missing-field',
        `the model needs ${label(field)}: ${what} depends on it`,
        context.path,
        {
          suggestion:
            context.naming === 'hf'
              ? `add \`${hfNames[field] ?? specSymbols[field]}\` to the config`
              : `add \`${specSymbols[field]}\`, or give \`params\` alone for a weights-only estimate`,
        },
      ),
    )
  }
  if (spec.hybrid && [layers, hidden, heads, vocab, spec.ffn].some((v) => v !== undefined)) {
    diagnostics.push(
      diagnostic(
        'incompatible',
        `a hybrid model's shape cannot be overridden: its ${spec.hybrid.label} are counted from its own config`,
        context.path,
        {suggestion: 'remove the shape fields, or give `params` for a weights-only estimate'},
      ),
    )
  }
  if (diagnostics.some((d) => d.severity === 'error')) return {diagnostics}

  const architecture: Architecture = {
    id: context.id,
    // Say in the caption whether the count includes the vision encoder.
    name: spec.vision
      ? withVision
        ? `${context.name} with its vision encoder`
        : `${context.name}, text only (vision encoder not counted)`
      : context.name,
    // A hybrid's MTP module (Qwen3-Next) is counted with `mtp: true`, as for DeepSeek.
    givenParams:
      spec.hybrid && spec.includeMtp && spec.givenParams !== undefined
        ? spec.givenParams + spec.hybrid.mtpParams
        : spec.givenParams,
    largestLayer: spec.largestLayer,
    // A hybrid shows its layers, width and vocabulary (and pipeline stages split its layers); no
    // transformer layer is derived from them: without heads its shape stays partial, its count given.
    layers: layers ?? spec.hybrid?.layers,
    hidden: hidden ?? spec.hybrid?.hidden,
    ffn,
    heads,
    kvHeads,
    headDim,
    vocab: vocab ?? spec.hybrid?.vocab,
    mlp,
    norm,
    normsPerLayer: spec.normsPerLayer ?? 2,
    bias: spec.bias ?? false,
    qkvBias: spec.qkvBias ?? false,
    attentionBias: spec.attentionBias ?? false,
    qkNorm: spec.qkNorm ?? false,
    attentionSinks: spec.attentionSinks ?? false,
    tiedEmbeddings: spec.tiedEmbeddings ?? false,
    dropout: spec.dropout ?? 0,
    positionEmbeddings: spec.positions,
    moe,
    mla,
    slidingWindow,
    mtpLayers: spec.mtpLayers ?? 0,
    includeMtp: spec.includeMtp ?? false,
    contextLength: spec.context,
    modelType: spec.modelType,
    ...(spec.checkpoint ? {checkpoint: spec.checkpoint} : {}),
    ...(spec.hybrid ? {hybrid: spec.hybrid} : {}),
    ...(spec.vision && !withVision ? {visionOmitted: spec.vision} : {}),
    ...(spec.visionShape ? {visionShape: spec.visionShape} : {}),
    ...(withVision && spec.visionParams !== undefined
      ? {vision: {type: spec.vision as string, params: spec.visionParams}}
      : {}),
  }
  if (architecture.checkpoint?.notConverted && missingShapeFields(architecture).length === 0) {
    architecture.checkpoint = exactCheckpoint(
      architecture.checkpoint,
      paramInventory(architecture),
      architecture.layers ?? 0,
    )
  }
  if (spec.givenParams !== undefined && missingShapeFields(architecture).length === 0) {
    // The shape counts the parameters exactly; a `params` beside it would be silently unused.
    const counted = paramInventory(architecture).total
    diagnostics.push(
      diagnostic(
        'incompatible',
        `\`params\` (${spec.givenParams.toLocaleString('en-US')}) is not used: the model's shape counts ${counted.toLocaleString('en-US')} parameters`,
        origins.givenParams?.path ?? context.path,
        {
          severity: 'warning',
          suggestion:
            'remove `params`, or give `params` without a full shape for a weights-only estimate',
        },
      ),
    )
  }
  return {architecture, diagnostics}
}

/**
 * The architecture described by a Hugging Face `config.json`.
 *
 * Supported `model_type`s: llama, mistral, mixtral, qwen2, qwen2_moe, qwen3,
 * qwen3_moe, deepseek_v2, deepseek_v3, gemma, gemma2, gemma3_text, phi3,
 * gpt_oss, gpt2 / gpt_bigcode, gpt_neox; anything else is read as a generic
 * decoder (Llama-style unless the activation / norm fields say otherwise).
 * Diagnostics are reported at `options.path` (default: the whole block).
 */
export function architectureFromHfConfig(
  config: Record<string, unknown>,
  id: string,
  name?: string,
  options: {path?: YamlPath | undefined} = {},
): {architecture?: Architecture; diagnostics: Diagnostic[]} {
  const path = options.path ?? []
  const {source, diagnostics} = specFromHfConfig(config, () => path)
  const built = buildArchitecture(source, {id, name: name ?? id, path, naming: 'hf'})
  const all = [...diagnostics, ...built.diagnostics]
  if (!built.architecture || diagnostics.some((d) => d.severity === 'error')) {
    return {diagnostics: all}
  }
  return {architecture: built.architecture, diagnostics: all}
}
