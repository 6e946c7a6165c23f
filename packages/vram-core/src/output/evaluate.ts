import {compute} from '../components/compute.js'
import {own} from '../input/limits.js'
import {isRecord} from '../input/record.js'
import {expectNames, type ResultName, resultNameOf, resultNames} from '../input/result-names.js'
import {type BlockOptions, type ReadContext, readCore, readScenario} from '../input/scenario.js'
import {isSizeText, parseFraction, parseSize, unitBytes, writtenPrecision} from '../input/units.js'
import {parseCount} from '../model/count.js'
import type {
  BlockResult,
  Evaluation,
  Expectation,
  Result,
  Scenario,
  ShowKind,
  Solved,
  Units,
  VaryCase,
} from '../types.js'
import {advise} from './advice.js'
import {
  closest,
  type Diagnostic,
  diagnostic,
  display,
  VramInputError,
  type YamlPath,
} from './diagnostics.js'
import {checkMeasured} from './measured.js'
import {solve} from './solve.js'

export const defaultShow: readonly ShowKind[] = ['breakdown', 'summary']

/** Keys an `expect` mapping may check, and what kind of value each holds. */
export const expectKeys: Record<
  string,
  {kind: 'bytes' | 'count'; read: (result: Result, solved?: Solved) => number | undefined}
> = Object.fromEntries(
  expectNames.map((name) => {
    const spec: ResultName = resultNames[name]
    return [
      name,
      {
        kind: spec.kind === 'bytes' ? 'bytes' : 'count',
        read: (result: Result, solved?: Solved) => spec.read(result, solved) as number | undefined,
      },
    ]
  }),
)

/** Sets `value` at a dotted key (`parallel.tp`) in a shallow copy of `raw`. */
function withKey(
  raw: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const [head, tail] = key.split('.', 2) as [string, string | undefined]
  if (tail === undefined) return {...raw, [head]: value}
  const inner = isRecord(raw[head]) ? (raw[head] as Record<string, unknown>) : {}
  return {...raw, [head]: {...inner, [tail]: value}}
}

/** A short label for a swept value: the preset id, `7B`, `fp16`, `2`. */
export function valueLabel(value: unknown): string {
  if (isRecord(value)) {
    if (typeof value.name === 'string') return value.name
    if (value.params !== undefined && Object.keys(value).length === 1) return display(value.params)
    if (typeof value.extends === 'string') return value.extends
    return JSON.stringify(value)
  }
  return display(value)
}

/** Metrics a model given only by `params` can answer (no activations, no KV cache). */
export const shapeFreeMetrics = ['weights', 'gradients', 'optimizer', 'buffers', 'params'] as const

/** Whether a block reads only shape-free figures, so a params-only model may be computed partially. */
function partialAllowed(options: BlockOptions, show: readonly ShowKind[], vary: boolean): boolean {
  if (options.solve) return false
  if (vary) return (shapeFreeMetrics as readonly string[]).includes(options.metric ?? 'total')
  return show.length === 0
}

function computeSafely(
  scenario: Scenario,
  path: YamlPath,
  out: Diagnostic[],
  partial = false,
): Result | undefined {
  try {
    const result = compute(scenario, {partial})
    const bad = nonFinite(result)
    if (bad === undefined) return result
    // The input bounds keep every figure finite; this guard keeps a gap in them from printing ∞.
    out.push(
      diagnostic(
        'invalid-value',
        `This block's figures overflow (\`${bad}\` is not a finite number)`,
        path,
        {suggestion: 'use smaller counts; the README lists the plausible limits'},
      ),
    )
    return undefined
  } catch (error) {
    if (error instanceof VramInputError) {
      out.push(
        ...error.diagnostics.map((entry) => ({
          ...entry,
          path: entry.path.length ? entry.path : path,
        })),
      )
      return undefined
    }
    throw error
  }
}

/** The first number in a result that is NaN or infinite, as a dotted path; `undefined` if none. */
export function nonFinite(value: unknown, path = 'result', depth = 0): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path
  if (typeof value !== 'object' || value === null || depth > 8) return undefined
  for (const [key, entry] of Object.entries(value)) {
    const found = nonFinite(entry, `${path}.${key}`, depth + 1)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * Evaluates one block: validates every key, computes the scenario (or each
 * `vary` case), solves, advises and checks `expect`. Never throws on bad
 * input: problems come back as diagnostics with YAML paths.
 */
export function evaluateBlock(raw: unknown, context: ReadContext = {}): Evaluation {
  const {scenario, options, diagnostics} = readScenario(raw, context)
  const errors = () => diagnostics.some((entry) => entry.severity === 'error')
  const block: BlockResult = {
    id: options.id,
    show: options.show ?? [...defaultShow],
    units: options.units ?? context.defaults?.units,
    metric: options.metric ?? 'total',
    expectations: [],
  }
  if (options.vary && options.vary.length > 0 && isRecord(raw)) {
    block.varyKeys = options.vary.map((entry) => entry.key)
    block.cases = expandVary(
      raw,
      options,
      context,
      diagnostics,
      partialAllowed(options, block.show, true),
    )
    if (errors()) return {diagnostics}
    checkExpectations(block, options, diagnostics)
    checkMeasured(block, options.measured, diagnostics)
    return {block, diagnostics}
  }
  if (!scenario || errors()) return {diagnostics}
  const result = computeSafely(
    scenario,
    [],
    diagnostics,
    partialAllowed(options, block.show, false),
  )
  if (!result) return {diagnostics}
  block.result = result
  if (options.solve) block.solved = solve(scenario, options.solve)
  if (block.show.includes('advice')) {
    if (!scenario.gpu) {
      diagnostics.push(
        diagnostic('missing-field', '`show: advice` needs a `gpu` to decide what fits', ['show'], {
          suggestion: 'add `gpu: h100-sxm-80gb` (or another preset or capacity)',
        }),
      )
      return {diagnostics}
    }
    block.advice = advise(scenario)
  }
  checkExpectations(block, options, diagnostics)
  checkMeasured(block, options.measured, diagnostics)
  return {block, diagnostics}
}

function expandVary(
  raw: Record<string, unknown>,
  options: BlockOptions,
  context: ReadContext,
  out: Diagnostic[],
  partial: boolean,
): VaryCase[] {
  const axes = options.vary ?? []
  const base = {...raw}
  delete base.vary
  const combos: Array<Array<{key: string; value: unknown; index: number}>> = [[]]
  for (const axis of axes) {
    const next: typeof combos = []
    for (const combo of combos) {
      axis.values.forEach((entry, index) => {
        const value: unknown = entry
        next.push([...combo, {key: axis.key, value, index}])
      })
    }
    combos.splice(0, combos.length, ...next)
  }
  const cases: VaryCase[] = []
  const caseValues: unknown[][] = []
  // A problem the block's own keys already reported (checked once before the sweep) is not repeated.
  const signatureOf = (entry: Diagnostic, path: YamlPath) =>
    `${entry.ruleId}:${path.join('.')}:${entry.message}`
  const reported = new Set<string>(out.map((entry) => signatureOf(entry, entry.path)))
  for (const combo of combos) {
    let caseRaw = base
    for (const {key, value} of combo) caseRaw = withKey(caseRaw, key, value)
    const caseOut: Diagnostic[] = []
    const scenario = readCore(caseRaw, context, caseOut)
    const result = scenario ? computeSafely(scenario, [], caseOut, partial) : undefined
    // Point each problem at the swept value that caused it, once.
    for (const entry of caseOut) {
      const joined = entry.path.join('.')
      const axis = combo.find(({key}) => joined === key || joined.startsWith(`${key}.`))
      const path = axis
        ? ['vary', axis.key, axis.index, ...entry.path.slice(axis.key.split('.').length)]
        : entry.path
      const signature = signatureOf(entry, path)
      if (reported.has(signature)) continue
      reported.add(signature)
      out.push({...entry, path})
    }
    if (!scenario || !result) continue
    const vary: Record<string, unknown> = {}
    const labels: Record<string, string> = {}
    for (const {key, value} of combo) {
      vary[key] = value
      // A model or a GPU preset is labelled by its name (`Qwen2.5 7B`), as captions name it.
      const gpu = result.scenario.gpu
      labels[key] =
        key === 'model'
          ? result.model.name
          : key === 'gpu' && gpu && gpu.id !== 'custom'
            ? gpu.name
            : valueLabel(value)
    }
    const entry: VaryCase = {vary, labels, result}
    if (options.solve) entry.solved = solve(scenario, options.solve)
    cases.push(entry)
    caseValues.push(combo.map(({value}) => value))
  }
  distinguishNames(
    cases,
    caseValues,
    axes.map((axis) => axis.key),
  )
  return cases
}

/** A value in YAML flow style: `{extends: llama-2-7b, layers: 16}`. */
function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`
  if (isRecord(value)) {
    return `{${Object.entries(value)
      .map(([key, inner]) => `${key}: ${flow(inner)}`)
      .join(', ')}}`
  }
  return display(value)
}

/**
 * Two different swept models (or GPUs) with the same name would share a row
 * of a matrix: those labels get the value as written (`Llama 2 7B (modified)
 * {extends: llama-2-7b, layers: 16}`).
 */
function distinguishNames(cases: VaryCase[], values: unknown[][], keys: string[]): void {
  keys.forEach((key, axis) => {
    if (key !== 'model' && key !== 'gpu') return
    const written = new Map<string, Set<string>>()
    cases.forEach((entry, index) => {
      const label = entry.labels[key] ?? ''
      const set = written.get(label) ?? new Set<string>()
      set.add(JSON.stringify(values[index]?.[axis]))
      written.set(label, set)
    })
    cases.forEach((entry, index) => {
      const label = entry.labels[key] ?? ''
      if ((written.get(label)?.size ?? 0) > 1) {
        entry.labels[key] = `${label} ${flow(values[index]?.[axis])}`
      }
    })
  })
}

function checkExpectations(block: BlockResult, options: BlockOptions, out: Diagnostic[]): void {
  const expect = options.expect
  if (!expect) return
  const {tolerance: toleranceRaw, ...entries} = expect
  let relative: number | undefined
  let absolute: number | undefined
  if (toleranceRaw !== undefined) {
    const text = display(toleranceRaw)
    if (text.trim().endsWith('%')) relative = parseFraction(text)
    else absolute = parseSize(toleranceRaw)
    if (relative === undefined && absolute === undefined) {
      out.push(
        diagnostic(
          'invalid-value',
          '`expect.tolerance` must be a percentage or a size',
          ['expect', 'tolerance'],
          {
            suggestion: 'for example `tolerance: 5%` or `tolerance: 1 GB`',
          },
        ),
      )
      return
    }
  }
  const targets: Array<{result: Result; solved?: Solved | undefined; label?: string}> = block.result
    ? [{result: block.result, solved: block.solved}]
    : (block.cases ?? []).map((entry) => ({
        result: entry.result,
        solved: entry.solved,
        label: Object.values(entry.labels).join(' × '),
      }))
  for (const [key, written] of Object.entries(entries)) {
    const spec = own(expectKeys, resultNameOf(key))
    if (!spec) {
      const guess = closest(key, [...Object.keys(expectKeys), 'tolerance'])
      out.push(
        diagnostic('unknown-key', `\`expect\` cannot check \`${key}\``, ['expect', key], {
          onKey: true,
          suggestion: guess
            ? `did you mean \`${guess}\`?`
            : `use ${Object.keys(expectKeys).join(', ')}`,
        }),
      )
      continue
    }
    // With `vary`, a list gives one expected value per case, in order.
    const values = Array.isArray(written) ? written : [written]
    if (
      Array.isArray(written) !== (block.result === undefined) ||
      values.length !== targets.length
    ) {
      out.push(
        diagnostic(
          'invalid-value',
          block.result
            ? `\`expect.${key}\` takes one value`
            : `\`expect.${key}\` needs a list of ${targets.length} values, one per case`,
          ['expect', key],
        ),
      )
      continue
    }
    values.forEach((entry, index) => {
      let value: unknown = entry
      const target = targets[index] as (typeof targets)[number]
      const path = Array.isArray(written) ? ['expect', key, index] : ['expect', key]
      if (value === null || value === undefined || value === '-') return
      // `{value: 32.8 GB, erratum: why}` records a figure known to be wrong (for errata lists).
      let erratum: string | undefined
      if (isRecord(value)) {
        const extra = Object.keys(value).filter((name) => name !== 'value' && name !== 'erratum')
        if (extra.length > 0 || value.value === undefined) {
          out.push(
            diagnostic(
              'invalid-value',
              `\`expect.${key}\` as a mapping takes \`value\` and \`erratum\``,
              path,
              {
                suggestion: '`{value: 32.8 GB, erratum: why the original is wrong}`',
              },
            ),
          )
          return
        }
        erratum = value.erratum === undefined ? undefined : display(value.erratum)
        value = value.value
      }
      const expected = spec.kind === 'bytes' ? parseSize(value) : parseCount(value)
      if (expected === undefined && spec.kind === 'bytes' && isSizeText(value)) {
        out.push(
          diagnostic(
            'invalid-value',
            `\`expect.${key}\` (${display(value)}) is past the plausible limit of 1 PB`,
            path,
            {suggestion: 'write the size you expect, such as `14 GB`'},
          ),
        )
        return
      }
      if (expected === undefined) {
        out.push(
          diagnostic(
            'invalid-value',
            `\`expect.${key}\` must be ${spec.kind === 'bytes' ? 'a size such as `14 GB`' : 'a number such as `7.6B`'}`,
            path,
          ),
        )
        return
      }
      const missing = target.result.missing
      if (missing && (key === 'total' || key === 'activations' || key === 'kv_cache')) {
        out.push(
          diagnostic(
            'missing-field',
            `\`expect.${key}\` needs the model's shape (${missingFields(missing)})`,
            path,
            {
              suggestion: 'use a preset or give layers, hidden, heads, vocab and ffn',
            },
          ),
        )
        return
      }
      const actual = spec.read(target.result, target.solved)
      if (actual === undefined) {
        out.push(
          diagnostic('invalid-value', `\`expect.${key}\` has nothing to compare with here`, path, {
            suggestion:
              key === 'solved'
                ? 'add `solve: batch`'
                : key === 'kv_tokens' || key === 'max_concurrency'
                  ? 'add `serve: {engine: vllm}`'
                  : undefined,
          }),
        )
        return
      }
      const tolerance =
        relative !== undefined
          ? Math.abs(expected) * relative
          : (absolute ?? (spec.kind === 'bytes' ? writtenPrecision(value) : countPrecision(value)))
      const expectation: Expectation = {
        key,
        path,
        expected,
        actual,
        tolerance,
        written: display(value),
        kind: spec.kind,
        ok: Math.abs(actual - expected) <= tolerance,
        erratum,
      }
      block.expectations.push(expectation)
      if (erratum !== undefined && expectation.ok) {
        out.push(
          diagnostic(
            'expect-mismatch',
            `\`expect.${key}\` is marked as an erratum but now matches (${describe(actual, spec.kind, block.units)})`,
            path,
            {
              severity: 'warning',
              suggestion: 'remove `erratum`',
            },
          ),
        )
      } else if (erratum === undefined && !expectation.ok) {
        // A size without a unit is bytes: say so, since `17.6` usually meant GB.
        const unitless = spec.kind === 'bytes' && /^[\d.e+-]+$/i.test(display(value).trim())
        const written = unitless
          ? `${display(value)} bytes (a size without a unit is in bytes)`
          : display(value)
        out.push(
          diagnostic(
            'expect-mismatch',
            `Expected ${key}${target.label ? ` (${target.label})` : ''} ${written}, computed ${describe(actual, spec.kind, block.units)}`,
            path,
            {
              expected: display(value),
              actual: describe(actual, spec.kind, block.units),
              suggestion: unitless
                ? `write the unit, e.g. \`${display(value)} ${block.units ?? 'GB'}\``
                : `write ${describe(actual, spec.kind, block.units)}, or widen \`expect.tolerance\``,
              severity: 'error',
            },
          ),
        )
      }
    })
  }
}

/** `` `layers`, `hidden`, `heads` ``: the fields a partial result lacks, each once. */
export function missingFields(missing: Partial<Record<string, string[]>>): string {
  const fields = [...new Set(Object.values(missing).flatMap((entry) => entry ?? []))]
  return fields.map((field) => `\`${field}\``).join(', ')
}

function countPrecision(value: unknown): number {
  if (typeof value === 'number') return 0.5
  const match = /^\s*~?\s*\d+(?:\.(\d+))?\s*([kmbt])?\s*$/i.exec(display(value))
  if (!match) return 0.5
  const scale = {k: 1e3, m: 1e6, b: 1e9, t: 1e12}[(match[2] ?? '').toLowerCase() as 'k'] ?? 1
  return 0.5 * 10 ** -(match[1]?.length ?? 0) * scale
}

/** Plain-text figure for messages, in the block's units (decimal GB by default). */
export function describe(value: number, kind: 'bytes' | 'count', units: Units = 'GB'): string {
  if (kind === 'count')
    // Below a billion (an adapter's trainable count), the exact integer the writer can paste.
    return Number.isInteger(value) && value < 1e9
      ? display(value)
      : `${Number((value / 1e9).toPrecision(4))}B`
  return `${Number((value / unitBytes(units)).toPrecision(4))} ${units}`
}
