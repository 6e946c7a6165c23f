/**
 * `measured:` (spec §8): a figure someone measured (nvidia-smi, PyTorch's
 * allocator, a vLLM or llama.cpp log), with how and where, set beside the
 * computed one. The reader sees both and their ratio; `vram check` fails when
 * the computed figure leaves the tolerance (default 10 %).
 */
import {isSizeText, parseFraction, parseSize} from '../input/units.js'
import type {BlockResult, Measurement, Units} from '../types.js'
import {closest, type Diagnostic, diagnostic, display} from './diagnostics.js'
import {describe, expectKeys} from './evaluate.js'

/** The ways of measuring the spec names; any other text is kept as the writer wrote it. */
export const measuredHows = [
  'nvidia-smi',
  'allocated',
  'reserved',
  'vllm-log',
  'llama.cpp-log',
] as const

/** What each named way of measuring reads, for the reader's line. */
export const measuredHowLabels: Record<(typeof measuredHows)[number], string> = {
  'nvidia-smi': 'nvidia-smi',
  allocated: 'torch.cuda.max_memory_allocated',
  reserved: 'torch.cuda.max_memory_reserved',
  'vllm-log': 'vLLM log',
  'llama.cpp-log': 'llama.cpp log',
}

/** Default relative tolerance of a measured figure. */
export const defaultMeasuredTolerance = 0.1

/** The keys a `measured:` mapping may hold besides the one figure. */
const metaKeys = ['how', 'source', 'tolerance'] as const

/** Component keys a measured figure may name: every size `expect:` can check. */
export function measurableKeys(): string[] {
  return Object.entries(expectKeys)
    .filter(([, spec]) => spec.kind === 'bytes')
    .map(([key]) => key)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Reads `measured:` against a computed block, records a `Measurement` on it
 * and reports, at the offending key or value, what is wrong. Without a
 * computed single result (a `vary` sweep) it says where the figure belongs.
 */
export function checkMeasured(block: BlockResult, raw: unknown, out: Diagnostic[]): void {
  if (raw === undefined || raw === null) return
  const example = '`measured: {total: 15.2 GiB, how: nvidia-smi, source: https://…}`'
  if (!isRecord(raw)) {
    out.push(
      diagnostic('invalid-value', '`measured` must be a mapping', ['measured'], {
        suggestion: `for example ${example}`,
      }),
    )
    return
  }
  const keys = measurableKeys()
  const figures: string[] = []
  let bad = false
  for (const key of Object.keys(raw)) {
    if ((metaKeys as readonly string[]).includes(key)) continue
    const name = key === 'kvCache' ? 'kv_cache' : key
    if (keys.includes(name)) {
      figures.push(key)
      continue
    }
    const guess = closest(key, [...keys, ...metaKeys])
    out.push(
      diagnostic('unknown-key', `\`measured\` cannot hold \`${key}\``, ['measured', key], {
        onKey: true,
        suggestion: guess
          ? `did you mean \`${guess}\`?`
          : `give one of ${keys.join(', ')} and optionally how, source, tolerance`,
      }),
    )
    bad = true
  }
  if (figures.length !== 1) {
    if (!bad)
      out.push(
        diagnostic(
          figures.length === 0 ? 'missing-field' : 'invalid-value',
          figures.length === 0
            ? '`measured` needs the measured size: `total` or one component'
            : `\`measured\` takes one figure, not ${figures.map((key) => `\`${key}\``).join(' and ')}`,
          figures.length === 0 ? ['measured'] : ['measured', figures[1] as string],
          {
            suggestion:
              figures.length === 0
                ? `for example ${example}`
                : 'put each other measurement beside its own block',
          },
        ),
      )
    return
  }
  const written = figures[0] as string
  const key = written === 'kvCache' ? 'kv_cache' : written
  const value = raw[written]
  const measured = parseSize(value)
  if (measured === undefined || measured <= 0) {
    out.push(
      diagnostic(
        'invalid-value',
        isSizeText(value) && measured === undefined
          ? `\`measured.${written}\` (${display(value)}) is past the plausible limit of 1 PB`
          : `\`measured.${written}\` must be a size above zero such as \`15.2 GiB\``,
        ['measured', written],
        {
          suggestion:
            'write the figure as the tool printed it, with its unit: `15.2 GiB`, `15564 MiB`',
        },
      ),
    )
    return
  }
  let tolerance = defaultMeasuredTolerance
  if (raw.tolerance !== undefined) {
    const fraction = parseFraction(raw.tolerance)
    if (fraction === undefined || fraction <= 0 || fraction >= 1) {
      out.push(
        diagnostic(
          'invalid-value',
          '`measured.tolerance` must be a share between 0 % and 100 %',
          ['measured', 'tolerance'],
          {suggestion: 'for example `tolerance: 15%` (the default is 10%)'},
        ),
      )
      return
    }
    tolerance = fraction
  }
  let how: string | undefined
  if (raw.how !== undefined && raw.how !== null) {
    how = display(raw.how).trim()
    if (how === '') {
      out.push(
        diagnostic('invalid-value', '`measured.how` is empty', ['measured', 'how'], {
          suggestion: `name the tool: ${measuredHows.join(', ')}, or a few words`,
        }),
      )
      return
    }
  }
  let source: string | undefined
  if (raw.source !== undefined && raw.source !== null) {
    source = display(raw.source).trim()
    if (!/^https?:\/\/\S+$/.test(source)) {
      out.push(
        diagnostic(
          'invalid-value',
          '`measured.source` must be a URL (`https://…`) where the reader can see the measurement',
          ['measured', 'source'],
          {suggestion: 'link the log, issue comment or table the figure comes from'},
        ),
      )
      return
    }
  }
  if (!block.result) {
    out.push(
      diagnostic(
        'invalid-value',
        '`measured` compares one computed case with one measurement: it cannot stand beside `vary`',
        ['measured'],
        {suggestion: 'move the measured case into its own block without `vary`'},
      ),
    )
    return
  }
  const spec = expectKeys[key]
  const computed = spec?.read(block.result, block.solved)
  if (computed === undefined || block.result.missing) {
    out.push(
      diagnostic(
        'invalid-value',
        `\`measured.${written}\` has no computed figure to stand beside here`,
        ['measured', written],
        {
          suggestion: block.result.missing
            ? 'use a preset or give the model its shape (layers, hidden, heads, vocab, ffn)'
            : undefined,
        },
      ),
    )
    return
  }
  const ratio = computed / measured
  const measurement: Measurement = {
    key,
    path: ['measured', written],
    measured,
    computed,
    ratio,
    tolerance,
    written: display(value),
    how,
    source,
    ok: Math.abs(ratio - 1) <= tolerance,
  }
  block.measured = measurement
  if (!measurement.ok) {
    const units: Units = block.units ?? 'GB'
    out.push(
      diagnostic(
        'measured-mismatch',
        `Measured ${key} ${measurement.written}${how ? ` (${how})` : ''}, computed ${describe(computed, 'bytes', units)}: ratio ${ratio.toFixed(2)}, outside ±${Number((tolerance * 100).toPrecision(3))} %`,
        ['measured', written],
        {
          expected: measurement.written,
          actual: describe(computed, 'bytes', units),
          suggestion:
            'check that the block describes the measured run (batch, seq, engine settings); if the gap is understood, say why in the text and set `measured.tolerance`',
        },
      ),
    )
  }
}
