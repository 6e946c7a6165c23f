/**
 * Parameter counts as writers spell them: `7B`, `6.74B`, `350M`, `1.5e9`,
 * `7 B`, `6,738,415,616`, or a plain number.
 */

const SUFFIX_EXPONENT: Record<string, number> = {k: 3, m: 6, b: 9, g: 9, t: 12}

const COUNT_PATTERN = /^(\d+(?:\.\d*)?|\.\d+)(e[+-]?\d+)?\s*([kmbgt])?$/i

/**
 * Parse a parameter count. Returns `undefined` for anything that is not a
 * finite, non-negative count (the caller reports `invalid-value`). Fractional
 * results (`1.2345678901B`) are rounded to the nearest integer.
 */
export function parseCount(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined
  }
  if (typeof value !== 'string') return undefined
  // Digit-group separators between digits: 6,738,415,616 or 6_738_415_616.
  const text = value.trim().replace(/(?<=\d)[,_](?=\d{3})/g, '')
  const match = COUNT_PATTERN.exec(text)
  if (!match) return undefined
  const [, mantissa = '', exponent = '', suffix] = match
  const suffixExponent = suffix ? (SUFFIX_EXPONENT[suffix.toLowerCase()] ?? 0) : 0
  const ownExponent = exponent ? Number(exponent.slice(1)) : 0
  // Build the literal textually so that `6.74B` is exactly 6740000000.
  const parsed = Number(`${mantissa}e${ownExponent + suffixExponent}`)
  return Number.isFinite(parsed) ? Math.round(parsed) : undefined
}

/** A short human form of a count: 6738415616 → `6.74B`, 7e9 → `7B`, 350e6 → `350M`. */
export function formatCount(count: number): string {
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ]
  for (const [scale, unit] of units) {
    // Decide on the rounded value, so 999,999,999 is `1B`, not `1000M`.
    const scaled = Number((count / scale).toPrecision(3))
    if (Math.abs(scaled) >= 1) return `${scaled}${unit}`
  }
  return String(count)
}
