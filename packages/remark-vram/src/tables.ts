import type {AlignType, Paragraph, PhrasingContent, RootContent, Table} from 'mdast'
import type {BlockResult, Metric, Result, Scenario, Solved, VaryCase} from 'vram-core'
import {adapterMethod} from 'vram-core'
import type {Formatter} from './format.js'
import {fill, type LabelKey} from './locale.js'
import {inlineMath} from './math.js'
import {type CellContent, paragraph, strong, table, text} from './mdast.js'

const metricKeys: Record<Metric, LabelKey> = {
  total: 'metric.total',
  params: 'metric.params',
  weights: 'component.weights',
  adapter: 'component.adapter',
  gradients: 'component.gradients',
  optimizer: 'component.optimizer',
  activations: 'component.activations',
  kvCache: 'component.kvCache',
  buffers: 'component.buffers',
}

/**
 * The parallel layout in words: `8 GPUs (TP 2 × PP 2 × DP 2)`. The product is
 * the device count; EP follows after a comma because it is carved out of the
 * data- and tensor-parallel ranks, not multiplied in (`8 GPUs (TP 2 × DP 4, EP 4)`).
 */
function layout(scenario: Scenario, devices: number, format: Formatter): string {
  const d = format.dictionary
  const p = scenario.parallel
  const degrees: Array<[string, number]> = [
    ['TP', p.tp],
    ['PP', p.pp],
    ['DP', p.dp],
    ['CP', p.cp],
  ]
  const shown = degrees.filter(([, degree]) => degree > 1)
  if (devices <= 1 && shown.length === 0 && p.ep <= 1) return d['caption.oneDevice']
  const product = shown.map(([name, degree]) => `${name} ${format.integer(degree)}`).join(' × ')
  const expert = p.ep > 1 ? `EP ${format.integer(p.ep)}` : ''
  return fill(d['caption.devices'], {
    layout: [product, expert].filter(Boolean).join(', '),
    count: format.integer(devices),
  })
}

/**
 * The caption line: model, mode, dtype, B, N, parallel layout, units.
 * Keys in `swept` are left out, and `sweep` (the swept keys' labels) says
 * what a sweep varies.
 */
export function caption(
  result: Result,
  format: Formatter,
  swept: ReadonlySet<string> = new Set(),
  sweep?: string,
  perDevice = result.devices > 1,
  sizes = true,
): Paragraph {
  const d = format.dictionary
  const s = result.scenario
  const parts: string[] = []
  const has = (key: string) => swept.has(key)
  if (!has('mode')) {
    parts.push(s.mode === 'training' ? d['caption.training'] : d['caption.inference'])
  }
  if (s.mode === 'training') {
    if (!has('precision'))
      parts.push(d[`caption.precision.${s.precision}` as LabelKey] ?? s.precision)
    if (!has('optimizer'))
      parts.push(d[`caption.optimizer.${s.optimizer}` as LabelKey] ?? s.optimizer)
    if (s.adapter && !has('adapter'))
      parts.push(
        fill(d['caption.adapter'], {
          method: adapterMethod(s.adapter, s.dtype.name),
          rank: format.integer(s.adapter.rank),
          targets: s.adapter.targets.join(', '),
        }),
      )
  }
  // Training in fp32 or pure bf16 fixes the weights' dtype; mixed precision does not (nor an adapter's base).
  if (!has('dtype') && (s.mode === 'inference' || s.precision === 'mixed' || s.adapter)) {
    const scoped = s.dtype.bits < 16 && s.quantize !== 'all'
    parts.push(
      scoped
        ? fill(d[`caption.quantize.${s.quantize as 'linear' | 'experts'}`], {dtype: s.dtype.name})
        : s.dtype.name,
    )
  }
  if (s.mode === 'inference' && !has('kv_dtype') && s.kvDtype.name !== s.dtype.name) {
    parts.push(fill(d['caption.kvDtype'], {dtype: s.kvDtype.name}))
  }
  if (!has('batch')) parts.push(fill(d['caption.batch'], {value: format.integer(s.batch)}))
  if (!has('seq')) parts.push(fill(d['caption.seq'], {value: format.integer(s.seq)}))
  if (s.mode === 'training' && s.gradAccum > 1 && !has('grad_accum') && !has('micro_batch')) {
    parts.push(
      fill(d['caption.microBatch'], {
        value: format.integer(s.microBatch),
        steps: format.integer(s.gradAccum),
      }),
    )
  }
  const layoutKeys = ['parallel.dp', 'parallel.tp', 'parallel.pp', 'parallel.ep', 'parallel.cp']
  if (!layoutKeys.some(has)) {
    parts.push(layout(s, result.devices, format))
  }
  if (s.parallel.sp && s.parallel.tp > 1 && !has('parallel.sp')) parts.push(d['caption.sp'])
  if (s.mode === 'training' && s.parallel.zero > 0 && !has('parallel.zero')) {
    parts.push(fill(d['caption.zero'], {stage: s.parallel.zero}))
  }
  if (s.mode === 'training' && s.parallel.offload !== 'none' && !has('parallel.offload')) {
    parts.push(d[`caption.offload.${s.parallel.offload}` as LabelKey] ?? s.parallel.offload)
  }
  if (s.mode === 'training' && s.recompute !== 'none' && !has('recompute')) {
    parts.push(
      s.recompute === 'offload'
        ? d['caption.recomputeOffload']
        : fill(d['caption.recompute'], {mode: s.recompute}),
    )
  }
  if (s.attention === 'eager' && !has('attention')) parts.push(d['caption.eager'])
  const units = d[`caption.${perDevice ? 'unitsPerDevice' : 'units'}.${format.units}` as LabelKey]
  const children: PhrasingContent[] = []
  let lead = ''
  if (has('model')) lead = fill(d['caption.sweep'], {keys: sweep ?? ''})
  else {
    children.push(strong(result.model.name))
    if (sweep !== undefined) lead = fill(d['caption.sweepAfterModel'], {keys: sweep})
  }
  const tail = `${parts.join(d['caption.comma'])}${sizes ? `${d['caption.period']}${units}` : ''}${d['caption.end']}`
  children.push(text(`${lead}${d['caption.colon']}${tail}`))
  return paragraph(children)
}

function componentLabel(key: string, format: Formatter): string {
  return format.dictionary[`component.${key}` as LabelKey] ?? key
}

/** Left-hand side of a formula (`M_{kv}` of `M_{kv} = ...`). */
function formulaSymbol(symbolic: string): string {
  return (symbolic.split(' = ')[0] ?? symbolic).trim()
}

/** The breakdown table, optionally with the formula columns. */
export function breakdown(result: Result, format: Formatter, formulas: boolean): Table {
  const d = format.dictionary
  const sizeHeader = fill(d[result.devices > 1 ? 'table.sizePerDevice' : 'table.size'], {
    unit: format.units,
  })
  const header: CellContent[] = [d['table.component'], sizeHeader]
  const align: AlignType[] = ['left', 'right']
  if (formulas) {
    header.push(d['table.formula'], d['table.substituted'])
    align.push('left', 'left')
  }
  const rows: CellContent[][] = [header]
  for (const component of result.components) {
    const cells: CellContent[] = [
      componentLabel(component.label ?? component.key, format),
      format.size(component.bytes),
    ]
    if (formulas) {
      cells.push(inlineMath(component.formula.symbolic), inlineMath(component.formula.substituted))
    }
    rows.push(cells)
  }
  const total: CellContent[] = [
    strong(d['table.total']),
    strong(format.size(result.perDevice.total)),
  ]
  if (formulas) {
    const symbols = result.components.map((component) => formulaSymbol(component.formula.symbolic))
    total.push(inlineMath(`M_{total} = ${symbols.join(' + ')}`), '')
  }
  rows.push(total)
  return table(align, rows)
}

/** The sources of the formulas, one per component, as a paragraph of links. */
export function sourcesLine(result: Result, format: Formatter): Paragraph {
  const d = format.dictionary
  const children: PhrasingContent[] = [text(`${d['table.sources']}${d['caption.colon']}`)]
  result.components.forEach((component, index) => {
    if (index > 0) children.push(text(d['caption.semicolon']))
    const key = component.label ?? component.key
    children.push(text(`${componentLabel(key, format)}${d['caption.colon']}`))
    const title = (d as Record<string, string>)[`source.${key}`] || component.source.title
    if (component.source.url) {
      children.push({type: 'link', url: component.source.url, children: [text(title)]})
    } else {
      children.push(text(title))
    }
  })
  children.push(text(d['caption.end']))
  return paragraph(children)
}

function gpuPhrase(result: Result, format: Formatter): string {
  const d = format.dictionary
  const gpu = result.scenario.gpu
  const devices = result.devices
  if (!gpu) return ''
  if (gpu.id === 'custom') {
    const capacity = format.sizeWithUnit(gpu.capacity)
    return devices > 1
      ? fill(d['summary.customGpus'], {count: format.integer(devices), capacity})
      : fill(d['summary.customGpu'], {capacity})
  }
  return devices > 1
    ? fill(d['summary.manyGpus'], {count: format.integer(devices), name: gpu.name})
    : fill(d['summary.oneGpu'], {name: gpu.name})
}

/** The summary line: fits or not, share of the GPU, headroom. */
export function summary(result: Result, format: Formatter): Paragraph {
  const d = format.dictionary
  const total = format.sizeWithUnit(result.perDevice.total)
  let line: string
  if (result.capacity === undefined || result.usableCapacity === undefined) {
    line = fill(d['summary.noGpu'], {
      total,
      devices: result.devices > 1 ? format.integer(result.devices) : undefined,
    })
  } else {
    const many = result.devices > 1
    const params = {
      total,
      capacity: format.sizeWithUnit(result.capacity),
      gpu: gpuPhrase(result, format),
      share: format.percent(result.perDevice.total / result.capacity),
      headroom: format.sizeWithUnit(Math.max(0, result.usableCapacity - result.perDevice.total)),
      over: format.sizeWithUnit(Math.max(0, result.perDevice.total - result.usableCapacity)),
    }
    const key: LabelKey = result.fits
      ? many
        ? 'summary.fitsPerDevice'
        : 'summary.fits'
      : many
        ? 'summary.overPerDevice'
        : 'summary.over'
    line = fill(d[key], params)
  }
  if (result.offloaded > 0) {
    line += `${d['caption.semicolon']}${fill(d['summary.offloaded'], {size: format.sizeWithUnit(result.offloaded)})}`
  }
  return paragraph([text(`${line}${d['caption.end']}`)])
}

/** The value a `solve` found, in a table cell. */
function solvedCell(solved: Solved | undefined, format: Formatter): string {
  if (solved?.exceeds !== undefined) return `> ${format.integer(solved.exceeds)}`
  if (solved?.value === undefined) return format.dictionary['solve.missing']
  if (solved.limit === 'context')
    return fill(format.dictionary['solve.contextCell'], {value: format.integer(solved.value)})
  const axis = solved.target === 'gpus' && solved.axis ? ` (${solved.axis.toUpperCase()})` : ''
  return `${format.integer(solved.value)}${axis}`
}

/** The line a `solve` gives a single block. */
export function solveLine(solved: Solved, format: Formatter): Paragraph {
  const d = format.dictionary
  if (solved.exceeds !== undefined && solved.target !== 'gpus') {
    const over = fill(d[`solve.over.${solved.target}`], {value: format.integer(solved.exceeds)})
    return paragraph([text(`${over}${d['caption.end']}`)])
  }
  if (solved.value === undefined) {
    return paragraph([text(`${d[`solve.none.${solved.target}` as LabelKey]}${d['caption.end']}`)])
  }
  const key = solved.limit === 'context' ? 'solve.seqContext' : `solve.${solved.target}`
  const line = fill(d[key as LabelKey], {
    value: format.integer(solved.value),
    axis: solved.axis?.toUpperCase(),
    total: solved.result ? format.sizeWithUnit(solved.result.perDevice.total) : undefined,
  })
  return paragraph([text(`${line}${d['caption.end']}`)])
}

function metricValue(result: Result, metric: Metric, format: Formatter): string {
  if (metric === 'params') return format.count(result.model.params)
  return format.size(result.perDevice[metric] ?? 0)
}

function keyLabel(key: string, format: Formatter): string {
  return format.dictionary[`vary.key.${key}` as LabelKey] ?? key
}

function metricHeader(block: BlockResult, cases: VaryCase[], format: Formatter): string {
  const d = format.dictionary
  const metric = d[metricKeys[block.metric]]
  if (block.metric === 'params') return metric
  const perDevice = cases.some((entry) => entry.result.devices > 1)
  return fill(d[perDevice ? 'vary.headerPerDevice' : 'vary.header'], {metric, unit: format.units})
}

/** Distinct labels of one swept key, in first-seen order. */
function labelsOf(cases: VaryCase[], key: string): string[] {
  const out: string[] = []
  for (const entry of cases) {
    const label = entry.labels[key] ?? ''
    if (!out.includes(label)) out.push(label)
  }
  return out
}

/**
 * A `vary` block: one key gives a comparison table (one row per case, with
 * the solved value and whether it fits); two keys give a matrix (rows: the
 * first key, columns: the second), and a second matrix of solved values.
 */
export function sweep(block: BlockResult, format: Formatter): RootContent[] {
  const d = format.dictionary
  const cases = block.cases ?? []
  const keys = block.varyKeys ?? []
  const first = cases[0]
  if (!first) return []
  const swept = new Set(keys)
  const over = keys.map((key) => keyLabel(key, format)).join(' × ')
  const matrixNote =
    keys.length === 2
      ? fill(d['caption.rowsColumns'], {
          rows: keyLabel(keys[0] as string, format),
          columns: keyLabel(keys[1] as string, format),
        })
      : ''
  const perDevice = cases.some((entry) => entry.result.devices > 1)
  const nodes: RootContent[] = [
    caption(
      first.result,
      format,
      swept,
      `${over}${matrixNote}`,
      perDevice,
      block.metric !== 'params',
    ),
  ]
  const solve = cases.some((entry) => entry.solved)
  const target = cases.find((entry) => entry.solved)?.solved?.target
  if (keys.length === 1) {
    const key = keys[0] as string
    const withGpu = cases.every((entry) => entry.result.capacity !== undefined)
    const header: CellContent[] = [keyLabel(key, format), metricHeader(block, cases, format)]
    const align: AlignType[] = ['left', 'right']
    if (solve && target) {
      header.push(d[`solve.header.${target}` as LabelKey])
      align.push('right')
    }
    if (withGpu) {
      header.push(d['vary.fits'])
      align.push('center')
    }
    const rows: CellContent[][] = [header]
    for (const entry of cases) {
      const cells: CellContent[] = [
        entry.labels[key] ?? '',
        metricValue(entry.result, block.metric, format),
      ]
      if (solve && target) cells.push(solvedCell(entry.solved, format))
      if (withGpu) cells.push(format.boolean(entry.result.fits === true))
      rows.push(cells)
    }
    nodes.push(table(align, rows))
    return nodes
  }
  const [rowKey, columnKey] = keys as [string, string]
  const rowLabels = labelsOf(cases, rowKey)
  const columnLabels = labelsOf(cases, columnKey)
  const find = (rowLabel: string, columnLabel: string) =>
    cases.find(
      (entry) => entry.labels[rowKey] === rowLabel && entry.labels[columnKey] === columnLabel,
    )
  const metric = d[metricKeys[block.metric]]
  const corner =
    block.metric === 'params'
      ? fill(d['vary.cornerCount'], {key: keyLabel(rowKey, format), metric})
      : fill(d['vary.corner'], {key: keyLabel(rowKey, format), metric, unit: format.units})
  const align: AlignType[] = ['left', ...columnLabels.map((): AlignType => 'right')]
  const matrix = (value: (entry: VaryCase) => string, cornerText: string) =>
    table(align, [
      [cornerText, ...columnLabels],
      ...rowLabels.map((rowLabel) => [
        rowLabel,
        ...columnLabels.map((columnLabel) => {
          const entry = find(rowLabel, columnLabel)
          return entry ? value(entry) : d['solve.missing']
        }),
      ]),
    ])
  nodes.push(matrix((entry) => metricValue(entry.result, block.metric, format), corner))
  if (solve && target) {
    nodes.push(
      matrix(
        (entry) => solvedCell(entry.solved, format),
        fill(d['vary.cornerCount'], {
          key: keyLabel(rowKey, format),
          metric: d[`solve.header.${target}` as LabelKey],
        }),
      ),
    )
  }
  return nodes
}
