import type {Code} from 'mdast'
import type {Position, Point as UnistPoint} from 'unist'
import type {VFile} from 'vfile'
import type {Span} from 'vram-core'

const lineEnding = /\r\n|\r|\n/g

/** Lines of a file, with the offset each starts at. */
export class Lines {
  readonly #lines: string[] = []
  readonly #starts: number[] = []
  readonly known: boolean

  constructor(file: VFile) {
    const text = file.value === undefined || file.value === null ? undefined : String(file)
    this.known = text !== undefined
    if (text === undefined) return
    let start = 0
    for (const match of text.matchAll(lineEnding)) {
      this.#lines.push(text.slice(start, match.index))
      this.#starts.push(start)
      start = match.index + match[0].length
    }
    this.#lines.push(text.slice(start))
    this.#starts.push(start)
  }

  /** Text of a 1-based line, without its ending. */
  text(line: number): string | undefined {
    return this.#lines[line - 1]
  }

  /** A unist point for a 1-based line and column. */
  point(line: number, column: number): UnistPoint {
    const start = this.#starts[line - 1]
    return start === undefined ? {line, column} : {line, column, offset: start + column - 1}
  }
}

/**
 * Maps positions in a ```` ```vram ```` fence's YAML body to positions in the
 * markdown file. The body's line `k` is the file's line `fence + k`; its
 * column is shifted by whatever precedes the body's text on that file line
 * (the fence's indentation, a list item's indent, `>` markers).
 */
export class FenceMap {
  readonly #code: Code
  readonly #lines: Lines
  readonly #body: string[]

  constructor(code: Code, lines: Lines) {
    this.#code = code
    this.#lines = lines
    this.#body = code.value.split(/\r\n|\r|\n/)
  }

  /** The fence itself. */
  get fence(): Position | undefined {
    return this.#code.position
  }

  #prefix(fileLine: number, bodyLine: number): number {
    const body = this.#body[bodyLine - 1] ?? ''
    const text = this.#lines.text(fileLine)
    if (text?.endsWith(body)) return text.length - body.length
    // Without the file's text: the fence's own indentation.
    return Math.max(0, (this.#code.position?.start.column ?? 1) - 1)
  }

  #point(point: Span['start']): UnistPoint | undefined {
    const start = this.#code.position?.start
    if (!start) return undefined
    const line = start.line + point.line
    return this.#lines.point(line, this.#prefix(line, point.line) + point.column)
  }

  /** A span of the YAML body as a position in the file. */
  position(span: Span): Position | undefined {
    const start = this.#point(span.start)
    const end = this.#point(span.end)
    return start && end ? {start, end} : undefined
  }

  /** Where `needle` (e.g. `id=qwen`) is on the fence's opening line. */
  onOpeningLine(needle: string): Position | undefined {
    const start = this.#code.position?.start
    if (!start) return undefined
    const text = this.#lines.text(start.line)
    const index = text?.indexOf(needle, start.column - 1) ?? -1
    if (index < 0) return this.fence
    return {
      start: this.#lines.point(start.line, index + 1),
      end: this.#lines.point(start.line, index + 1 + needle.length),
    }
  }
}
