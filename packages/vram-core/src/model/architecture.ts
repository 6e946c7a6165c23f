import type {HybridState} from './hybrid.js'
/**
 * The architecture of a decoder-only transformer, normalised from any of the
 * forms a writer may use (preset, the article's symbols, Hugging Face
 * `config.json` fields). Everything the memory formulas need, nothing else.
 */
export interface Architecture {
  /** Preset id (HF repo id) when the model came from a preset, else a generated name. */
  id: string
  /** Human-readable name for captions. */
  name: string
  /**
   * A total parameter count given directly (`params: 7B`). When set and the
   * shape fields are missing, only weight/optimizer/gradient components can be
   * computed; activation and KV-cache components report `missing-field`.
   */
  givenParams?: number | undefined
  /**
   * Parameters of the largest layer (DeepSpeed's `largest_layer_params`): what
   * ZeRO-3 gathers at once. Computed from the shape when there is one.
   */
  largestLayer?: number | undefined
  /** Number of transformer layers (`L`). */
  layers?: number | undefined
  /** Hidden size (`h`, `d`). */
  hidden?: number | undefined
  /** Dense MLP intermediate size (`d_ff`, `f`). */
  ffn?: number | undefined
  /** Attention heads (`a`, `n_h`). */
  heads?: number | undefined
  /** Key/value heads (`k`, `n_kv`); = heads for MHA, 1 for MQA. */
  kvHeads?: number | undefined
  /** Head dimension (`d_h`); defaults to hidden / heads. */
  headDim?: number | undefined
  /** Vocabulary size (`V`). */
  vocab?: number | undefined
  /** `gated` (SwiGLU/GeGLU: gate, up, down) or `plain` (GeLU: fc1, fc2). */
  mlp: 'gated' | 'plain'
  /** `rms` (weight only) or `layer` (weight and bias). */
  norm: 'rms' | 'layer'
  /** Norms per layer (2 for Llama, 4 for Gemma 2's sandwich norms). */
  normsPerLayer: number
  /** Every linear layer carries a bias (GPT-2/GPT-3 style). */
  bias: boolean
  /** Only q/k/v projections carry a bias (Qwen2). */
  qkvBias: boolean
  /** q, k, v and o projections carry biases (gpt-oss). */
  attentionBias: boolean
  /**
   * RMSNorm on q and k: `true` per head (Qwen3, Gemma 3, GLM-4.5: head_dim
   * weights each), `projection` over the whole q and k projections (OLMo 2).
   */
  qkNorm: boolean | 'projection'
  /** One learned sink logit per head (gpt-oss). */
  attentionSinks: boolean
  /** Input embedding and LM head share one matrix. */
  tiedEmbeddings: boolean
  /** Dropout probability; dropout masks (1 byte each) are saved for backward when > 0. */
  dropout: number
  /** Learned absolute position embeddings (GPT-2/3): `positions × hidden` params. */
  positionEmbeddings?: number | undefined
  /** Mixture of experts, when present. */
  moe?: MoeArchitecture | undefined
  /** Multi-head latent attention (DeepSeek-V2/V3), when present. */
  mla?: MlaArchitecture | undefined
  /** Sliding-window attention: window length and which layers use it. */
  slidingWindow?: {window: number; layers: number} | undefined
  /** Multi-token-prediction modules stored with the model (DeepSeek-V3: 1). */
  mtpLayers: number
  /** Count the MTP modules in parameters and memory (off by default: plain inference skips them). */
  includeMtp: boolean
  /** The model's trained context length (default `seq`). */
  contextLength?: number | undefined
  /** Hugging Face `model_type` when the model came from a config: it names the linear modules (PEFT targets). */
  modelType?: string | undefined
  /**
   * How the checkpoint stores its weights, from its `quantization_config`
   * (FP8 blocks, MXFP4 experts, AWQ/GPTQ groups): the default weight format
   * when a block gives no `dtype`.
   */
  checkpoint?: CheckpointQuantization | undefined
  /** The config's vision encoder (`model_type`), which the count leaves out. */
  visionOmitted?: string | undefined
  /** The vision encoder and projector, when counted (`vision: true`): weights only. */
  vision?: {type: string; params: number} | undefined
  /** The vision encoder's shape, when the config has one (Ollama budgets its graph). */
  visionShape?: import('./vision.js').VisionShape | undefined
  /** A local GGUF file's tensors (name, ggml type id, elements): llama.cpp's real per-tensor mix. */
  ggufTensors?: ReadonlyArray<{name: string; type: number; elements: number}> | undefined
  /** A hybrid model (Qwen3-Next, Nemotron-H): KV-cache layers and per-sequence recurrent state. */
  hybrid?: HybridState | undefined
}

export interface MoeArchitecture {
  /** Routed experts per MoE layer (`E`). */
  experts: number
  /** Routed experts each token goes to (top-k). */
  expertsPerToken: number
  /** Intermediate size of one routed expert. */
  expertFfn: number
  /** Shared (always-on) experts per MoE layer. */
  sharedExperts: number
  /** Intermediate size of one shared expert. */
  sharedExpertFfn: number
  /** The first `denseLayers` layers use a dense MLP of width `ffn` (DeepSeek `first_k_dense_replace`). */
  denseLayers: number
  /** Router carries a bias of `E` (gpt-oss; DeepSeek's `e_score_correction_bias`). */
  routerBias: boolean
  /** Each expert's projections carry biases (gpt-oss). */
  expertBias: boolean
  /** A sigmoid gate `Linear(hidden, 1)` scales the shared expert's output (Qwen2-MoE). */
  sharedExpertGate?: boolean | undefined
}

export interface MlaArchitecture {
  /** Rank of the low-rank query projection; `undefined` = full-rank q projection. */
  qLoraRank?: number | undefined
  /** Rank of the compressed KV latent (what the cache stores). */
  kvLoraRank: number
  qkNopeHeadDim: number
  qkRopeHeadDim: number
  vHeadDim: number
}

/**
 * How a tensor is split across devices.
 * - `tp`: split over tensor-parallel ranks (column/row parallel, vocab parallel).
 * - `replicated`: every tensor-parallel rank holds all of it (norms, routers).
 * - `expert`: routed-expert weights, split over expert-parallel × expert-tensor-parallel ranks.
 */
export type Sharding = 'tp' | 'replicated' | 'expert'

/**
 * Where a tensor lives along the pipeline.
 * - `layer`: once in every transformer layer of its `layerKind`.
 * - `first`: on the first pipeline stage (input embedding).
 * - `last`: on the last pipeline stage (final norm, LM head, MTP modules).
 */
export type Placement = 'layer' | 'first' | 'last'

/** Which layers a per-layer tensor appears in. */
export type LayerKind = 'all' | 'dense' | 'moe'

/** One group of identical parameter tensors. */
export interface ParamGroup {
  /** Stable name, e.g. `attn.q_proj`, `mlp.up_proj`, `experts.down_proj`. */
  name: string
  /** Component family, for breakdowns and `active` counting. */
  family:
    | 'embedding'
    | 'lm_head'
    | 'position'
    | 'attention'
    | 'mlp'
    | 'router'
    | 'expert'
    | 'shared_expert'
    | 'norm'
    | 'mtp'
    | 'vision'
  /** Elements in one instance of the tensor (rows × cols, or length). */
  elements: number
  /** Matrix shape when 2-D (Adafactor factors rows and columns). */
  shape?: readonly [number, number] | undefined
  sharding: Sharding
  placement: Placement
  /** For `placement: 'layer'`: which layers carry it. */
  layerKind?: LayerKind | undefined
  /**
   * Instances per carrying layer (e.g. `E` for routed experts). For `first`/`last`
   * groups: instances in total.
   */
  count: number
}

/** The parameter inventory of a model: every group, and the totals it implies. */
export interface ParamInventory {
  groups: ParamGroup[]
  /** Exact total. */
  total: number
  /** Parameters used per token (MoE: top-k + shared experts), embedding included. */
  active: number
  /** Layers that are dense / MoE (dense + moe = layers). */
  denseLayers: number
  moeLayers: number
  /**
   * The writer gave only `params` (no complete shape): `groups` is a single
   * group `params` (family `mlp`, `tp`, placement `layer`, count 1) holding
   * every parameter, with `denseLayers` 1 and `moeLayers` 0 so that the usual
   * sum (elements × count × layers) still equals `total`. Spread it evenly over
   * the model's layers (or pipeline stages) when placing it.
   */
  given?: boolean | undefined
}

/**
 * Which weights a sub-16-bit `dtype` applies to: `all` (the article's P × b),
 * `linear` (weight matrices of linear layers; embeddings, LM head, norms,
 * routers and biases stay bf16, as bitsandbytes/GPTQ/AWQ leave them) or
 * `experts` (routed-expert matrices only, as gpt-oss ships MXFP4).
 */
export type QuantizeScope = 'all' | 'linear' | 'experts'

/** A storage format: a named dtype or an explicit bits-per-weight figure. */
export interface Dtype {
  /** As the writer spelled it, normalised: `bf16`, `int4`, `4.5bpw`. */
  name: string
  /** Bits per element, scale overhead included where the format has it. */
  bits: number
}

/** How a checkpoint stores its weights (consumed by the weights and serving components). */
export interface CheckpointQuantization {
  /** `quant_method` as written in config.json: `fp8`, `mxfp4`, `awq`, `gptq`, `bitsandbytes`. */
  method: string
  /** Storage of the quantized matrices, scales included. */
  dtype: Dtype
  /** Which matrices are quantized; the others stay 16-bit. */
  scope: QuantizeScope
  /** For captions: `FP8 e4m3, 128×128 blocks`, `AWQ 4-bit, group 128`. */
  label: string
  /** Group (AWQ/GPTQ) or block (FP8) size, when the format has one. */
  groupSize?: number | undefined
  blockSize?: readonly [number, number] | undefined
  /**
   * Modules the config keeps out of the format by name (`modules_to_not_convert`
   * of fbgemm FP8: `model.layers.0.self_attn.q_proj`, `lm_head`): the weights
   * are then counted module by module (`exactCheckpoint`).
   */
  notConverted?: readonly string[] | undefined
}

/** Where a module sits in a layer; `attention` and `mlp` are also target keywords. */
export type ModuleBlock = 'attention' | 'mlp' | 'router'

/** One linear module per carrying layer (or `count` of them: routed experts). */
export interface LinearModule {
  /** The name PEFT matches: the last component of the module's path. */
  name: string
  block: ModuleBlock
  inFeatures: number
  outFeatures: number
  layerKind: LayerKind
  /** Instances per carrying layer (routed experts: E). */
  count: number
  /** Instances a token passes through per carrying layer (routed experts: top-k). */
  activeCount: number
  /** The inventory groups (weight matrices) this module holds. */
  groups: string[]
}
