/**
 * A local `.gguf` file as a model: its header (metadata and tensor infos, read
 * on Node by `@huggingface/gguf`, see `./gguf-node.ts`) gives the shape and
 * the exact bytes of every tensor, so the weights are the file's tensor data,
 * whatever mix or importance matrix produced it.
 *
 * The shape is read from llama.cpp's metadata keys (`<arch>.block_count`,
 * `<arch>.embedding_length`, `<arch>.attention.head_count_kv`, ...) into the
 * equivalent Hugging Face config fields, then read like any config.json.
 */
import type {HfConfig} from './presets.js'

/** What the engine needs of a GGUF header (plain data, so it crosses into the browser-safe core). */
export interface GgufSummary {
  kind: 'gguf'
  /** `general.architecture`, e.g. `llama`, `qwen2`, `deepseek2`. */
  architecture: string
  /** Numeric, string and boolean metadata; arrays reduced to their length (`tokenizer.ggml.tokens`). */
  metadata: Readonly<Record<string, number | string | boolean>>
  tensors: ReadonlyArray<{name: string; type: number; elements: number}>
}

/** ggml type id → [block size, bytes per block] (ggml `type_traits`, ggml-org/ggml@d99724f). */
export const ggmlBlocks: Readonly<Record<number, readonly [number, number]>> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  9: [32, 36], // Q8_1
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  15: [256, 292], // Q8_K
  16: [256, 66], // IQ2_XXS
  17: [256, 74], // IQ2_XS
  18: [256, 98], // IQ3_XXS
  19: [256, 50], // IQ1_S
  20: [32, 18], // IQ4_NL
  21: [256, 110], // IQ3_S
  22: [256, 82], // IQ2_S
  23: [256, 136], // IQ4_XS
  24: [1, 1], // I8
  25: [1, 2], // I16
  26: [1, 4], // I32
  27: [1, 8], // I64
  28: [1, 8], // F64
  29: [256, 56], // IQ1_M
  30: [1, 2], // BF16
  34: [256, 54], // TQ1_0
  35: [256, 66], // TQ2_0
  39: [32, 17], // MXFP4
}

export function isGgufSummary(value: unknown): value is GgufSummary {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as {kind?: unknown}).kind === 'gguf' &&
    Array.isArray((value as {tensors?: unknown}).tensors)
  )
}

/** Bytes of one tensor of ggml type `type` with `elements` elements, or `undefined` for an unknown type. */
export function ggmlTensorBytes(type: number, elements: number): number | undefined {
  const block = Object.hasOwn(ggmlBlocks, type) ? ggmlBlocks[type] : undefined
  return block ? Math.ceil(elements / block[0]) * block[1] : undefined
}

/** Bytes of tensor data in the file (each tensor's blocks; alignment padding left out), or the unknown type. */
export function ggufTensorBytes(summary: GgufSummary): {bytes: number} | {unknownType: number} {
  let bytes = 0
  for (const tensor of summary.tensors) {
    const block = ggmlBlocks[tensor.type]
    if (!block) return {unknownType: tensor.type}
    bytes += Math.ceil(tensor.elements / block[0]) * block[1]
  }
  return {bytes}
}

/** llama.cpp architecture names → Hugging Face `model_type`s this engine reads. */
const modelTypes: Readonly<Record<string, string>> = {
  llama: 'llama',
  mistral3: 'mistral',
  qwen2: 'qwen2',
  qwen2moe: 'qwen2_moe',
  qwen3: 'qwen3',
  qwen3moe: 'qwen3_moe',
  gemma: 'gemma',
  gemma2: 'gemma2',
  gemma3: 'gemma3_text',
  phi3: 'phi3',
  deepseek2: 'deepseek_v3',
  'gpt-oss': 'gpt_oss',
  olmo2: 'olmo2',
  glm4moe: 'glm4_moe',
  llama4: 'llama4_text',
  mamba: 'mamba',
  mamba2: 'mamba2',
  jamba: 'jamba',
  nemotron_h: 'nemotron_h',
  qwen3next: 'qwen3_next',
  rwkv6: 'rwkv',
  rwkv7: 'rwkv7',
}

/** The llama.cpp metadata key (after `<arch>.`) each Hugging Face field of `ggufConfig` is read from. */
const ggufKeyOfField: Readonly<Record<string, string>> = {
  num_hidden_layers: 'block_count',
  hidden_size: 'embedding_length',
  intermediate_size: 'feed_forward_length',
  num_attention_heads: 'attention.head_count',
  num_key_value_heads: 'attention.head_count_kv',
  head_dim: 'attention.key_length',
  vocab_size: 'vocab_size',
  max_position_embeddings: 'context_length',
  sliding_window: 'attention.sliding_window',
  num_experts: 'expert_count',
  num_experts_per_tok: 'expert_used_count',
  moe_intermediate_size: 'expert_feed_forward_length',
  n_shared_experts: 'expert_shared_count',
  first_k_dense_replace: 'leading_dense_block_count',
  kv_lora_rank: 'attention.kv_lora_rank',
  q_lora_rank: 'attention.q_lora_rank',
  qk_rope_head_dim: 'rope.dimension_count',
  v_head_dim: 'attention.value_length',
}

/**
 * A message about a Hugging Face field that came from a GGUF header, naming
 * the header's key too (a writer with a `.gguf` file knows `llama.block_count`,
 * not `num_hidden_layers`).
 */
export function withGgufKey(message: string, summary: GgufSummary): string {
  return message.replace(/^`(\w+)`/, (whole, field: string) => {
    const key = Object.hasOwn(ggufKeyOfField, field) ? ggufKeyOfField[field] : undefined
    return key ? `\`${summary.architecture}.${key}\` in the GGUF header` : whole
  })
}

/** The equivalent Hugging Face config of a GGUF header. */
export function ggufConfig(summary: GgufSummary): HfConfig {
  const arch = summary.architecture
  const meta = summary.metadata
  const number = (key: string): number | undefined => {
    const value = meta[`${arch}.${key}`]
    return typeof value === 'number' ? value : undefined
  }
  const tensors = new Set(summary.tensors.map((tensor) => tensor.name))
  const vocab =
    number('vocab_size') ??
    (typeof meta['tokenizer.ggml.tokens'] === 'number' ? meta['tokenizer.ggml.tokens'] : undefined)
  const keyLength = number('attention.key_length')
  const rope = number('rope.dimension_count')
  const kvLora = number('attention.kv_lora_rank')
  const config: Record<string, unknown> = {
    model_type: modelTypes[arch] ?? arch,
    num_hidden_layers: number('block_count'),
    hidden_size: number('embedding_length'),
    intermediate_size: number('feed_forward_length'),
    num_attention_heads: number('attention.head_count'),
    num_key_value_heads: number('attention.head_count_kv'),
    head_dim: kvLora === undefined ? keyLength : undefined,
    vocab_size: vocab,
    max_position_embeddings: number('context_length'),
    // No `output.weight` tensor: the LM head is the embedding.
    tie_word_embeddings: !tensors.has('output.weight'),
    sliding_window: number('attention.sliding_window'),
  }
  const experts = number('expert_count')
  if (experts !== undefined && experts > 0) {
    config.num_experts = experts
    config.num_experts_per_tok = number('expert_used_count')
    config.moe_intermediate_size = number('expert_feed_forward_length')
    const shared = number('expert_shared_count')
    if (shared !== undefined) config.n_shared_experts = shared
    const dense = number('leading_dense_block_count')
    if (dense !== undefined) config.first_k_dense_replace = dense
  }
  if (kvLora !== undefined) {
    config.kv_lora_rank = kvLora
    config.q_lora_rank = number('attention.q_lora_rank') ?? null
    config.qk_rope_head_dim = rope
    config.qk_nope_head_dim =
      keyLength !== undefined && rope !== undefined ? keyLength - rope : undefined
    config.v_head_dim = number('attention.value_length')
  }
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined))
}
