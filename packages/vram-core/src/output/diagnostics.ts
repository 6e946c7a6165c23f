import {parseFraction} from '../input/units.js'

/** Stable rule ids: users and tests rely on them. */
export type RuleId =
  | 'yaml-syntax'
  | 'unknown-key'
  | 'unknown-model'
  | 'unknown-gpu'
  | 'unsupported-model'
  | 'invalid-value'
  | 'missing-field'
  | 'incompatible'
  | 'config-read'
  | 'expect-mismatch'
  | 'measured-mismatch'
  | 'unknown-reference'

/** A path into the block's YAML, e.g. `['parallel', 'tp']` or `['vary', 'model', 1]`. */
export type YamlPath = ReadonlyArray<string | number>

/** A place in the YAML source: 1-based line and column, 0-based offset. */
export interface Point {
  line: number
  column: number
  offset: number
}

export interface Span {
  start: Point
  end: Point
}

/** One problem with a block, as data: the plugin and the CLI add file positions. */
export interface Diagnostic {
  ruleId: RuleId
  /** One sentence, no trailing period needed. */
  message: string
  /** Where in the YAML the offending key or value is (empty: the whole block). */
  path: YamlPath
  /** Point at the key itself rather than its value (unknown keys). */
  onKey?: boolean | undefined
  /** A fix the writer can apply, e.g. "did you mean `kv_heads`?". */
  suggestion?: string | undefined
  /** For syntax errors, which have no path: the span in the YAML source. */
  span?: Span | undefined
  /** For `expect-mismatch`: what the writer expected and what was computed. */
  expected?: string | undefined
  actual?: string | undefined
  /** `error` stops the block; `warning` keeps the output. */
  severity: 'error' | 'warning'
  /** For `missing-field`: the model fields that are missing (`layers`, `hidden`, ...). */
  fields?: string[] | undefined
}

export function diagnostic(
  ruleId: RuleId,
  message: string,
  path: YamlPath,
  extra: Partial<Omit<Diagnostic, 'ruleId' | 'message' | 'path'>> = {},
): Diagnostic {
  // Messages read as sentences, whoever wrote them.
  const sentence = message.charAt(0).toUpperCase() + message.slice(1)
  return {ruleId, message: sentence, path, severity: 'error', ...extra}
}

/** Thrown inside the engine when an input cannot be computed; caught at the API boundary. */
export class VramInputError extends Error {
  readonly diagnostics: Diagnostic[]
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; '))
    this.name = 'VramInputError'
    this.diagnostics = diagnostics
  }
}

/** Longest value "did you mean" compares (keys, dtypes, enum values are far shorter). */
const maxSuggestionInput = 64

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({length: b.length + 1}, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] as number
    previous[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] as number
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      previous[j] = Math.min(above + 1, (previous[j - 1] as number) + 1, diagonal + cost)
      diagonal = above
    }
  }
  return previous[b.length] as number
}

/**
 * "Did you mean": the candidate nearest by edit distance when one is close
 * (`num_hiden_layers` → `num_hidden_layers`, not the substring `layers`), else
 * a candidate that contains the input or is contained in it (`h100` →
 * `h100-sxm-80gb`).
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  // Names are short: a long value is no misspelling, and its distance would cost O(length).
  if (input.length > maxSuggestionInput) return undefined
  const needle = input.toLowerCase()
  const list = [...candidates]
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(needle.length / 4)) + 1
  for (const candidate of list) {
    const distance = editDistance(needle, candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  if (best !== undefined || needle.length < 2) return best
  return list.find((candidate) => {
    const hay = candidate.toLowerCase()
    return hay.includes(needle) || needle.includes(hay)
  })
}

/**
 * A user value as text for messages and labels. YAML mappings can carry keys
 * such as `toString` that break `String(value)`.
 */
export function display(value: unknown): string {
  // As YAML spells them: the writer typed `.inf`, not `Infinity`.
  if (typeof value === 'number' && !Number.isFinite(value))
    return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf'
  if (value === null || typeof value !== 'object') return String(value)
  try {
    return JSON.stringify(value)
  } catch {
    return Array.isArray(value) ? '[list]' : '{mapping}'
  }
}

/**
 * A share of a GPU written as `0.9` or `90%`: the fraction, or `undefined`
 * after pushing an `invalid-value` diagnostic at `path`.
 */
export function shareValue(
  value: unknown,
  path: YamlPath,
  message: string,
  suggestion: string,
  out: Diagnostic[],
): number | undefined {
  const fraction = parseFraction(value)
  if (fraction !== undefined && fraction > 0 && fraction <= 1) return fraction
  out.push(diagnostic('invalid-value', message, path, {suggestion}))
  return undefined
}
