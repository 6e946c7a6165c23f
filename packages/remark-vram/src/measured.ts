import type {Paragraph, PhrasingContent} from 'mdast'
import {type Measurement, measuredHowLabels} from 'vram-core'
import type {Formatter} from './format.js'
import {fill, type LabelKey} from './locale.js'
import {paragraph, text} from './mdast.js'

/** The label of a measured figure's name: `total` → Total, `kv_cache` → KV cache. */
function figureLabel(key: string): LabelKey {
  if (key === 'total') return 'metric.total'
  if (key === 'kv_cache') return 'component.kvCache'
  return `component.${key}` as LabelKey
}

/**
 * `measured:` under the table: the measured figure in the block's units (and
 * as published when written otherwise), how and where it was measured, the
 * computed figure and their ratio, so a reader can weigh the estimate.
 */
export function measuredLine(measured: Measurement, format: Formatter): Paragraph {
  const d = format.dictionary
  const inUnits = format.sizeWithUnit(measured.measured)
  const written = measured.written.replace(/\s+/g, ' ')
  const how =
    measured.how === undefined
      ? undefined
      : ((measuredHowLabels as Record<string, string>)[measured.how] ?? measured.how)
  const tolerance = format.percent(measured.tolerance)
  const line = fill(d['measured.line'], {
    name: d[figureLabel(measured.key)] ?? measured.key,
    measured: inUnits,
    // As published too, when written in another unit (`14.2488 GiB` beside `15.3 GB`).
    written:
      /([kmgt]i?b)\s*$/i.exec(written)?.[1]?.toLowerCase() === format.units.toLowerCase()
        ? undefined
        : written,
    how,
    computed: format.sizeWithUnit(measured.computed),
    ratio: format.factor(measured.ratio).replace(/×$/, ''),
    verdict: fill(d[measured.ok ? 'measured.within' : 'measured.outside'], {tolerance}),
  })
  const children: PhrasingContent[] = [text(line)]
  if (measured.source !== undefined) {
    children.push(text(d['caption.semicolon']), {
      type: 'link',
      url: measured.source,
      children: [text(d['measured.source'])],
    })
  }
  children.push(text(d['caption.end']))
  return paragraph(children)
}
