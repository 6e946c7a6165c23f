/**
 * Reading a `serve:` mapping for one engine under its own setting names:
 * whole numbers, flags, choices and fractions, each problem a diagnostic at
 * the key the writer typed (`serve.ctx_size`), and the names left to the
 * engine's defaults recorded for captions.
 */

import {limits, wholeNumberProblem} from '../input/limits.js'
import {parseFraction} from '../input/units.js'
import {closest, type Diagnostic, diagnostic, display} from '../output/diagnostics.js'

type Raw = Record<string, unknown>

/** `ctx-size` → `ctx_size`; `OLLAMA_NUM_PARALLEL` → `num_parallel`. */
export function engineKey(key: string): string {
  return key
    .replace(/^OLLAMA_/i, '')
    .replace(/-/g, '_')
    .toLowerCase()
}

export class EngineReader {
  readonly defaulted: string[] = []
  private readonly values: Raw = {}
  private readonly written: Record<string, string> = {}

  constructor(
    readonly engine: string,
    raw: Raw,
    readonly keys: readonly string[],
    readonly out: Diagnostic[],
  ) {
    for (const [key, value] of Object.entries(raw)) {
      const name = engineKey(key)
      this.values[name] = value
      this.written[name] = key
      if (keys.includes(name)) continue
      const guess = closest(name, keys)
      out.push(
        diagnostic('unknown-key', `Unknown ${engine} setting \`${key}\``, ['serve', key], {
          onKey: true,
          suggestion: guess
            ? `did you mean \`${guess}\`?`
            : `${engine} settings: ${keys.filter((name) => name !== 'engine').join(', ')}`,
        }),
      )
    }
  }

  /** The YAML path of a setting as the writer spelled it. */
  path(key: string): Array<string> {
    return ['serve', this.written[key] ?? key]
  }

  given(key: string): boolean {
    const value = this.values[key]
    return value !== undefined && value !== null
  }

  raw(key: string): unknown {
    return this.values[key]
  }

  /** A whole number when given (`undefined` when absent, recorded as defaulted). */
  optionalInteger(key: string, minimum: number, maximum: number): number | undefined {
    if (!this.given(key)) {
      this.defaulted.push(key)
      return undefined
    }
    return this.integer(key, minimum, minimum, maximum)
  }

  /** A whole number in [minimum, maximum]; the fallback when absent or wrong. */
  integer(key: string, fallback: number, minimum = 1, maximum: number = limits.seq): number {
    if (!this.given(key)) {
      this.defaulted.push(key)
      return fallback
    }
    const value = this.values[key]
    const problem = wholeNumberProblem(value, key, minimum, maximum)
    if (!problem) return value as number
    this.out.push(
      diagnostic('invalid-value', problem.message, this.path(key), {
        suggestion: problem.suggestion,
      }),
    )
    return fallback
  }

  /** `true`/`false` (also `on`/`off`, 1/0); `auto` where the engine takes it. */
  flag<T extends boolean | 'auto'>(key: string, fallback: T, auto = false): boolean | 'auto' {
    if (!this.given(key)) {
      this.defaulted.push(key)
      return fallback
    }
    const value = this.values[key]
    if (typeof value === 'boolean') return value
    if (value === 0 || value === 1) return value === 1
    const text = display(value).trim().toLowerCase()
    if (text === 'on' || text === 'true') return true
    if (text === 'off' || text === 'false') return false
    if (auto && text === 'auto') return 'auto'
    this.out.push(
      diagnostic(
        'invalid-value',
        `\`${key}\` must be ${auto ? '`on`, `off` or `auto`' : 'true or false'}`,
        this.path(key),
        {suggestion: `write \`${key}: ${auto ? 'on' : 'true'}\``},
      ),
    )
    return fallback
  }

  /** One of `allowed` (case-insensitive); the fallback when absent or unknown. */
  choice<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    if (!this.given(key)) {
      this.defaulted.push(key)
      return fallback
    }
    const text = display(this.values[key]).trim().toLowerCase()
    const hit = allowed.find((entry) => entry.toLowerCase() === text)
    if (hit) return hit
    const guess = closest(text, allowed)
    this.out.push(
      diagnostic(
        'invalid-value',
        `\`${key}\` must be one of ${allowed.join(', ')}, not \`${display(this.values[key])}\``,
        this.path(key),
        {suggestion: guess ? `did you mean \`${guess}\`?` : `use one of ${allowed.join(', ')}`},
      ),
    )
    return fallback
  }

  /** A fraction strictly between 0 and 1 (`0.85`, `85%`). */
  fraction(key: string, fallback: number | undefined): number | undefined {
    if (!this.given(key)) {
      this.defaulted.push(key)
      return fallback
    }
    const value = parseFraction(this.values[key])
    if (value !== undefined && value > 0 && value < 1) return value
    this.out.push(
      diagnostic(
        'invalid-value',
        `\`${key}\` must be a fraction strictly between 0 and 1, not \`${display(this.values[key])}\``,
        this.path(key),
        {suggestion: `remove it for ${this.engine}’s own choice, or write a share such as 0.85`},
      ),
    )
    return fallback
  }

  /** A list of non-negative numbers (`tensor_split: [3, 1]` or `'3,1'`). */
  numbers(key: string): number[] | undefined {
    if (!this.given(key)) {
      this.defaulted.push(key)
      return undefined
    }
    const value = this.values[key]
    const items = Array.isArray(value)
      ? value
      : typeof value === 'string'
        ? value.split(/[,/]/).map((part) => Number(part.trim()))
        : [value]
    const numbers = items.map((item) => (typeof item === 'number' ? item : Number(item)))
    if (
      numbers.length > 0 &&
      numbers.length <= 128 &&
      numbers.every((n) => Number.isFinite(n) && n >= 0) &&
      numbers.some((n) => n > 0)
    )
      return numbers
    this.out.push(
      diagnostic(
        'invalid-value',
        `\`${key}\` must be a list of proportions such as \`[3, 1]\``,
        this.path(key),
        {suggestion: 'one non-negative number per GPU, at least one above 0'},
      ),
    )
    return undefined
  }
}
