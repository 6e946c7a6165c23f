import type {BlockSource, Diagnostic, Point} from 'vram-core'

/** `message [ruleId] (suggestion)`, with `warning: ` first for warnings. */
export function describeDiagnostic(entry: Diagnostic): string {
  const level = entry.severity === 'warning' ? 'warning: ' : ''
  const suggestion = entry.suggestion ? ` (${entry.suggestion})` : ''
  return `${level}${entry.message} [${entry.ruleId}]${suggestion}`
}

/** `FILE:LINE:COLUMN: message [ruleId] (suggestion)`. */
export function formatDiagnostic(
  file: string,
  point: {line: number; column: number},
  entry: Diagnostic,
): string {
  return `${file}:${point.line}:${point.column}: ${describeDiagnostic(entry)}`
}

/**
 * Where a diagnostic is in a block's YAML body (1-based line and column): its
 * `span` for syntax errors, else the located path (the key itself for
 * `onKey`), else the start of the block.
 */
export function pointOf(entry: Diagnostic, source: BlockSource | undefined): Point {
  const span = entry.span ?? source?.locate(entry.path, entry.onKey === true)
  return span?.start ?? {line: 1, column: 1, offset: 0}
}

/** A figure the writer stated (`expect`, `measured`) that the computed one misses: exit 1. */
const mismatchRules: ReadonlySet<string> = new Set(['expect-mismatch', 'measured-mismatch'])

/** Errors other than a mismatch: the input cannot be computed (exit 2). */
export function isInvalid(entry: Diagnostic): boolean {
  return entry.severity === 'error' && !mismatchRules.has(entry.ruleId)
}

export function isMismatch(entry: Diagnostic): boolean {
  return entry.severity === 'error' && mismatchRules.has(entry.ruleId)
}
