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

export function text(value: string): Text {
  return {type: 'text', value}
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
