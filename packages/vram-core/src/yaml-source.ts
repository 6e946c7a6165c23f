import {isMap, isNode, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument} from 'yaml'
import {type Diagnostic, diagnostic, type Point, type Span, type YamlPath} from './diagnostics.js'

/** The YAML body of a block, parsed with positions kept. */
export interface BlockSource {
  /** The plain JS value (`undefined` when the YAML has errors). */
  value: unknown
  /** `yaml-syntax` diagnostics, each with a `span`. */
  diagnostics: Diagnostic[]
  /** Where a path's value (or, with `onKey`, its key) is in the source. */
  locate(path: YamlPath, onKey?: boolean): Span | undefined
}

export function parseBlockSource(source: string): BlockSource {
  const lineCounter = new LineCounter()
  const document = parseDocument(source, {lineCounter, prettyErrors: false, uniqueKeys: true})
  const point = (offset: number): Point => {
    const {line, col} = lineCounter.linePos(offset)
    return {line, column: col, offset}
  }
  const span = (start: number, end: number): Span => ({start: point(start), end: point(end)})

  const diagnostics: Diagnostic[] = document.errors.map((error) => {
    const [start, end] = error.pos
    const reason = error.message.split('\n')[0] ?? error.message
    return diagnostic('yaml-syntax', `Invalid YAML: ${reason}`, [], {
      span: span(start, Math.max(end, start)),
      suggestion: syntaxHint(error.code),
    })
  })

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

  let value: unknown
  if (diagnostics.length === 0) {
    try {
      value = document.toJS({maxAliasCount: 100})
    } catch (error) {
      // Unresolved or exploding aliases surface only when converting.
      const reason = error instanceof Error ? error.message : String(error)
      diagnostics.push(
        diagnostic('yaml-syntax', `Invalid YAML: ${reason}`, [], {
          span: span(0, source.length),
          suggestion:
            'define an anchor (`&name`) before using its alias (`*name`), or remove the alias',
        }),
      )
    }
  }
  return {value, diagnostics, locate}
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
