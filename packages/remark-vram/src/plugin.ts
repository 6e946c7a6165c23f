import type {Blockquote, Code, InlineCode, Parent, PhrasingContent, Root, RootContent} from 'mdast'
import type {Transformer} from 'unified'
import type {Position} from 'unist'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {
  type BlockResult,
  closest,
  type Diagnostic,
  type Evaluation,
  type Expectation,
  engineVersion,
  evaluateBlock,
  isRecord,
  type PinnedModels,
  parseBlockSource,
  type ReadContext,
  resolveReference,
  type YamlPath,
} from 'vram-core'
import {Formatter} from './format.js'
import {addedLabels, resolveLocale} from './locale.js'
import {paragraph, text} from './mdast.js'
import {measuredLine} from './measured.js'
import {flowchart, mermaidNode} from './mermaid.js'
import {type Options, type Settings, settingsFrom} from './options.js'
import {FenceMap, Lines} from './positions.js'
import {breakdown, caption, solveLine, sourcesLine, summary, sweep} from './tables.js'

/** Version of this package. */
export const pluginVersion = '0.1.0'

/**
 * Changes whenever a rendered figure may change (plugin, engine formulas or
 * preset data). Put it in the plugin options (`[remarkVram, {version}]`) so
 * hosts that cache rendered markdown by configuration rebuild.
 */
export const version = `remark-vram@${pluginVersion} vram-core@${engineVersion}`

/** Where each rule id is documented (the README's Diagnostics section). */
export const docsUrl = 'https://github.com/remark-vram/remark-vram/tree/main/packages/remark-vram'

/** Stable rule ids of remark-vram's messages: vram-core's, plus `internal-error`. */
export type RuleId = Diagnostic['ruleId'] | 'internal-error'

/** One block as recorded in `file.data.vram`. */
export interface VramBlockData {
  /** `id` of the block (meta `id=` or key `id:`), if any. */
  id?: string | undefined
  /** Line of the opening fence. */
  line?: number | undefined
  /** Whether the block computed without errors. */
  ok: boolean
  /** Every `expect` check, with what was written, what was computed and whether it holds. */
  expectations: Expectation[]
}

/** A figure the writer marked as a known erratum (`{value: …, erratum: why}`). */
export interface VramErratum {
  id?: string | undefined
  /** The checked key: `total`, `kv_cache`, `params`, ... */
  key: string
  /** The figure as written (the original article's). */
  written: string
  /** The computed figure, formatted: `30.1 GB`. */
  actual: string
  /** Why the written figure is wrong. */
  erratum: string
  /** Line of the value in the markdown file. */
  line?: number | undefined
  /** In a `vary` block: the case's swept values (`70B × fp16`). */
  case?: string | undefined
}

/** What remark-vram stores in `file.data.vram`. */
export interface VramData {
  /** {@link version} of the plugin and engine that computed the figures. */
  version: string
  /** Locale the file was rendered in. */
  locale: string
  blocks: VramBlockData[]
  errata: VramErratum[]
}

declare module 'vfile' {
  interface DataMap {
    vram: VramData
  }
}

type VFileMessage = ReturnType<VFile['message']>

/** What differs between the browser and the Node entry points. */
export interface Platform {
  /** Default `readConfig` for a file (Node: read from disk relative to `file.path`). */
  readConfig?: ((file: VFile) => (path: string) => unknown) | undefined
  /**
   * Asynchronous reading a file needs before its blocks are computed (Node:
   * the headers of the `.gguf` files it names). `undefined` when there is
   * none: the transform then stays synchronous (`processSync` works).
   */
  prepare?: ((file: VFile, tree: Root) => Promise<void> | undefined) | undefined
  /**
   * The whole document as it is on disk, when the host compiles only part of
   * it (Node: `file.path` read again; `undefined` when it is the text
   * compiled). A Docusaurus blog excerpt is the text above `<!-- truncate -->`
   * alone: its references to blocks below resolve from the whole post.
   */
  wholeDocument?: ((file: VFile) => {file: VFile; blocks: Code[]} | undefined) | undefined
  /**
   * The pins a file sees (Node: the pin file at `path`, else the nearest
   * `vram.models.json` above the file). The browser has none of its own.
   */
  models?:
    | ((
        file: VFile,
        path: string | undefined,
      ) => {pins: PinnedModels; problems: readonly string[]} | undefined)
    | undefined
}

const emptyOptions: Readonly<Options> = {}

const referencePattern = /^vram:([A-Za-z_][\w-]*)\.(.+)$/
const idPattern = /^[A-Za-z_][\w-]*$/

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1)
}

/** `key=value` pairs of a fence's meta (`id=qwen title="x y"`). */
function parseMeta(meta: string | null | undefined): Map<string, {value: string; raw: string}> {
  const out = new Map<string, {value: string; raw: string}>()
  for (const match of (meta ?? '').matchAll(/([A-Za-z_][\w-]*)=("[^"]*"|'[^']*'|\S+)/g)) {
    const raw = match[0]
    const quoted = match[2] as string
    const value = /^["']/.test(quoted) ? quoted.slice(1, -1) : quoted
    out.set(match[1] as string, {value, raw})
  }
  return out
}

/** A problem to report: a core diagnostic with its place in the file. */
interface Problem {
  ruleId: RuleId
  message: string
  suggestion?: string | undefined
  expected?: string | undefined
  actual?: string | undefined
  severity: 'error' | 'warning'
  place?: Position | undefined
  cause?: Error | undefined
}

interface Computed {
  block: BlockResult
  format: Formatter
}

/** Whether `Intl.NumberFormat` takes a tag: checked once per tag, not per file. */
const numberTags = new Map<string, boolean>()
function formatsNumbers(tag: string): boolean {
  let valid = numberTags.get(tag)
  if (valid === undefined) {
    try {
      new Intl.NumberFormat(tag)
      valid = true
    } catch {
      valid = false
    }
    numberTags.set(tag, valid)
  }
  return valid
}

/** One run of the transformer over one file. */
class Run {
  readonly tree: Root
  readonly file: VFile
  readonly settings: Settings
  readonly lines: Lines
  readonly format: Formatter
  readonly readConfig: ((path: string) => unknown) | undefined
  /** Pinned Hub models (`vram.models.json`) and why some could not be read. */
  readonly models: PinnedModels | undefined
  readonly modelsProblems: readonly string[]
  readonly data: VramData
  readonly computed = new Map<string, Computed>()
  readonly failed = new Set<string>()
  readonly fatal: VFileMessage[] = []
  /** Inline code remark-vram wrote itself (in notices): never a reference. */
  readonly generated = new WeakSet<InlineCode>()

  readonly platform: Platform

  constructor(tree: Root, file: VFile, settings: Settings, platform: Platform) {
    this.platform = platform
    this.tree = tree
    this.file = file
    this.settings = settings
    this.lines = new Lines(file)
    const locale = settings.getLocale?.(file) ?? settings.locale
    let dictionary = resolveLocale(locale, settings.locales)
    const added = addedLabels(settings.locales, locale)
    for (const key of added?.invalid ?? []) {
      const name = added?.locale ?? locale
      const message = file.message(
        key === ''
          ? `The option \`locales.${name}\` is not a mapping of labels; the built-in labels are used`
          : `The option \`locales.${name}[${JSON.stringify(key)}]\` is not a string; the built-in label is used`,
        {ruleId: 'invalid-option', source: 'remark-vram'},
      )
      message.url = `${docsUrl}#invalid-option`
    }
    // A dictionary with a malformed `intl` tag formats numbers in English.
    if (!formatsNumbers(dictionary.intl)) dictionary = {...dictionary, intl: 'en'}
    this.format = new Formatter(dictionary, settings.units, settings.numberFormat)
    const read = settings.readConfig
    this.readConfig =
      read === false ? undefined : read ? (path) => read(path, file) : platform.readConfig?.(file)
    const models = settings.models
    if (models === false) {
      this.models = undefined
      this.modelsProblems = []
    } else if (models !== undefined && 'pins' in models) {
      this.models = models.pins
      this.modelsProblems = []
    } else {
      const loaded = platform.models?.(file, models?.path)
      this.models = loaded?.pins
      this.modelsProblems = loaded?.problems ?? []
    }
    this.data = {version, locale, blocks: [], errata: []}
  }

  run(): void {
    const fences: Array<{node: Code; index: number; parent: Parent}> = []
    visit(this.tree, 'code', (node, index, parent) => {
      if (node.lang === 'vram' && parent && index !== undefined) fences.push({node, index, parent})
    })
    const replacements = fences.map((fence) => this.block(fence.node))
    // Splice from the last fence back so earlier indices stay valid.
    for (let position = fences.length - 1; position >= 0; position--) {
      const fence = fences[position] as (typeof fences)[number]
      const nodes = replacements[position]
      if (nodes) fence.parent.children.splice(fence.index, 1, ...(nodes as Parent['children']))
    }
    if (this.settings.references) this.references()
    this.file.data.vram = this.data
    const first = this.fatal[0]
    if (first) throw first
  }

  /** Reports one problem as a vfile message; returns it. */
  report(problem: Problem): VFileMessage {
    const reason = `${capitalize(problem.message)}${problem.suggestion ? `; ${problem.suggestion}` : ''}`
    const message = this.file.message(reason, {
      place: problem.place,
      ruleId: problem.ruleId,
      source: 'remark-vram',
      ...(problem.cause === undefined ? {} : {cause: problem.cause}),
    })
    message.url = `${docsUrl}#${problem.ruleId}`
    if (problem.expected !== undefined) message.expected = [problem.expected]
    if (problem.actual !== undefined) message.actual = problem.actual
    message.fatal = problem.severity === 'error' && this.settings.errors === 'fatal'
    if (message.fatal) this.fatal.push(message)
    return message
  }

  /** A message as phrasing content: `` `code` `` spans become inline code. */
  noticeText(message: VFileMessage): PhrasingContent[] {
    const prefix = this.format.dictionary['notice.prefix']
    const where = `(${message.line ?? 1}:${message.column ?? 1})`
    const parts = `${prefix}${message.reason} ${where}`.split('`')
    // An unmatched backtick leaves the text as it is.
    if (parts.length % 2 === 0) return [text(parts.join('`'))]
    return parts.flatMap((part, index): PhrasingContent[] => {
      if (index % 2 === 0) return part ? [text(part)] : []
      const code: InlineCode = {type: 'inlineCode', value: part}
      this.generated.add(code)
      return [code]
    })
  }

  /** The visible notice `errors: 'warn'` leaves in the output. */
  notice(messages: VFileMessage[]): Blockquote {
    return {
      type: 'blockquote',
      children: messages.map((message) => paragraph(this.noticeText(message))),
    }
  }

  /** Computes one fence; returns its replacement, or `undefined` to keep it. */
  block(code: Code): RootContent[] | undefined {
    const map = new FenceMap(code, this.lines)
    const source = parseBlockSource(code.value)
    const place = (path: YamlPath, onKey?: boolean): Position | undefined => {
      if (path.length === 0) return map.fence
      const span = source.locate(path, onKey)
      return (span && map.position(span)) ?? map.fence
    }
    const placeOf = (entry: Diagnostic) =>
      entry.span ? (map.position(entry.span) ?? map.fence) : place(entry.path, entry.onKey)
    const problems: Problem[] = source.diagnostics.map((entry) => ({
      ...entry,
      place: placeOf(entry),
    }))

    // The id: meta `id=NAME` and/or the `id:` key.
    const metaId = parseMeta(code.meta).get('id')
    let raw = source.value
    let id: string | undefined
    if (metaId) {
      if (idPattern.test(metaId.value)) id = metaId.value
      else
        problems.push({
          ruleId: 'invalid-value',
          message: 'The fence’s `id=` must be a name of letters, digits, `_` and `-`',
          suggestion: 'for example `id=qwen`',
          severity: 'error',
          place: map.onOpeningLine(metaId.raw),
        })
    }
    let evaluation: Evaluation | undefined
    if (problems.length === 0) {
      if (isRecord(raw)) {
        if (id !== undefined && raw.id !== undefined && raw.id !== id) {
          problems.push({
            ruleId: 'invalid-value',
            message: `The fence’s \`id=${id}\` and the key \`id: ${String(raw.id)}\` differ`,
            suggestion: 'keep one of them',
            severity: 'error',
            place: place(['id']),
          })
        }
        if (raw.show === undefined) raw = {...raw, show: this.settings.show}
      }
      try {
        evaluation = evaluateBlock(raw, {
          readConfig: this.readConfig,
          models: this.models,
          modelsProblems: this.modelsProblems,
          defaults: {gpu: this.settings.gpu, units: this.settings.units},
        } satisfies ReadContext)
        problems.push(...evaluation.diagnostics.map((entry) => ({...entry, place: placeOf(entry)})))
      } catch (error) {
        problems.push({
          ruleId: 'internal-error',
          message: `vram-core failed on this block: ${error instanceof Error ? error.message : String(error)}`,
          suggestion: 'please report it with the block',
          severity: 'error',
          place: map.fence,
          cause: error instanceof Error ? error : undefined,
        })
        evaluation = undefined
      }
    }
    if (id === undefined && isRecord(raw) && typeof raw.id === 'string') id = raw.id
    if (id !== undefined && (this.computed.has(id) || this.failed.has(id))) {
      problems.push({
        ruleId: 'invalid-value',
        message: `Another block already has the id \`${id}\``,
        suggestion: 'give each block its own id',
        severity: 'error',
        place: metaId ? map.onOpeningLine(metaId.raw) : place(['id']),
      })
    }

    const messages = problems.map((problem) => ({problem, message: this.report(problem)}))
    const errors = messages.filter(({problem}) => problem.severity === 'error')
    // A stated figure that misses keeps the block: the reader sees both numbers.
    const block = errors.some(
      ({problem}) => problem.ruleId !== 'expect-mismatch' && problem.ruleId !== 'measured-mismatch',
    )
      ? undefined
      : evaluation?.block
    const format = this.format.withUnits(block?.units ?? this.settings.units)
    if (block && id !== undefined) block.id = id

    this.data.blocks.push({
      id,
      line: code.position?.start.line,
      ok: errors.length === 0 && block !== undefined,
      expectations: block?.expectations ?? [],
    })
    for (const expectation of block?.expectations ?? []) {
      if (expectation.erratum === undefined) continue
      // With `vary`, the path ends in the case's index.
      const index = expectation.path[2]
      this.data.errata.push({
        id,
        key: expectation.key,
        written: expectation.written,
        actual:
          expectation.kind === 'bytes'
            ? format.sizeWithUnit(expectation.actual)
            : expectation.key === 'params'
              ? format.count(expectation.actual)
              : format.integer(expectation.actual),
        erratum: expectation.erratum,
        line: place(expectation.path)?.start.line,
        ...(typeof index === 'number' && block?.cases?.[index]
          ? {case: Object.values(block.cases[index].labels).join(' × ')}
          : {}),
      })
    }
    if (id !== undefined && !this.computed.has(id)) {
      if (block) this.computed.set(id, {block, format})
      else this.failed.add(id)
    }

    if (errors.length > 0 && this.settings.errors === 'fatal') return undefined
    const notice = errors.length > 0 ? [this.notice(errors.map(({message}) => message))] : []
    if (!block) return [code, ...notice]
    return [...this.render(block, format), ...notice]
  }

  /** The nodes a computed block turns into. */
  render(block: BlockResult, format: Formatter): RootContent[] {
    if (block.cases) return sweep(block, format)
    const result = block.result
    if (!result) return []
    const show = new Set(block.show)
    // A solver block answers first; the block's own case (which may not fit) follows.
    const nodes: RootContent[] = block.solved ? [solveLine(block.solved, format)] : []
    const formulas = show.has('formulas')
    if (show.has('breakdown') || formulas) {
      // Without the summary line, the caption names the GPU and the total says whether it fits.
      const fitMark = !show.has('summary') && result.fits !== undefined
      nodes.push(
        caption(result, format, {gpu: fitMark}),
        breakdown(result, format, formulas, fitMark),
      )
      const sources = formulas ? sourcesLine(result, format, this.settings.citations) : undefined
      if (sources) nodes.push(sources)
    }
    if (show.has('summary')) nodes.push(summary(result, format))
    // A measured figure is always shown: the writer gave it for the reader (even with `show: []`).
    if (block.measured) nodes.push(measuredLine(block.measured, format))
    if (show.has('advice') && block.advice) {
      const diagram = flowchart(block.advice, format, result.scenario.mode)
      nodes.push(mermaidNode(diagram, this.settings.mermaid))
    }
    return nodes
  }

  /** Replaces inline code `` `vram:ID.PATH` `` with the referenced value. */
  references(): void {
    const found: Array<{
      node: InlineCode
      index: number
      parent: Parent
      id: string
      path: string
    }> = []
    visit(this.tree, 'inlineCode', (node, index, parent) => {
      const match = this.generated.has(node) ? null : referencePattern.exec(node.value)
      if (match && parent && index !== undefined) {
        found.push({node, index, parent, id: match[1] as string, path: match[2] as string})
      }
    })
    this.blocksElsewhere(found.map((reference) => reference.id))
    // Resolve and report in document order, then splice from the end.
    const edits: Array<{parent: Parent; index: number; remove: number; nodes: RootContent[]}> = []
    for (const {node, index, parent, id, path} of found) {
      const entry = this.computed.get(id)
      let problem: Problem
      if (!entry) {
        const guess = closest(id, this.computed.keys())
        problem = this.failed.has(id)
          ? {
              ruleId: 'unknown-reference',
              message: `\`${node.value}\` refers to block \`${id}\`, which has errors`,
              severity: 'error',
            }
          : {
              ruleId: 'unknown-reference',
              message: `Unknown reference \`${node.value}\`: no block has the id \`${id}\``,
              suggestion: guess ? `did you mean \`${guess}\`?` : 'add `id: NAME` to a block',
              severity: 'error',
            }
      } else {
        const resolved = resolveReference(entry.block, path)
        if ('value' in resolved) {
          const value = entry.format.reference(resolved.value, path)
          edits.push({parent, index, remove: 1, nodes: [text(value)]})
          continue
        }
        problem = {
          ruleId: 'unknown-reference',
          message: resolved.error,
          // The whole reference, so the suggestion can be pasted as it is.
          suggestion: resolved.example
            ? `write \`vram:${id}.${resolved.example}\``
            : resolved.suggestion,
          severity: 'error',
        }
      }
      const message = this.report({...problem, place: node.position})
      if (this.settings.errors === 'warn') {
        const notice: PhrasingContent[] = [text(' ('), ...this.noticeText(message), text(')')]
        edits.push({parent, index: index + 1, remove: 0, nodes: notice})
      }
    }
    for (const edit of edits.reverse()) {
      edit.parent.children.splice(edit.index, edit.remove, ...(edit.nodes as Parent['children']))
    }
  }

  /**
   * Computes the blocks of the whole document that references name but the
   * compiled text lacks (a Docusaurus blog excerpt), without reporting their
   * problems here: the compile of the whole post reports them.
   */
  blocksElsewhere(ids: string[]): void {
    const missing = ids.filter((id) => !this.computed.has(id) && !this.failed.has(id))
    if (missing.length === 0 || !this.platform.wholeDocument) return
    const whole = this.platform.wholeDocument(this.file)
    if (!whole) return
    const probe = new Run(
      {type: 'root', children: whole.blocks},
      whole.file,
      {...this.settings, errors: 'warn', references: false},
      {...this.platform, wholeDocument: undefined},
    )
    probe.run()
    for (const id of missing) {
      const entry = probe.computed.get(id)
      if (entry) this.computed.set(id, {...entry, format: this.format})
    }
  }
}

/** Builds the plugin for a platform (the browser entry or the Node entry). */
export function createRemarkVram(platform: Platform) {
  /**
   * Turn ```` ```vram ```` fences into GPU memory tables, KaTeX formulas and
   * mermaid charts, and `` `vram:ID.PATH` `` inline code into figures.
   *
   * @param options Configuration (optional).
   * @returns Transform.
   */
  return function remarkVram(
    options?: Readonly<Options> | null | undefined,
  ): Transformer<Root, Root> {
    const settings = settingsFrom(options || emptyOptions)
    const transform = (tree: Root, file: VFile): undefined => {
      try {
        new Run(tree, file, settings, platform).run()
      } catch (error) {
        // Messages are thrown as they are; anything else is a bug, reported as a message.
        if (file.messages.includes(error as VFileMessage)) throw error
        const message = file.message(
          `remark-vram failed: ${error instanceof Error ? error.message : String(error)}; please report it with the document`,
          {
            ruleId: 'internal-error',
            source: 'remark-vram',
            ...(error instanceof Error ? {cause: error} : {}),
          },
        )
        message.url = `${docsUrl}#internal-error`
        message.fatal = true
        throw message
      }
    }
    return (tree: Root, file: VFile) => {
      const pending = settings.readConfig === false ? undefined : platform.prepare?.(file, tree)
      return pending ? pending.then(() => transform(tree, file)) : transform(tree, file)
    }
  }
}
