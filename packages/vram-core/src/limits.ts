import {display} from './diagnostics.js'

/**
 * Plausible limits for every count and size a block (or a config.json) may
 * give. Each is far above any model, job or accelerator that exists (the
 * reason is next to it) and low enough that every figure the engine derives
 * from them stays a finite double and every loop over them ends at once. A
 * value past its limit is an `invalid-value` diagnostic at its position, never
 * a computation.
 */
export const limits = {
  /** Transformer layers: the deepest published decoders have < 200 (DeepSeek-V3: 61, Llama 3.1 405B: 126). */
  layers: 10_000,
  /** Hidden size: the widest published models use 16,384–18,432 (Llama 3.1 405B, PaLM). */
  hidden: 1_048_576,
  /** MLP / expert intermediate sizes: 4–8 × the widest hidden size. */
  ffn: 8_388_608,
  /** Attention heads (query or KV): published models use ≤ 128. */
  heads: 65_536,
  /** Head dimension and MLA ranks / head dims: published models use ≤ 1,536. */
  headDim: 65_536,
  /** Vocabulary: the largest published vocabularies are 256K (Gemma). */
  vocab: 16_777_216,
  /** Routed or shared experts: published MoE models use ≤ 384 (Kimi K2). */
  experts: 65_536,
  /** Context / sequence length in tokens: the longest published context is 10M (Llama 4 Scout). */
  seq: 1_073_741_824,
  /** Sliding window / learned positions / context of a model config: as `seq`. */
  positions: 1_073_741_824,
  /** Global or micro batch, gradient accumulation steps: ≥ 1000 × a large pre-training batch. */
  batch: 16_777_216,
  /** A parallel degree (dp, tp, pp, vpp, ep, etp, cp): more than every GPU ever built. */
  parallel: 16_777_216,
  /** MTP modules: DeepSeek-V3 has 1. */
  mtp: 1_024,
  /** Parameters: 10^15, 500 × the largest model ever announced (~2T). */
  params: 1e15,
  /** Bytes of one accelerator (`gpu:`) or of `buffers`: 1 PB, 3,000 × the largest HBM stack (288 GB). */
  bytes: 1e15,
  /** The smallest `gpu:` capacity that is a memory size and not a typo: 1 MiB. */
  minGpuBytes: 2 ** 20,
  /** Values in one `vary` list. */
  varyValues: 100,
  /** Cases of a whole `vary` sweep (both lists multiplied). */
  varyCases: 1_000,
  /** Nesting depth of a block's YAML (mappings and lists inside each other). */
  yamlDepth: 64,
  /** Bytes of a local `config.json` (`model: {config: …}`); real ones are < 10 KB. */
  configBytes: 4 * 2 ** 20,
} as const

export type LimitName = keyof typeof limits

/** `1,073,741,824` style, for messages (locale-independent). */
export function formatLimit(value: number): string {
  if (value >= 1e12 && Number.isInteger(Math.log10(value))) return `10^${Math.log10(value)}`
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** Whether `value` has `key` as its own property (never one inherited from `Object.prototype`). */
export function hasOwn(value: object, key: PropertyKey): boolean {
  return Object.hasOwn(value, key)
}

/** `record[key]` if it is `record`'s own property, else `undefined`. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return hasOwn(record, key) ? record[key] : undefined
}

/** A number as YAML spells it in messages: `.inf`, `-.inf`, `.nan`, `1e+308`. */
export function yamlNumber(value: number): string {
  if (Number.isNaN(value)) return '.nan'
  if (value === Number.POSITIVE_INFINITY) return '.inf'
  if (value === Number.NEGATIVE_INFINITY) return '-.inf'
  return String(value)
}

/** Why a value is not a whole number in `[min, max]`, as a message and a fix (`undefined`: it is). */
export function wholeNumberProblem(
  value: unknown,
  key: string,
  min: number,
  max: number,
): {message: string; suggestion?: string | undefined} | undefined {
  const range = `a whole number from ${formatLimit(min)} to ${formatLimit(max)}`
  const shown = typeof value === 'number' ? yamlNumber(value) : display(value)
  const plain = `\`${key}\` must be a whole number ≥ ${min}, not \`${shown}\``
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= min && value <= max) return undefined
    if (!Number.isFinite(value)) return {message: plain, suggestion: `use ${range}`}
    if (value > max)
      return {
        message: `\`${key}\` (${shown}) is past the plausible limit of ${formatLimit(max)}`,
        suggestion: `use ${range}; the README lists every limit`,
      }
    if (value < min) return {message: plain}
    return {message: plain, suggestion: `use a whole number such as ${Math.round(value) || min}`}
  }
  if (typeof value === 'string') {
    const trimmed = value.trim()
    const asNumber = trimmed === '' ? Number.NaN : Number(trimmed)
    if (Number.isInteger(asNumber) && asNumber >= min && asNumber <= max)
      return {
        message: `\`${key}\` must be a number, not the string "${value}"`,
        suggestion: `remove the quotes: \`${key}: ${trimmed}\``,
      }
  }
  return {message: plain, suggestion: `use ${range}`}
}
