// The playground's pipeline: the site's markdown pipeline, bundled for the
// browser by Vite. remark-vram runs with `errors: 'fatal'`, as in the site's
// build: every problem is a positioned vfile message (errors fatal, warnings
// not), and the first error is thrown. The decision chart is drawn by the
// site's own plugin, as on the article pages: no mermaid runtime.

import rehypeKatex from 'rehype-katex'
import rehypeStringify from 'rehype-stringify'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import remarkVram from 'remark-vram'
import {unified} from 'unified'
import {VFile} from 'vfile'
import {evaluateBlock, parseBlockSource} from 'vram-core'
import {rehypeTableRegions} from '../../plugins/rehype-reader.mjs'
import remarkDecisionChart from '../../plugins/remark-decision-chart.mjs'
import {vramFence} from './fence.js'

export type Locale = 'en' | 'zh'
export type Units = 'GB' | 'GiB'

/** The fence's opening line comes first, so body line k is markdown line k + 1. */
const fenceLines = 1

export interface Diagnostic {
  line?: number | undefined
  column?: number | undefined
  severity: 'error' | 'warning'
  message: string
  hint?: string | undefined
  ruleId?: string | undefined
}

export interface Rendered {
  /** `undefined` when the input has errors. */
  html?: string | undefined
  diagnostics: Diagnostic[]
  total?: string | undefined
}

const processors = new Map<string, ReturnType<typeof makeProcessor>>()

function makeProcessor(locale: Locale, units: Units) {
  return unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkMath)
    .use(remarkVram, {locale, units, mermaid: 'pre', errors: 'fatal'})
    .use(remarkDecisionChart, {locale})
    .use(remarkRehype)
    .use(rehypeTableRegions)
    .use(rehypeKatex)
    .use(rehypeStringify)
}

function processor(locale: Locale, units: Units) {
  const key = `${locale}:${units}`
  let found = processors.get(key)
  if (!found) {
    found = makeProcessor(locale, units)
    processors.set(key, found)
  }
  return found
}

/** A vfile message (or any thrown value) as a diagnostic in the editor's coordinates. */
function toDiagnostic(value: unknown): Diagnostic {
  const message = value as {
    reason?: string
    message?: string
    line?: number | null
    column?: number | null
    fatal?: boolean | null
    note?: string
    ruleId?: string
  }
  const line = typeof message.line === 'number' ? message.line - fenceLines : undefined
  return {
    line: line !== undefined && line >= 1 ? line : undefined,
    column: typeof message.column === 'number' ? message.column : undefined,
    severity: message.fatal === true || message.fatal === undefined ? 'error' : 'warning',
    message: message.reason ?? message.message ?? String(value),
    hint: message.note ?? undefined,
    ruleId: message.ruleId ?? undefined,
  }
}

/**
 * The headline figure of the block for the toolbar: the per-device total (or
 * the range of totals of a sweep), computed by vram-core from the same text.
 */
function headline(source: string, locale: Locale, units: Units): string | undefined {
  const parsed = parseBlockSource(source)
  if (parsed.diagnostics.length > 0) return undefined
  const {block} = evaluateBlock(parsed.value, {defaults: {units}})
  if (!block) return undefined
  const zh = locale === 'zh'
  const unit = block.units ?? units
  const size = (bytes: number) =>
    `${new Intl.NumberFormat(locale, {maximumSignificantDigits: 3}).format(
      bytes / (unit === 'GiB' ? 2 ** 30 : 1e9),
    )} ${unit}`
  const solvedLabel = (target: string) =>
    zh
      ? ({batch: '最大 batch', seq: '最长序列', gpus: '最少 GPU'}[target] ?? target)
      : ({batch: 'Max batch', seq: 'Max sequence', gpus: 'Min GPUs'}[target] ?? target)
  const result = block.result
  if (result && !result.missing) {
    const perDevice = result.devices > 1 ? (zh ? '（每卡）' : ' per device') : ''
    const fits =
      result.fits === undefined
        ? ''
        : result.fits
          ? zh
            ? ' · 装得下'
            : ' · fits'
          : zh
            ? ' · 装不下'
            : ' · too big'
    const solved =
      block.solved?.value === undefined
        ? ''
        : ` · ${solvedLabel(block.solved.target)} ${block.solved.value}`
    return `${zh ? '合计' : 'Total'}: ${size(result.perDevice.total)}${perDevice}${fits}${solved}`
  }
  const cases = block.cases ?? []
  const solved = cases.map((entry) => entry.solved).filter((entry) => entry !== undefined)
  if (solved.length > 0 && solved.length === cases.length) {
    const values = solved.map((entry) => entry.value ?? '—').join(' / ')
    return `${solvedLabel(solved[0]?.target ?? 'batch')}: ${values}`
  }
  const totals = cases
    .filter((entry) => !entry.result.missing)
    .map((entry) => entry.result.perDevice.total)
  if (totals.length > 0) {
    const range = `${size(Math.min(...totals))} – ${size(Math.max(...totals))}`
    return zh
      ? `合计：${range}（${totals.length} 种情况）`
      : `Totals: ${range} over ${totals.length} cases`
  }
  return undefined
}

export function render(source: string, locale: Locale, units: Units): Rendered {
  const markdown = vramFence(source.replace(/\n+$/, ''))
  const file = new VFile({value: markdown, path: 'playground.md'})
  try {
    const run = processor(locale, units)
    const tree = run.runSync(run.parse(file), file)
    const html = run.stringify(tree, file)
    return {
      html: String(html),
      diagnostics: file.messages.map(toDiagnostic),
      total: headline(source, locale, units),
    }
  } catch (error) {
    // remark-vram throws the first of its fatal messages, which are all in file.messages.
    const messages: unknown[] = [...file.messages]
    if (!messages.includes(error)) messages.push(error)
    return {diagnostics: messages.map(toDiagnostic)}
  }
}
