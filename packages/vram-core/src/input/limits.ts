import {display} from '../output/diagnostics.js'

/**
 * Plausible limits for every count and size a block (or a config.json) may
 * give. Each is far above any model, job or accelerator that exists (the
 * reason is next to it) and low enough that every figure the engine derives
 * from them stays a finite double and every loop over them ends at once. A
 * value past its limit is an `invalid-value` diagnostic at its position, never
 * a computation. The README's "Limits" table is generated from this list.
 */
export const limitTable = {
  layers: {
    value: 10_000,
    applies: '`layers`, `dense_layers`, `sliding_layers`, config.json layer counts',
    why: 'the deepest published decoders have < 200 layers (Llama 3.1 405B: 126)',
  },
  hidden: {
    value: 1_048_576,
    applies: '`hidden` (`hidden_size`)',
    why: 'the widest published models use 16,384–18,432',
  },
  ffn: {
    value: 8_388_608,
    applies: '`ffn`, `expert_ffn`, `shared_expert_ffn` (`intermediate_size`, ...)',
    why: '8 × the hidden limit',
  },
  heads: {
    value: 65_536,
    applies: '`heads`, `kv_heads`',
    why: 'published models use ≤ 128',
  },
  headDim: {
    value: 65_536,
    applies: '`head_dim` and the MLA ranks and head sizes',
    why: 'published models use ≤ 1,536',
  },
  vocab: {
    value: 16_777_216,
    applies: '`vocab`',
    why: 'the largest published vocabularies are 256K',
  },
  experts: {
    value: 65_536,
    applies: '`experts`, `experts_per_token`, `shared_experts`',
    why: 'published MoE models use ≤ 384 routed experts',
  },
  seq: {
    value: 1_073_741_824,
    applies: '`seq`, `serve.max_model_len`, `serve.max_num_batched_tokens`',
    why: 'the longest published context is 10M tokens',
  },
  positions: {
    value: 1_073_741_824,
    applies: '`context`, `positions`, `sliding_window`, other config.json integers',
    why: 'as `seq`',
  },
  batch: {
    value: 16_777_216,
    applies: '`batch`, `micro_batch`, `grad_accum`, `serve.max_num_seqs`',
    why: '1,000 × a large pre-training batch',
  },
  parallel: {
    value: 16_777_216,
    applies: '`dp`, `tp`, `ep`, `etp`, `cp`, `serve.tensor_parallel_size`',
    why: 'more than every GPU ever built',
  },
  pipeline: {
    value: 1_024,
    applies: '`pp`, `serve.pipeline_parallel_size`',
    why: 'the deepest published pipelines use 16–32 stages (Llama 3 405B: pp 16)',
  },
  virtualStages: {
    value: 64,
    applies: '`vpp`',
    why: 'interleaved schedules use 2–8 model chunks per pipeline rank',
  },
  mtp: {value: 1_024, applies: '`mtp`', why: 'DeepSeek-V3 has 1 MTP module'},
  params: {
    value: 1e15,
    applies: '`params`, `model: 7e9`, the elements of a `.gguf` file’s tensors',
    why: '500 × the largest model announced (~2T)',
  },
  bytes: {
    value: 1e15,
    applies: '`gpu` and `buffers` sizes, `expect` sizes',
    why: '1 PB: 3,000 × the largest HBM stack (288 GB)',
  },
  minGpuBytes: {
    value: 2 ** 20,
    applies: 'the smallest `gpu` capacity (1 MiB)',
    why: 'a smaller "GPU" is a typo (`gpu: 80` without GB)',
  },
  varyValues: {value: 100, applies: 'values in one `vary` list', why: 'a readable table'},
  varyCases: {
    value: 1_000,
    applies: 'cases of a `vary` sweep (both lists multiplied)',
    why: 'a readable matrix',
  },
  blockChars: {
    value: 100_000,
    applies: 'characters in one block',
    why: 'real blocks are under 2,000 characters',
  },
  solvedCases: {
    value: 100,
    applies: 'cases of a `vary` sweep with `solve`',
    why: 'each solved case searches over many computations',
  },
  yamlDepth: {
    value: 64,
    applies: 'nesting of a block’s mappings and lists',
    why: 'a block needs 4 levels; deeper input would exhaust the parser’s stack',
  },
  configBytes: {
    value: 4 * 2 ** 20,
    applies: 'bytes of a local `config.json` (`model: {config: …}`), a regular file only',
    why: 'real ones are < 10 KB',
  },
  ggufHeaderBytes: {
    value: 50_000_000,
    applies:
      'bytes of a `.gguf` file’s header (metadata and tensor infos) that are read, a regular file only',
    why: 'headers with a 256K-token vocabulary are < 15 MB; @huggingface/gguf reads at most 50 MB',
  },
  ggufTensors: {
    value: 65_536,
    applies: 'tensors of a `.gguf` file',
    why: 'published GGUF models hold < 2,000 tensors (Llama 3.1 405B: 1,138)',
  },
  ggufReadSeconds: {
    value: 10,
    applies: 'seconds to read one `.gguf` header',
    why: 'a local header reads in milliseconds',
  },
  refBytes: {
    value: 4_096,
    applies: 'bytes of a Hugging Face cache `refs/main`, a regular file only',
    why: 'it holds one 40-character commit hash',
  },
  adapterRank: {
    value: 65_536,
    applies: '`adapter.rank`',
    why: 'no layer is wider (published LoRA ranks are ≤ 1,024)',
  },
  adapterAlpha: {
    value: 1_000_000,
    applies: '`adapter.alpha`',
    why: 'published alphas are ≤ 2 × the rank',
  },
} as const

/** The limits by name: `limits.layers` is 10,000. */
export const limits = Object.fromEntries(
  Object.entries(limitTable).map(([name, entry]) => [name, entry.value]),
) as {readonly [Name in keyof typeof limitTable]: (typeof limitTable)[Name]['value']}

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

/** Why a value is not a whole number in `[min, max]`, as a message and a fix (`undefined`: it is). */
export function wholeNumberProblem(
  value: unknown,
  key: string,
  min: number,
  max: number,
): {message: string; suggestion?: string | undefined} | undefined {
  const range = `a whole number from ${formatLimit(min)} to ${formatLimit(max)}`
  const shown = display(value)
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
