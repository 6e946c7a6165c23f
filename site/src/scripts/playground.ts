// The playground: the site's markdown pipeline, bundled for the browser by
// Vite, run on every edit of the textarea (debounced). remark-vram runs with
// `errors: 'fatal'`, as in the site's build: every problem is a positioned
// vfile message (errors fatal, warnings not), and the first error is thrown.
// The playground lists them all with line:column in the textarea and keeps the
// last good output, dimmed, until the input is valid again.

import {renderMermaid} from 'astro-vram/client'
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
import {vramFence} from './fence'
import {presets} from './presets'

type Locale = 'en' | 'zh'
type Units = 'GB' | 'GiB'

/** The fence's opening line comes first, so body line k is markdown line k + 1. */
const fenceLines = 1

interface Diagnostic {
  line?: number | undefined
  column?: number | undefined
  severity: 'error' | 'warning'
  message: string
  hint?: string | undefined
  ruleId?: string | undefined
}

interface Rendered {
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
    .use(remarkRehype)
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

/** A vfile message (or any thrown value) as a diagnostic in the textarea's coordinates. */
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

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id)
  if (!found) throw new Error(`playground: #${id} is missing`)
  return found as T
}

/** Offset of a 1-based line and column in `text`. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', offset)
    if (next < 0) return text.length
    offset = next + 1
  }
  return Math.min(text.length, offset + Math.max(0, column - 1))
}

export function startPlayground(): void {
  const source = element<HTMLTextAreaElement>('source')
  const gutter = element<HTMLPreElement>('gutter')
  const output = element<HTMLDivElement>('output')
  const list = element<HTMLUListElement>('diagnostics')
  const total = element<HTMLOutputElement>('total')
  const preset = element<HTMLSelectElement>('preset')
  const locale = element<HTMLSelectElement>('locale')
  const units = element<HTMLSelectElement>('units')

  let timer: ReturnType<typeof setTimeout> | undefined
  let generation = 0

  const drawGutter = (diagnostics: Diagnostic[]) => {
    const lines = source.value.split('\n').length
    const marks = new Map<number, Diagnostic['severity']>()
    for (const entry of diagnostics) {
      if (entry.line === undefined) continue
      if (marks.get(entry.line) !== 'error') marks.set(entry.line, entry.severity)
    }
    gutter.replaceChildren(
      ...Array.from({length: lines}, (_, index) => {
        const span = document.createElement('span')
        const mark = marks.get(index + 1)
        if (mark) span.className = mark
        span.textContent = `${index + 1}\n`
        return span
      }),
    )
    gutter.scrollTop = source.scrollTop
  }

  const drawDiagnostics = (diagnostics: Diagnostic[]) => {
    if (diagnostics.length === 0) {
      const ok = document.createElement('li')
      ok.className = 'ok'
      ok.textContent = 'No problems.'
      list.replaceChildren(ok)
      return
    }
    list.replaceChildren(
      ...diagnostics.map((entry) => {
        const item = document.createElement('li')
        item.className = entry.severity
        if (entry.line !== undefined) {
          const jump = document.createElement('button')
          jump.type = 'button'
          jump.textContent = `${entry.line}:${entry.column ?? 1}`
          jump.title = 'Go to this position'
          jump.addEventListener('click', () => {
            const start = offsetOf(source.value, entry.line ?? 1, entry.column ?? 1)
            source.focus()
            source.setSelectionRange(start, start)
          })
          item.append(jump, ' ')
        }
        item.append(`${entry.severity}: ${entry.message}`)
        if (entry.ruleId) {
          const rule = document.createElement('span')
          rule.className = 'rule'
          rule.textContent = ` [${entry.ruleId}]`
          item.append(rule)
        }
        if (entry.hint) {
          const hint = document.createElement('span')
          hint.className = 'hint'
          hint.textContent = entry.hint
          item.append(hint)
        }
        return item
      }),
    )
  }

  const update = () => {
    const current = ++generation
    const result = render(source.value, locale.value as Locale, units.value as Units)
    if (result.html === undefined) {
      // Keep the last good rendering, marked as out of date.
      output.classList.add('stale')
      total.textContent = ''
      drawDiagnostics(result.diagnostics)
      drawGutter(result.diagnostics)
      return
    }
    output.classList.remove('stale')
    output.innerHTML = result.html
    total.textContent = result.total ?? ''
    drawDiagnostics(result.diagnostics)
    drawGutter(result.diagnostics)
    renderMermaid(output).catch((error: unknown) => {
      if (current === generation) console.error('mermaid failed:', error)
    })
  }

  const schedule = () => {
    drawGutter([])
    clearTimeout(timer)
    timer = setTimeout(update, 150)
  }

  source.addEventListener('input', schedule)
  source.addEventListener('scroll', () => {
    gutter.scrollTop = source.scrollTop
  })
  source.addEventListener('keydown', (event) => {
    // Tab indents (YAML wants spaces) instead of leaving the editor.
    if (event.key !== 'Tab' || event.shiftKey || event.ctrlKey || event.metaKey) return
    event.preventDefault()
    const {selectionStart, selectionEnd, value} = source
    source.value = `${value.slice(0, selectionStart)}  ${value.slice(selectionEnd)}`
    source.setSelectionRange(selectionStart + 2, selectionStart + 2)
    schedule()
  })
  preset.addEventListener('change', () => {
    const chosen = presets.find((entry) => entry.id === preset.value)
    if (!chosen) return
    source.value = chosen.source
    // A new example: drop the previous one's output rather than show it as stale.
    output.replaceChildren()
    update()
  })
  locale.addEventListener('change', update)
  units.addEventListener('change', update)
  update()
}
