import type {
  AlignType,
  Paragraph,
  PhrasingContent,
  Strong,
  Table,
  TableCell,
  TableRow,
  Text,
} from 'mdast'

/** Han characters and CJK punctuation (full-width forms included). */
const cjk = '\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef'
const spaceBetweenCjk = new RegExp(`(?<=[${cjk}]) +(?=[${cjk}])`, 'gu')

/**
 * A text node of generated words. A space between two CJK characters is
 * dropped: templates put one around each placeholder for English and Latin
 * values (`对比 DP`), which would be a stray space between Chinese words
 * (`对比 数据类型`).
 */
export function text(value: string): Text {
  return {type: 'text', value: value.replace(spaceBetweenCjk, '')}
}

export function strong(value: string | PhrasingContent[]): Strong {
  return {type: 'strong', children: typeof value === 'string' ? [text(value)] : value}
}

export function paragraph(children: PhrasingContent[]): Paragraph {
  return {type: 'paragraph', children}
}

export type CellContent = string | PhrasingContent | PhrasingContent[]

export function cell(content: CellContent): TableCell {
  const children =
    typeof content === 'string'
      ? content === ''
        ? []
        : [text(content)]
      : Array.isArray(content)
        ? content
        : [content]
  return {type: 'tableCell', children}
}

export function row(cells: CellContent[]): TableRow {
  return {type: 'tableRow', children: cells.map(cell)}
}

/** A GFM table: the first row is the header. */
export function table(align: AlignType[], rows: CellContent[][]): Table {
  return {type: 'table', align, children: rows.map(row)}
}
