/** One entry of remark-vram's `file.data.vram.errata`, as the layout receives it. */
export interface ErratumEntry {
  id?: string | undefined
  /** The checked key: `total`, `kv_cache`, `params`, `solved`, ... */
  key: string
  /** The figure the original printed. */
  written: string
  /** The computed figure, formatted by remark-vram (`30.1 GB`). */
  actual: string | number
  /** Why the original figure is wrong. */
  erratum: string
  /** Title of the article's section the figure is written in (`plugins/remark-errata.mjs`). */
  section?: string | undefined
  /** Line of the value in the markdown source. */
  line?: number | undefined
}

/** The computed figure as the box shows it. */
export function formatFigure(entry: ErratumEntry): string {
  if (typeof entry.actual === 'string') return entry.actual
  return ['params', 'solved'].includes(entry.key)
    ? String(entry.actual)
    : `${Number((entry.actual / 1e9).toPrecision(3))} GB`
}
