import {createHash} from 'node:crypto'
import type {Code, Html, Parent, Root, RootContent} from 'mdast'
import remarkFrontmatter from 'remark-frontmatter'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import remarkParse from 'remark-parse'
import remarkStringify from 'remark-stringify'
import remarkVram, {type Options as VramOptions} from 'remark-vram'
import {unified} from 'unified'
import {VFile} from 'vfile'

/** Plugin options the CLI passes through (`--locale`, `--units`, `--gpu`, `--mermaid`, `--citations`). */
export type PluginOptions = Pick<VramOptions, 'locale' | 'units' | 'gpu' | 'mermaid' | 'citations'>

/** A remark-vram message with its place in the markdown file. */
export interface Message {
  line: number
  column: number
  /** The plugin's reason (message and suggestion). */
  reason: string
  ruleId: string
  /** An error (`true`) or a warning. */
  fatal: boolean
}

function parser() {
  // Front matter (YAML `---`, TOML `+++`) stays front matter, as `vram sync` keeps it.
  return unified()
    .use(remarkParse)
    .use(remarkFrontmatter, ['yaml', 'toml'])
    .use(remarkGfm)
    .use(remarkMath)
}

/** `lang: zh` (or `locale:`) in YAML front matter: a BCP 47 tag, or `undefined`. */
export function frontMatterLang(tree: Root): string | undefined {
  const head = tree.children[0]
  if (head?.type !== 'yaml') return undefined
  const match =
    /^(?:lang|locale)[ \t]*:[ \t]*(["']?)([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)\1[ \t]*(?:#.*)?$/m.exec(
      head.value,
    )
  return match?.[2]?.replace(/_/g, '-')
}

/** Keeps the page's `lang:` for the plugin's `getLocale` (it runs before remark-vram). */
function remarkPageLang() {
  return (tree: Root, file: VFile) => {
    const lang = frontMatterLang(tree)
    if (lang !== undefined) file.data.vramPageLang = lang
  }
}

function pipeline(options: PluginOptions) {
  return (
    parser()
      .use(remarkPageLang)
      // `--locale` wins; otherwise the page's front matter (`lang: zh`) picks the labels' language.
      .use(remarkVram, {
        ...options,
        errors: 'fatal',
        ...(options.locale === undefined
          ? {getLocale: (file: VFile) => file.data.vramPageLang as string | undefined}
          : {}),
      })
      .use(remarkStringify)
  )
}

function isVFileMessage(error: unknown): boolean {
  return error instanceof Error && error.name !== undefined && 'ruleId' in error && 'fatal' in error
}

/** The markdown tree of `text`, as `vram sync` and `check` read it (front matter kept). */
export function parseMarkdown(text: string): Root {
  return parser().parse(text) as Root
}

/**
 * Runs remark-vram over `file`; returns the transformed tree, or `undefined`
 * when an error stopped it. With `parsed` (the file's tree), works on a copy of
 * it instead of parsing the file again.
 */
function transform(file: VFile, options: PluginOptions, parsed?: Root): Root | undefined {
  const processor = pipeline(options)
  const tree = parsed ? structuredClone(parsed) : processor.parse(file)
  try {
    return processor.runSync(tree, file) as Root
  } catch (error) {
    // The plugin throws its first error after reporting every problem on the file.
    if (isVFileMessage(error)) return undefined
    throw error
  }
}

function messagesOf(file: VFile): Message[] {
  return file.messages.map((message) => ({
    line: message.line ?? 1,
    column: message.column ?? 1,
    reason: message.reason,
    ruleId: message.ruleId ?? 'unknown',
    fatal: message.fatal === true,
  }))
}

/** `FILE:LINE:COLUMN: reason [ruleId]` (warnings get `warning: `). */
export function formatMessage(name: string, message: Message): string {
  const level = message.fatal ? '' : 'warning: '
  return `${name}:${message.line}:${message.column}: ${level}${message.reason} [${message.ruleId}]`
}

/** A stated figure (`expect`, `measured`) that the computed one misses. */
const mismatchRules: ReadonlySet<string | undefined> = new Set([
  'expect-mismatch',
  'measured-mismatch',
])

export function isInvalidMessage(message: Message): boolean {
  return message.fatal && !mismatchRules.has(message.ruleId)
}

export function isMismatchMessage(message: Message): boolean {
  return message.fatal && mismatchRules.has(message.ruleId)
}

/** `vram render`: the whole document through the plugin and remark-stringify (gfm, math). */
export function renderMarkdown(
  text: string,
  path: string | undefined,
  options: PluginOptions = {},
): {output?: string; messages: Message[]} {
  const file = new VFile(path === undefined ? {value: text} : {path, value: text})
  const processor = pipeline(options)
  const tree = transform(file, options)
  const messages = messagesOf(file)
  if (!tree) return {messages}
  return {output: processor.stringify(tree, file), messages}
}

/** The line ending a file mostly uses (CR alone: classic Mac OS files, which CommonMark reads too). */
export function lineEndingOf(text: string): '\r\n' | '\n' | '\r' {
  const crlf = text.match(/\r\n/g)?.length ?? 0
  const lf = (text.match(/\n/g)?.length ?? 0) - crlf
  const cr = (text.match(/\r/g)?.length ?? 0) - crlf
  if (cr > lf && cr > crlf) return '\r'
  return crlf > lf ? '\r\n' : '\n'
}

/** Checksum of a generated body (LF line endings, no container prefix), for hand-edit detection. */
export function bodyHash(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 12)
}

const beginPattern = /^<!--\s*vram:begin(?:\s+([^\s]+))?(?:\s+hash=([0-9a-f]+))?\s*-->$/
const endMarker = '<!-- vram:end -->'

function beginOf(node: unknown): {id: string | undefined; hash: string | undefined} | undefined {
  const html = node as Html
  if (html?.type !== 'html') return undefined
  const match = beginPattern.exec(html.value.trim())
  if (!match) return undefined
  return {id: match[1], hash: match[2]}
}

function isEnd(node: unknown): boolean {
  const html = node as Html
  return html?.type === 'html' && html.value.trim() === endMarker
}

function isVramFence(node: unknown): node is Code {
  return (node as Code)?.type === 'code' && (node as Code).lang === 'vram'
}

/** An existing generated region: from the start of its begin marker to the end of its end marker. */
export interface Region {
  start: number
  end: number
  id: string | undefined
  hash: string | undefined
  /** The generated text between the markers, container prefix removed, LF line endings. */
  body: string
}

export interface Fence {
  node: Code
  /** 1-based among the file's vram blocks. */
  index: number
  /** Offset just after the closing fence. */
  end: number
  /** What precedes text on the fence's continuation lines (list indentation, `> `). */
  prefix: string
  /** Whether the fence has a closing line. */
  closed: boolean
  region?: Region | undefined
}

export interface Layout {
  fences: Fence[]
  /** Unclosed fences, begin markers that do not follow a vram block, unterminated regions. */
  problems: Array<{line: number; column: number; reason: string}>
}

/** Offset of the start of the line holding `offset` (LF, CRLF or CR endings). */
function lineStart(text: string, offset: number): number {
  return Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1
}

function stripPrefix(line: string, prefix: string): string {
  if (line.startsWith(prefix)) return line.slice(prefix.length)
  const bare = prefix.trimEnd()
  return line.startsWith(bare) ? line.slice(bare.length) : line
}

function regionBody(text: string, start: number, end: number, prefix: string): string {
  // Drop the end marker's line, then read the body as up to any point.
  return bodyUntil(text, start, lineStart(text, end), prefix)
}

/** The generated text from the begin marker at `start` up to `stop`: container prefix removed, LF endings. */
function bodyUntil(text: string, start: number, stop: number, prefix: string): string {
  const lines = text
    .slice(start, stop)
    .split(/\r\n|\r|\n/)
    .map((line) => stripPrefix(line, prefix))
  // Drop the begin marker's line and the blank lines around the body.
  lines.shift()
  while (lines.length > 0 && lines[0]?.trim() === '') lines.shift()
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop()
  return lines.join('\n')
}

/**
 * Why a region from `begin` to `close` cannot be trusted, or `undefined`. When
 * a region's end marker was deleted, the next end marker further down would
 * make the region swallow the writer's text in between. Two signs: the body
 * holds a heading (vram never generates one), or the begin marker's hash
 * matches the body up to an earlier point (the generated text ended there).
 */
function ambiguity(
  text: string,
  begin: RootContent,
  inside: RootContent[],
  close: RootContent,
  hash: string | undefined,
  prefix: string,
): Layout['problems'][number] | undefined {
  const start = begin.position?.start.offset ?? 0
  const closeLine = close.position?.start.line ?? 0
  const beginLine = begin.position?.start.line ?? 0
  const wholeEnd = close.position?.end.offset ?? 0
  const endsEarlier =
    hash !== undefined && bodyHash(regionBody(text, start, wholeEnd, prefix)) !== hash
      ? inside.slice(0, -1).find((node) => {
          const stop = node.position?.end.offset ?? 0
          return bodyHash(bodyUntil(text, start, stop, prefix)) === hash
        })
      : undefined
  if (endsEarlier) {
    const line = endsEarlier.position?.end.line ?? beginLine
    return {
      line: closeLine,
      column: close.position?.start.column ?? 1,
      reason: `This \`${endMarker}\` would close the generated region from line ${beginLine}, but that region's text ends at line ${line}: its own end marker was deleted, and the lines between are yours. Put \`${endMarker}\` back after line ${line}`,
    }
  }
  const heading = inside.find((node) => node.type === 'heading')
  if (heading) {
    return {
      line: heading.position?.start.line ?? beginLine,
      column: heading.position?.start.column ?? 1,
      reason: `The generated region from line ${beginLine} to its end marker at line ${closeLine} holds this heading, which vram never generates: the region's end marker was probably deleted. Put \`${endMarker}\` back where the generated text ends`,
    }
  }
  return undefined
}

/** 1-based line of `offset`. */
function lineOf(text: string, offset: number): number {
  return (text.slice(0, offset).match(/\r\n|\r|\n/g)?.length ?? 0) + 1
}

/** How many more top-level markdown blocks `old` has than `generated`. */
function extraBlocks(old: string, generated: string): number {
  return parser().parse(old).children.length - parser().parse(generated).children.length
}

/** Finds the vram fences and the generated regions that follow them. */
export function layoutOf(text: string, tree: Root = parseMarkdown(text)): Layout {
  const fences: Fence[] = []
  const problems: Layout['problems'] = []
  const claimed = new Set<unknown>()
  const walk = (parent: Parent) => {
    parent.children.forEach((child, index) => {
      if (isVramFence(child)) {
        const end = child.position?.end.offset ?? 0
        const closingLine = text.slice(lineStart(text, end), end)
        const prefix = /^[ \t>]*/.exec(closingLine)?.[0] ?? ''
        const rest = closingLine.slice(prefix.length)
        const closed =
          (/^`{3,}\s*$/.test(rest) || /^~{3,}\s*$/.test(rest)) &&
          (child.position?.end.line ?? 0) > (child.position?.start.line ?? 0)
        const fence: Fence = {node: child, index: fences.length + 1, end, prefix, closed}
        if (!closed && child.position) {
          problems.push({
            line: child.position.start.line,
            column: child.position.start.column,
            reason:
              'The ```vram block has no closing fence, so its generated region has no place; close the fence',
          })
        }
        const next = parent.children[index + 1]
        const begin = beginOf(next)
        if (begin && next?.position) {
          claimed.add(next)
          const close = parent.children
            .slice(index + 2)
            .find((node) => isEnd(node) || beginOf(node) || isVramFence(node))
          const inside = close
            ? parent.children.slice(index + 2, parent.children.indexOf(close as never))
            : []
          const ambiguous =
            close && isEnd(close)
              ? ambiguity(text, next, inside, close, begin.hash, prefix)
              : undefined
          if (close && isEnd(close)) claimed.add(close)
          if (ambiguous) {
            problems.push(ambiguous)
          } else if (close && isEnd(close) && close.position) {
            const start = next.position.start.offset ?? 0
            const stop = close.position.end.offset ?? 0
            fence.region = {
              start,
              end: stop,
              id: begin.id,
              hash: begin.hash,
              body: regionBody(text, start, stop, prefix),
            }
          } else {
            problems.push({
              line: next.position.start.line,
              column: next.position.start.column,
              reason: `The generated region has no \`${endMarker}\`; restore it or delete the region`,
            })
          }
        }
        fences.push(fence)
      } else if ('children' in child) {
        walk(child as Parent)
      }
    })
  }
  walk(tree)
  const orphans = (parent: Parent) => {
    for (const child of parent.children) {
      if (beginOf(child) && !claimed.has(child) && child.position) {
        problems.push({
          line: child.position.start.line,
          column: child.position.start.column,
          reason:
            'A generated region that does not follow a ```vram block; move it right after its block or delete it',
        })
      } else if (isEnd(child) && !claimed.has(child) && child.position) {
        problems.push({
          line: child.position.start.line,
          column: child.position.start.column,
          reason: `A \`${endMarker}\` that closes no generated region; delete it, or restore the region's begin marker`,
        })
      } else if ('children' in child) orphans(child as Parent)
    }
  }
  orphans(tree)
  return {fences, problems}
}

/** A fence's expansion: the plugin's output for a document holding just that fence. */
export function expandFence(
  node: Code,
  path: string | undefined,
  options: PluginOptions = {},
): string | undefined {
  const longest = Math.max(0, ...[...node.value.matchAll(/`+/g)].map((match) => match[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  const meta = node.meta ? ` ${node.meta}` : ''
  const value = `${fence}vram${meta}\n${node.value.replace(/\r\n?/g, '\n')}\n${fence}\n`
  const file = new VFile(path === undefined ? {value} : {path, value})
  const tree = transform(file, options)
  if (!tree) return undefined
  return pipeline(options).stringify(tree, file).trimEnd()
}

function markerId(fence: Fence): string {
  const meta = /(?:^|\s)id=("?)([^\s"]+)\1/.exec(fence.node.meta ?? '')?.[2]
  const key = /^id:\s*["']?([A-Za-z_][\w-]*)/m.exec(fence.node.value)?.[1]
  return meta ?? key ?? `block-${fence.index}`
}

/** The marker lines and body of a region, joined with `eol`, every line after the first prefixed. */
function regionText(id: string, body: string, prefix: string, eol: string): string {
  const lines = [
    `<!-- vram:begin ${id} hash=${bodyHash(body)} -->`,
    '',
    ...body.split('\n'),
    '',
    endMarker,
  ]
  return lines
    .map((line, index) => {
      if (index === 0) return line
      return line === '' ? prefix.trimEnd() : prefix + line
    })
    .join(eol)
}

export type RegionStatus = 'fresh' | 'new' | 'stale' | 'edited' | 'skipped'

export interface RegionReport {
  id: string
  line: number
  status: RegionStatus
  /** An `edited` region: its text now, and what `vram sync` would write instead. */
  edit?: {before: string; after: string; line: number} | undefined
}

export interface Plan {
  /** The file as `vram sync` would write it. */
  text: string
  messages: Message[]
  regions: RegionReport[]
}

/**
 * What `vram sync` does to one file, without writing: each vram fence keeps its
 * text and gets its expansion right after it, between markers; an existing
 * region right after a fence is replaced. Nothing else in the file changes.
 * When the plugin reports an error, `text` is the original.
 */
export function planSync(
  text: string,
  path: string | undefined,
  options: PluginOptions = {},
  tree: Root = parseMarkdown(text),
): Plan {
  const file = new VFile(path === undefined ? {value: text} : {path, value: text})
  // One parse serves both: the plugin runs on a copy, the layout reads the original.
  transform(file, options, tree)
  const messages = messagesOf(file)
  const layout = layoutOf(text, tree)
  for (const problem of layout.problems) {
    messages.push({...problem, ruleId: 'vram-region', fatal: true})
  }
  messages.sort((a, b) => a.line - b.line || a.column - b.column)
  if (messages.some(isInvalidMessage)) return {text, messages, regions: []}
  const eol = lineEndingOf(text)
  const edits: Array<{start: number; end: number; text: string}> = []
  const regions: RegionReport[] = []
  for (const fence of layout.fences) {
    const id = markerId(fence)
    const line = fence.node.position?.start.line ?? 1
    const body = fence.closed ? expandFence(fence.node, path, options) : undefined
    if (body === undefined) {
      // A block with an `expect` mismatch (or unclosed) keeps its region as it is.
      regions.push({id, line, status: 'skipped'})
      continue
    }
    const region = regionText(id, body, fence.prefix, eol)
    if (fence.region) {
      const old = text.slice(fence.region.start, fence.region.end)
      const status: RegionStatus =
        old === region
          ? 'fresh'
          : fence.region.hash !== undefined && fence.region.hash !== bodyHash(fence.region.body)
            ? 'edited'
            : 'stale'
      const extra = status === 'edited' ? extraBlocks(fence.region.body, body) : 0
      if (extra > 0) {
        // An edited region longer than what vram generates may have lost its end marker.
        const regionLine = lineOf(text, fence.region.start)
        messages.push({
          line: regionLine,
          column: 1,
          reason: `The generated region at line ${regionLine} was edited and holds ${extra} more block${extra === 1 ? '' : 's'} than vram generates: if its end marker was deleted, syncing would delete your text. Move your text out of the region (or delete the region) and sync again`,
          ruleId: 'vram-region',
          fatal: true,
        })
        return {text, messages, regions: []}
      }
      regions.push({
        id,
        line,
        status,
        ...(status === 'edited'
          ? {edit: {before: old, after: region, line: lineOf(text, fence.region.start)}}
          : {}),
      })
      if (status !== 'fresh')
        edits.push({start: fence.region.start, end: fence.region.end, text: region})
    } else {
      regions.push({id, line, status: 'new'})
      const blank = fence.prefix.trimEnd()
      edits.push({
        start: fence.end,
        end: fence.end,
        text: `${eol}${blank}${eol}${fence.prefix}${region}`,
      })
    }
  }
  let out = text
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end)
  }
  return {text: out, messages, regions}
}

/** The text of every vram block in a markdown file (what `.gguf` headers are read for). */
export function vramBlocks(text: string, tree: Root = parseMarkdown(text)): string[] {
  const blocks: string[] = []
  const visit = (node: unknown): void => {
    if (isVramFence(node)) blocks.push(node.value)
    for (const child of (node as Parent).children ?? []) visit(child)
  }
  visit(tree)
  return blocks
}
