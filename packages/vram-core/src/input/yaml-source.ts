import {
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from 'yaml'
import {
  type Diagnostic,
  diagnostic,
  type Point,
  type Span,
  type YamlPath,
} from '../output/diagnostics.js'
import {formatLimit, limits} from './limits.js'

/** The YAML body of a block, parsed with positions kept. */
export interface BlockSource {
  /** The plain JS value (`undefined` when the YAML has errors). */
  value: unknown
  /** `yaml-syntax` diagnostics, each with a `span`. */
  diagnostics: Diagnostic[]
  /** Where a path's value (or, with `onKey`, its key) is in the source. */
  locate(path: YamlPath, onKey?: boolean): Span | undefined
}

/** Tags a block may spell out: the YAML core schema's scalars, mappings and lists. */
const coreTags = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`),
)

/** How many plain values aliases may expand to (`toJS`'s `maxAliasCount`). */
const maxAliasCount = 100

export function parseBlockSource(written: string): BlockSource {
  // YAML's parser breaks lines at LF only; a lone CR (classic Mac OS files,
  // which CommonMark reads) becomes LF, same length, so offsets still match.
  const source = written.replace(/\r(?!\n)/g, '\n')
  const lineCounter = new LineCounter()
  const point = (offset: number): Point => {
    const {line, col} = lineCounter.linePos(offset)
    return {line, column: col, offset}
  }
  const span = (start: number, end: number): Span => ({start: point(start), end: point(end)})
  const syntax = (message: string, start: number, end: number, suggestion?: string) =>
    diagnostic('yaml-syntax', `Invalid YAML: ${message}`, [], {
      span: span(start, Math.max(end, start)),
      suggestion,
    })

  if (source.length > limits.blockChars) {
    return {
      value: undefined,
      diagnostics: [
        diagnostic(
          'invalid-value',
          `The block is ${formatLimit(source.length)} characters long, past the limit of ${formatLimit(limits.blockChars)}`,
          [],
          {suggestion: 'a vram block describes one setup in a few lines; split it or shorten it'},
        ),
      ],
      locate: () => undefined,
    }
  }

  // Nesting is measured before parsing: the parser recurses, and a deep block
  // would fail where the stack happens to run out.
  const shape = scanShape(source)
  if (shape.tooDeep !== undefined) {
    lineCounter.addNewLine(0)
    for (const match of source.matchAll(/\n/g)) lineCounter.addNewLine(match.index + 1)
    const empty: BlockSource = {value: undefined, diagnostics: [], locate: () => undefined}
    empty.diagnostics.push(
      syntax(
        `the block nests mappings and lists more than ${limits.yamlDepth} levels deep`,
        shape.tooDeep,
        shape.tooDeep + 1,
        'a vram block needs at most four levels (`vary: {model: [{extends: …}]}`); flatten it',
      ),
    )
    return empty
  }

  const document = parseDocument(source, {lineCounter, prettyErrors: false, uniqueKeys: true})
  const diagnostics: Diagnostic[] = []
  for (const error of document.errors) {
    const [start, end] = error.pos
    const flow = /^Flow (sequence|map)/.exec(error.message)
    const opener = flow ? shape.unclosed : undefined
    if (error.code === 'MULTIPLE_DOCS') {
      diagnostics.push(
        syntax(
          'a vram block holds one YAML document, and `---` starts a second one',
          start,
          end,
          'remove the `---` line, or move what follows into its own block',
        ),
      )
    } else if (opener) {
      const closer = opener.char === '[' ? ']' : '}'
      diagnostics.push(
        syntax(
          `this \`${opener.char}\` is never closed`,
          opener.offset,
          opener.offset + 1,
          `add \`${closer}\` after the last ${opener.char === '[' ? 'item' : 'entry'}, e.g. \`${opener.char === '[' ? '[fp16, int8]' : '{tp: 2}'}\``,
        ),
      )
    } else {
      const reason = error.message.split('\n')[0] ?? error.message
      diagnostics.push(syntax(reason, start, end, syntaxHint(error.code)))
    }
    // One syntax error usually causes the next ones: report the first.
    break
  }

  const locate = (path: YamlPath, onKey = false): Span | undefined => {
    let node: unknown = document.contents
    let keyNode: unknown
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) =>
            isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
        )
        if (!pair) return rangeOf(node)
        keyNode = pair.key
        node = pair.value
      } else if (isSeq(node) && typeof segment === 'number') {
        keyNode = undefined
        node = node.items[segment]
      } else {
        break
      }
    }
    return rangeOf(onKey && keyNode ? keyNode : node)
  }

  const rangeOf = (node: unknown): Span | undefined => {
    if (isNode(node) && (node as Node).range) {
      const [start, valueEnd] = (node as Node).range as [number, number, number]
      return span(start, valueEnd)
    }
    return undefined
  }

  if (diagnostics.length === 0) {
    // Tags beyond the core schema (`!!omap`, `!!set`, `!!binary`, `!custom`)
    // would turn into Maps, Sets and Buffers the block's keys cannot hold.
    visit(document, (_key, node) => {
      if (diagnostics.length > 0) return visit.BREAK
      if (!isNode(node) || node.tag === undefined || coreTags.has(node.tag)) return undefined
      const [start, end] = node.range ?? [0, 0]
      const tag = node.tag.replace(/^tag:yaml\.org,2002:/, '!!')
      diagnostics.push(
        syntax(
          `the tag \`${tag}\` is not supported in a vram block`,
          start,
          end,
          isMap(node) || isSeq(node)
            ? `remove \`${tag}\` and write a plain mapping such as \`{tp: 2}\` or a list such as \`[fp16, int8]\``
            : `remove \`${tag}\``,
        ),
      )
      return visit.BREAK
    })
  }

  let value: unknown
  if (diagnostics.length === 0) {
    try {
      value = document.toJS({maxAliasCount})
    } catch (error) {
      // Unresolved or exploding aliases surface only when converting.
      const reason = error instanceof Error ? error.message : String(error)
      let firstAlias: {start: number; end: number; name: string} | undefined
      visit(document, {
        Alias(_key, node) {
          const [start, end] = node.range ?? [0, 0]
          firstAlias ??= {start, end, name: node.source}
          return visit.BREAK
        },
      })
      const where = firstAlias ?? {start: 0, end: source.length, name: ''}
      diagnostics.push(
        /^Unresolved alias/.test(reason)
          ? syntax(
              `the alias \`*${where.name}\` has no anchor \`&${where.name}\` before it`,
              where.start,
              where.end,
              `define \`&${where.name}\` on a value above, or write the value out`,
            )
          : /alias count/i.test(reason)
            ? syntax(
                `the aliases expand to more than ${maxAliasCount} values`,
                where.start,
                where.end,
                'write the values out instead of nesting aliases of aliases',
              )
            : syntax(reason, where.start, where.end),
      )
    }
  }
  return {value, diagnostics, locate}
}

/**
 * A light scan of the YAML text (quotes and comments skipped): the offset
 * where nesting first passes `limits.yamlDepth` (block indentation, `- `
 * prefixes and `[`/`{` together), and the first flow collection never closed.
 */
function scanShape(source: string): {
  tooDeep?: number | undefined
  unclosed?: {char: '[' | '{'; offset: number} | undefined
} {
  const indents: number[] = []
  const flow: Array<{char: '[' | '{'; offset: number}> = []
  let offset = 0
  for (const line of source.split('\n')) {
    const start = offset
    offset += line.length + 1
    let index = 0
    if (flow.length === 0) {
      const content = /^[ ]*/.exec(line)?.[0].length ?? 0
      if (content === line.length || line[content] === '#') continue
      while (indents.length > 0 && (indents[indents.length - 1] as number) >= content) indents.pop()
      indents.push(content)
      index = content
      // `- - - x`: each dash opens a list inside the last.
      while (line[index] === '-' && (line[index + 1] === ' ' || index + 1 === line.length)) {
        index += 2
        indents.push(index)
        if (indents.length > limits.yamlDepth) return {tooDeep: start + index - 2}
      }
    }
    let quote: string | undefined
    let previous = ' '
    for (; index < line.length; index++) {
      const char = line[index] as string
      if (quote) {
        if (char === quote) quote = undefined
      } else if (char === '"' || char === "'") {
        if (/[\s:,[{-]/.test(previous)) quote = char
      } else if (char === '#' && /\s/.test(previous)) {
        break
      } else if ((char === '[' || char === '{') && /[\s:,[{?-]/.test(previous)) {
        flow.push({char, offset: start + index})
        if (indents.length + flow.length > limits.yamlDepth) return {tooDeep: start + index}
      } else if ((char === ']' || char === '}') && flow.length > 0) {
        flow.pop()
      }
      if (char !== ' ') previous = char
      else previous = ' '
    }
  }
  return {unclosed: flow[0]}
}

function syntaxHint(code: string): string | undefined {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each key may appear once; remove the repeated one'
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation: nested keys need two more spaces than their parent'
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'a key needs a colon and a space before its value (`key: value`)'
    case 'TAB_AS_INDENT':
      return 'YAML indentation uses spaces, not tabs'
    default:
      return undefined
  }
}
