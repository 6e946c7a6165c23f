import type {AlignType, Paragraph, PhrasingContent, RootContent, Table} from 'mdast'
import {
  adapterMethod,
  type BlockResult,
  type CitationStyle,
  citation,
  type Metric,
  modelSource,
  type Result,
  type Scenario,
  type Solved,
  type Source,
  type VaryCase,
} from 'vram-core'
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

/** The parallel axes a caption names, in the order Megatron-LM writes them (EP after the product). */
const layoutAxes = ['tp', 'pp', 'dp', 'cp', 'ep'] as const

/**
 * One setting of a computed scenario, as a caption phrase and as a table
 * cell. A sweep puts the settings that are the same in every case in its
 * caption and gives each one that differs a column (or a row or column label
 * in a matrix), so no row is read with another row's setting.
 */
interface Setting {
  /** The block key it reflects (`batch`, `kv_dtype`, `devices`): dropped when swept. */
  key: string
  /** Also dropped when one of these keys is swept (`grad_accum` for the micro-batch). */
  sweptBy?: readonly string[]
  /** Caption phrase: `B = 8`, `KV cache fp8`. */
  phrase: string
  /** Cell of a column: `8`, `fp8`. */
  cell: string
  /** Whether a caption names it when every case shares it (a default may go unsaid). */
  shown: boolean
  /** Part of the parallel layout phrase (`8 GPUs (TP 2 × DP 4)`). */
  axis?: boolean
}

/** A dtype as the caption says it: `int4`, or `int4 linear layers (the rest bf16)`. */
function dtypePhrase(s: Scenario, format: Formatter): string {
  const scoped = s.dtype.bits < 16 && s.quantize !== 'all'
  return scoped
    ? fill(format.dictionary[`caption.quantize.${s.quantize as 'linear' | 'experts'}`], {
        dtype: s.dtype.name,
      })
    : s.dtype.name
}

function devicesPhrase(devices: number, format: Formatter): string {
  const d = format.dictionary
  return devices === 1
    ? d['caption.oneDevice']
    : fill(d['caption.devicesOnly'], {count: format.integer(devices)})
}

/** Every setting a caption or a sweep column may show, in caption order. */
function settingsOf(result: Result, format: Formatter): Setting[] {
  const d = format.dictionary
  const s = result.scenario
  const training = s.mode === 'training'
  const out: Setting[] = []
  const mode = training ? d['caption.training'] : d['caption.inference']
  out.push({key: 'mode', phrase: mode, cell: mode, shown: true})
  const precision = training
    ? (d[`caption.precision.${s.precision}` as LabelKey] ?? s.precision)
    : '—'
  out.push({key: 'precision', phrase: precision, cell: precision, shown: training})
  const optimizer = training
    ? (d[`caption.optimizer.${s.optimizer}` as LabelKey] ?? s.optimizer)
    : '—'
  out.push({key: 'optimizer', phrase: optimizer, cell: optimizer, shown: training})
  const adapter =
    training && s.adapter
      ? fill(d['caption.adapter'], {
          method: adapterMethod(s.adapter, s.dtype.name),
          rank: format.integer(s.adapter.rank),
          targets: s.adapter.targets.join(', '),
        })
      : '—'
  out.push({key: 'adapter', phrase: adapter, cell: adapter, shown: adapter !== '—'})
  // Training in fp32 or pure bf16 fixes the weights' dtype; mixed precision does not (nor an adapter's base).
  const weightsDtype = !training || s.precision === 'mixed' || s.adapter !== undefined
  out.push({
    key: 'dtype',
    phrase: dtypePhrase(s, format),
    cell: s.dtype.name,
    shown: weightsDtype,
  })
  // Which weights a low-bit dtype covers: part of the dtype phrase, on its own when dtype is swept.
  const scope = format.value('quantize', s.quantize)
  out.push({
    key: 'quantize',
    phrase: fill(d['caption.quantizeScope'], {scope}),
    cell: scope,
    shown: weightsDtype && s.dtype.bits < 16 && s.quantize !== 'all',
  })
  const kv = training ? '—' : s.kvDtype.name
  out.push({
    key: 'kv_dtype',
    phrase: training ? '' : fill(d['caption.kvDtype'], {dtype: s.kvDtype.name}),
    cell: kv,
    shown: !training && s.kvDtype.name !== s.dtype.name && s.engine === undefined,
  })
  // A served model has no batch or sequence of its own: the engine's settings say what it serves.
  const served = s.serve !== undefined || s.engine !== undefined
  if (result.engine) {
    // The settings the writer gave, and where the layers went.
    const given = result.engine.settings.defaulted
    const settings = Object.entries(result.engine.named)
      .filter(([key]) => !given.includes(key) || key === 'n_gpu_layers' || key === 'num_gpu')
      .map(
        ([key, value]) =>
          `${key} ${typeof value === 'number' ? format.integer(value) : String(value)}`,
      )
      .join(', ')
    const phrase = fill(d['caption.engine'], {engine: result.engine.engine, settings})
    out.push({key: 'serve', phrase, cell: phrase, shown: true})
  }
  const batch = format.integer(s.batch)
  out.push({
    key: 'batch',
    phrase: fill(d['caption.batch'], {value: batch}),
    cell: batch,
    shown: !served,
  })
  const seq = format.integer(s.seq)
  out.push({key: 'seq', phrase: fill(d['caption.seq'], {value: seq}), cell: seq, shown: !served})
  if (s.serve) {
    const serve = fill(d['caption.serve'], {
      maxModelLen: format.integer(s.serve.maxModelLen),
      utilization: String(s.serve.gpuMemoryUtilization),
    })
    out.push({
      key: 'serve',
      sweptBy: ['serve.max_model_len', 'serve.gpu_memory_utilization'],
      phrase: serve,
      cell: serve,
      shown: true,
    })
  }
  const micro = format.integer(s.microBatch)
  const steps = format.integer(s.gradAccum)
  out.push({
    key: 'micro_batch',
    sweptBy: ['grad_accum', 'batch'],
    phrase: training
      ? fill(d[s.gradAccum > 1 ? 'caption.microBatch' : 'caption.microBatchOnly'], {
          value: micro,
          steps,
        })
      : '',
    cell: training ? (s.gradAccum > 1 ? `${micro} × ${steps}` : micro) : '—',
    shown: training && s.gradAccum > 1,
  })
  for (const axis of layoutAxes) {
    const degree = s.parallel[axis]
    const phrase = `${axis.toUpperCase()} ${format.integer(degree)}`
    out.push({
      key: `parallel.${axis}`,
      phrase,
      cell: format.integer(degree),
      shown: degree > 1,
      axis: true,
    })
  }
  const devices = format.integer(result.devices)
  out.push({
    key: 'devices',
    phrase: devicesPhrase(result.devices, format),
    cell: devices,
    shown: true,
    axis: true,
  })
  const sp = s.parallel.sp && s.parallel.tp > 1
  out.push({key: 'parallel.sp', phrase: d['caption.sp'], cell: format.boolean(sp), shown: sp})
  const zero = training && s.parallel.zero > 0
  out.push({
    key: 'parallel.zero',
    phrase: fill(d['caption.zero'], {stage: s.parallel.zero}),
    cell: training ? format.integer(s.parallel.zero) : '—',
    shown: zero,
  })
  const offload = training && s.parallel.offload !== 'none'
  out.push({
    key: 'parallel.offload',
    phrase: d[`caption.offload.${s.parallel.offload}` as LabelKey] ?? s.parallel.offload,
    cell: training ? format.value('parallel.offload', s.parallel.offload) : '—',
    shown: offload,
  })
  const recompute = format.value('recompute', s.recompute)
  out.push({
    key: 'recompute',
    phrase:
      s.recompute === 'offload'
        ? d['caption.recomputeOffload']
        : fill(d['caption.recompute'], {mode: recompute}),
    cell: training ? recompute : '—',
    shown: training && s.recompute !== 'none',
  })
  out.push({
    key: 'attention',
    phrase: d['caption.eager'],
    cell: format.value('attention', s.attention),
    shown: s.attention === 'eager',
  })
  return out
}

/** The parallel layout in words: `8 GPUs (TP 2 × DP 4)`, or `TP 2` when the count varies. */
function layoutPhrase(settings: Setting[], format: Formatter): string {
  const d = format.dictionary
  const shown = settings.filter((setting) => setting.axis && setting.shown)
  const devices = settings.find((setting) => setting.key === 'devices')
  // TP × PP × DP × CP is the device count; EP is carved out of those ranks, so it follows a comma.
  const product = shown
    .filter((setting) => setting.key !== 'devices' && setting.key !== 'parallel.ep')
    .map((setting) => setting.phrase)
    .join(' × ')
  const expert = shown.find((setting) => setting.key === 'parallel.ep')?.phrase ?? ''
  const named = [product, expert].filter(Boolean).join(', ')
  if (!devices) return named
  if (!named) return devices.phrase
  return fill(d['caption.devices'], {count: devices.cell, layout: named})
}

/** Which settings differ between the cases of a sweep (swept keys left out). */
function varyingSettings(perCase: Setting[][], swept: ReadonlySet<string>): Set<string> {
  const out = new Set<string>()
  const first = perCase[0] ?? []
  first.forEach((setting, index) => {
    if (swept.has(setting.key) || setting.sweptBy?.some((key) => swept.has(key))) return
    const differs = perCase.some((settings) => settings[index]?.cell !== setting.cell)
    if (differs) out.add(setting.key)
  })
  return out
}

/**
 * The caption line: model, mode, dtype, B, N, parallel layout, GPU, units.
 * Keys in `omit` (swept, or shown in a column) are left out, and `sweep`
 * (the swept keys' labels) says what a sweep varies.
 */
export function caption(
  result: Result,
  format: Formatter,
  options: {
    omit?: ReadonlySet<string>
    sweep?: string | undefined
    perDevice?: boolean
    sizes?: boolean
    gpu?: boolean
    /** Settings to name even where this result would leave them unsaid (another case says them). */
    show?: ReadonlySet<string>
  } = {},
): Paragraph {
  const d = format.dictionary
  const omit = options.omit ?? new Set<string>()
  const perDevice = options.perDevice ?? result.devices > 1
  const sizes = options.sizes ?? true
  const settings = settingsOf(result, format).filter(
    (setting) => !omit.has(setting.key) && !setting.sweptBy?.some((key) => omit.has(key)),
  )
  const parts: string[] = []
  let layoutDone = false
  for (const setting of settings) {
    if (setting.axis) {
      if (layoutDone) continue
      layoutDone = true
      const layout = layoutPhrase(
        settings.filter((entry) => entry.axis),
        format,
      )
      if (layout) parts.push(layout)
      continue
    }
    // The dtype phrase names the quantized scope, unless one of the two is swept.
    if (setting.key === 'quantize' && !omit.has('dtype')) continue
    const phrase =
      setting.key === 'dtype' && omit.has('quantize') ? result.scenario.dtype.name : setting.phrase
    if ((setting.shown || options.show?.has(setting.key)) && phrase) parts.push(phrase)
  }
  const gpu = result.scenario.gpu
  if (options.gpu && gpu && !omit.has('gpu')) {
    parts.push(fill(d['caption.gpu'], {gpu: gpuName(result, format)}))
  }
  const units = d[`caption.${perDevice ? 'unitsPerDevice' : 'units'}.${format.units}` as LabelKey]
  const children: PhrasingContent[] = []
  let lead = ''
  if (omit.has('model')) lead = fill(d['caption.sweep'], {keys: options.sweep ?? ''})
  else {
    children.push(strong(result.model.name))
    if (options.sweep !== undefined)
      lead = fill(d['caption.sweepAfterModel'], {keys: options.sweep})
  }
  const tail = `${parts.join(d['caption.comma'])}${sizes ? `${d['caption.period']}${units}` : ''}${d['caption.end']}`
  children.push(text(`${lead}${d['caption.colon']}${tail}`))
  return paragraph(children)
}

function componentLabel(key: string, format: Formatter, serving = false): string {
  const d = format.dictionary
  if (serving && key !== 'weights') return d[`serving.${key}` as LabelKey] ?? key
  return d[`component.${key}` as LabelKey] ?? key
}

/** Left-hand side of a formula (`M_{kv}` of `M_{kv} = ...`). */
function formulaSymbol(symbolic: string): string {
  return (symbolic.split(' = ')[0] ?? symbolic).trim()
}

/** The breakdown table, optionally with the formula columns. */
export function breakdown(
  result: Result,
  format: Formatter,
  formulas: boolean,
  fitMark = false,
): Table {
  const d = format.dictionary
  const sizeHeader = fill(d[result.devices > 1 ? 'table.sizePerDevice' : 'table.size'], {
    unit: format.units,
  })
  const header: CellContent[] = [d['table.component'], sizeHeader]
  const align: AlignType[] = ['left', 'right']
  // What stays in CPU memory gets its own column when anything does.
  const host =
    result.host !== undefined &&
    result.host.total > 0 &&
    result.components.some((component) => component.host !== undefined)
  if (host) {
    header.push(fill(d['table.host'], {unit: format.units}))
    align.push('right')
  }
  if (formulas) {
    header.push(d['table.formula'], d['table.substituted'])
    align.push('left', 'left')
  }
  const rows: CellContent[][] = [header]
  for (const component of result.components) {
    const cells: CellContent[] = [
      componentLabel(component.label ?? component.key, format, result.serving !== undefined),
      format.size(component.bytes),
    ]
    if (host) cells.push(format.size(component.host ?? 0))
    if (formulas) {
      cells.push(inlineMath(component.formula.symbolic), inlineMath(component.formula.substituted))
    }
    rows.push(cells)
  }
  const totalSize = format.size(result.perDevice.total)
  const total: CellContent[] = [
    strong(d['table.total']),
    // Without a summary line, the total itself says whether it fits the GPU.
    fitMark && result.fits !== undefined
      ? [strong(totalSize), text(fitSuffix(result.fits, format))]
      : strong(totalSize),
  ]
  if (host) total.push(strong(format.size(result.host?.total ?? 0)))
  if (formulas) {
    const symbols = result.components.map((component) => formulaSymbol(component.formula.symbolic))
    total.push(inlineMath(`M_{total} = ${symbols.join(' + ')}`), '')
  }
  rows.push(total)
  return table(align, rows)
}

/**
 * The sources of the formulas, one per component (and the model's config), as
 * a paragraph of links; `undefined` with `citations: 'none'`.
 */
export function sourcesLine(
  result: Result,
  format: Formatter,
  style: CitationStyle,
): Paragraph | undefined {
  if (style === 'none') return undefined
  const d = format.dictionary
  const children: PhrasingContent[] = [text(`${d['table.sources']}${d['caption.colon']}`)]
  const serving = result.serving !== undefined
  const cited: Array<[string, Source]> = result.components.map((component) => [
    componentLabel(component.label ?? component.key, format, serving),
    component.source,
  ])
  const model = modelSource(result.model.id)
  if (model) cited.push([d['source.model'], model])
  cited.forEach(([label, source], index) => {
    if (index > 0) children.push(text(d['caption.semicolon']))
    children.push(text(`${label}${d['caption.colon']}`))
    const title = citation(source, style)
    if (source.url) {
      children.push({type: 'link', url: source.url, children: [text(title)]})
    } else {
      children.push(text(title))
    }
  })
  children.push(text(d['caption.end']))
  return paragraph(children)
}

/** The GPU of a result: `H100 SXM 80GB`, or `a 80 GB GPU` for a bare capacity. */
function gpuName(result: Result, format: Formatter): string {
  const gpu = result.scenario.gpu
  if (!gpu) return ''
  if (gpu.id !== 'custom') return gpu.name
  return fill(format.dictionary['summary.customGpu'], {capacity: format.sizeWithUnit(gpu.capacity)})
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

/** The summary of a served model: vLLM's requested share, KV tokens and concurrency. */
function servingSummary(result: Result, format: Formatter): Paragraph {
  const d = format.dictionary
  const serving = result.serving
  if (!serving) return paragraph([])
  const gpu = gpuPhrase(result, format)
  const line = serving.error
    ? fill(d['summary.serveFails'], {gpu, reason: serving.error})
    : fill(d['summary.serve'], {
        gpu,
        utilization: String(serving.settings.gpuMemoryUtilization),
        cudaTotal: format.sizeWithUnit(serving.cudaTotalBytes),
        requested: format.sizeWithUnit(serving.requestedBytes),
        kv: format.sizeWithUnit(serving.kvCacheBytes),
        tokens: format.integer(serving.kvCacheTokens),
        concurrency: format.factor(serving.maxConcurrency),
        maxModelLen: format.integer(serving.settings.maxModelLen),
      })
  return paragraph([text(`${line}${d['caption.end']}`)])
}

/** The summary line: fits or not, share of the GPU, headroom. */
export function summary(result: Result, format: Formatter): Paragraph {
  const d = format.dictionary
  if (result.serving) return servingSummary(result, format)
  const total = format.sizeWithUnit(result.perDevice.total)
  let line: string
  if (result.missing) {
    // A total that leaves components out never says "fits".
    line = fill(d['summary.partial'], {
      total,
      left: leftOutList(result, format),
      fields: missingFieldList(result, format),
    })
  } else if (result.capacity === undefined || result.usableCapacity === undefined) {
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
  } else if (result.host && result.host.total > 0) {
    const capacity =
      result.hostCapacity === undefined ? undefined : format.sizeWithUnit(result.hostCapacity)
    line += `${d['caption.semicolon']}${fill(d['summary.host'], {host: format.sizeWithUnit(result.host.total), capacity})}`
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

/** ` (fits)` or ` (does not fit)`: a mark in words, read out by screen readers and kept by any Markdown. */
function fitSuffix(fits: boolean, format: Formatter): string {
  return format.dictionary[fits ? 'mark.fits' : 'mark.over']
}

/** `layers, hidden, heads`: the model fields a partial result lacks, each once. */
function missingFieldList(result: Result, format: Formatter): string {
  const fields = new Set(Object.values(result.missing ?? {}).flatMap((entry) => entry ?? []))
  return [...fields].join(format.dictionary['caption.listSeparator'])
}

/** The components a partial result leaves out, as words inside a sentence. */
function leftOutList(result: Result, format: Formatter): string {
  return Object.keys(result.missing ?? {})
    .map((key) => inSentence(componentLabel(key, format)))
    .join(format.dictionary['caption.listSeparator'])
}

/** `Activations` → `activations` inside a sentence; `KV cache` stays. */
function inSentence(label: string): string {
  return /^\p{Lu}\p{Ll}/u.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label
}

function metricValue(result: Result, metric: Metric, format: Formatter): string {
  if (metric === 'params') return format.count(result.model.params)
  if (metric !== 'total' && result.missing?.[metric]) return format.dictionary['solve.missing']
  return format.size(result.perDevice[metric] ?? 0)
}

function keyLabel(key: string, format: Formatter): string {
  // A swept vLLM setting keeps vLLM's own name (`max_model_len`).
  if (key.startsWith('serve.')) return key.slice('serve.'.length)
  return format.dictionary[`vary.key.${key}` as LabelKey] ?? key
}

function metricHeader(block: BlockResult, cases: VaryCase[], format: Formatter): string {
  const d = format.dictionary
  const metric = d[metricKeys[block.metric]]
  if (block.metric === 'params') return metric
  const perDevice = cases.some((entry) => entry.result.devices > 1)
  return fill(d[perDevice ? 'vary.headerPerDevice' : 'vary.header'], {metric, unit: format.units})
}

/**
 * A swept value as a table shows it: numbers formatted like every other
 * figure (`8,192`), enumerated values translated (`full` → `完全`), models and
 * GPUs by name (the engine's label).
 */
function caseLabel(entry: VaryCase, key: string, format: Formatter): string {
  const value = entry.vary[key]
  const label = entry.labels[key] ?? ''
  if (typeof value === 'number' && Number.isFinite(value)) {
    return Number.isInteger(value) ? format.integer(value) : format.number(value)
  }
  if (typeof value === 'boolean') return format.boolean(value)
  if (typeof value === 'string') {
    const normalised = value.trim().toLowerCase()
    const translated = format.value(key, normalised)
    if (translated !== normalised) return translated
  }
  return label
}

/** Distinct labels of one swept key, in first-seen order. */
function labelsOf(cases: VaryCase[], key: string, format: Formatter): string[] {
  const out: string[] = []
  for (const entry of cases) {
    const label = caseLabel(entry, key, format)
    if (!out.includes(label)) out.push(label)
  }
  return out
}

/** `fp16 (KV cache fp16)`: a label with the settings that follow it. */
function withSettings(label: string, phrases: string[], format: Formatter): string {
  if (phrases.length === 0) return label
  const d = format.dictionary
  return fill(d['vary.withSettings'], {label, settings: phrases.join(d['caption.comma'])})
}

/**
 * A `vary` block: one key gives a comparison table (one row per case, a
 * column for every other setting that differs between cases, the solved
 * value and whether it fits); two keys give a matrix (rows: the first key,
 * columns: the second; a setting that differs follows the row or column
 * label it depends on, or the cell), and a second matrix of solved values.
 */
export function sweep(block: BlockResult, format: Formatter): RootContent[] {
  const d = format.dictionary
  const cases = block.cases ?? []
  const keys = block.varyKeys ?? []
  const first = cases[0]
  if (!first) return []
  const swept = new Set(keys)
  const perCase = cases.map((entry) => settingsOf(entry.result, format))
  // A weights-only figure does not depend on the KV cache or the batch: do not list them.
  const unrelated = ['weights', 'gradients', 'optimizer', 'params'].includes(block.metric)
    ? ['kv_dtype', 'batch', 'seq', 'micro_batch', 'recompute', 'attention']
    : []
  // Settings that differ: named in a column (or label) when they bear on the figure, else nowhere.
  const differing = varyingSettings(perCase, swept)
  const varying = new Set([...differing].filter((key) => !unrelated.includes(key)))
  const settingAt = (caseIndex: number, key: string) =>
    perCase[caseIndex]?.find((setting) => setting.key === key)
  const over = keys.map((key) => keyLabel(key, format)).join(' × ')
  const matrixNote =
    keys.length === 2
      ? fill(d['caption.rowsColumns'], {
          rows: keyLabel(keys[0] as string, format),
          columns: keyLabel(keys[1] as string, format),
        })
      : ''
  const perDevice = cases.some((entry) => entry.result.devices > 1)
  const partial = cases.find((entry) => entry.result.missing)
  const gpuCases = cases.filter((entry) => entry.result.capacity !== undefined)
  const withGpu = gpuCases.length === cases.length && !partial
  const nodes: RootContent[] = [
    caption(first.result, format, {
      omit: new Set([...swept, ...differing]),
      sweep: `${over}${matrixNote}`,
      perDevice,
      sizes: block.metric !== 'params',
      gpu: gpuCases.length > 0,
      // `KV cache bf16` is unsaid beside bf16 weights, but not beside a swept int8.
      show: new Set(
        perCase
          .flat()
          .filter((setting) => setting.shown && !unrelated.includes(setting.key))
          .map((setting) => setting.key),
      ),
    }),
  ]
  const solve = cases.some((entry) => entry.solved)
  const target = cases.find((entry) => entry.solved)?.solved?.target
  const varyingKeys = [...varying]
  if (keys.length === 1) {
    const key = keys[0] as string
    const header: CellContent[] = [
      keyLabel(key, format),
      ...varyingKeys.map((name) => keyLabel(name, format)),
      metricHeader(block, cases, format),
    ]
    const align: AlignType[] = ['left', ...varyingKeys.map((): AlignType => 'right'), 'right']
    if (solve && target) {
      header.push(d[`solve.header.${target}` as LabelKey])
      align.push('right')
    }
    const served = cases.every((entry) => entry.result.serving)
    if (served) {
      header.push(d['vary.kvTokens'], d['vary.maxConcurrency'])
      align.push('right', 'right')
    }
    if (withGpu) {
      header.push(d['vary.fits'])
      align.push('center')
    }
    const rows: CellContent[][] = [header]
    cases.forEach((entry, index) => {
      const cells: CellContent[] = [
        caseLabel(entry, key, format),
        ...varyingKeys.map((name) => settingAt(index, name)?.cell ?? ''),
        metricValue(entry.result, block.metric, format),
      ]
      if (solve && target) cells.push(solvedCell(entry.solved, format))
      const serving = entry.result.serving
      if (served && serving)
        cells.push(
          serving.error ? d['solve.missing'] : format.integer(serving.kvCacheTokens),
          serving.error ? d['solve.missing'] : format.factor(serving.maxConcurrency),
        )
      if (withGpu) cells.push(format.boolean(entry.result.fits === true))
      rows.push(cells)
    })
    nodes.push(table(align, rows))
  } else {
    const [rowKey, columnKey] = keys as [string, string]
    // Where each varying setting goes: after the row label, the column label, or in the cell.
    const placeOf = (name: string): 'row' | 'column' | 'cell' => {
      const followsKey = (key: string) =>
        cases.every((entry, index) =>
          cases.every(
            (other, otherIndex) =>
              caseLabel(entry, key, format) !== caseLabel(other, key, format) ||
              settingAt(index, name)?.cell === settingAt(otherIndex, name)?.cell,
          ),
        )
      return followsKey(rowKey) ? 'row' : followsKey(columnKey) ? 'column' : 'cell'
    }
    const places = new Map(varyingKeys.map((name) => [name, placeOf(name)]))
    const phrases = (index: number, place: 'row' | 'column' | 'cell') =>
      varyingKeys
        .filter((name) => places.get(name) === place)
        .map((name) => settingAt(index, name)?.phrase ?? '')
    const rowLabels = labelsOf(cases, rowKey, format)
    const columnLabels = labelsOf(cases, columnKey, format)
    const find = (rowLabel: string, columnLabel: string) =>
      cases.findIndex(
        (entry) =>
          caseLabel(entry, rowKey, format) === rowLabel &&
          caseLabel(entry, columnKey, format) === columnLabel,
      )
    const rowHeader = (rowLabel: string) => {
      const index = cases.findIndex((entry) => caseLabel(entry, rowKey, format) === rowLabel)
      return withSettings(rowLabel, phrases(index, 'row'), format)
    }
    const columnHeader = (columnLabel: string) => {
      const index = cases.findIndex((entry) => caseLabel(entry, columnKey, format) === columnLabel)
      return withSettings(columnLabel, phrases(index, 'column'), format)
    }
    const metric = d[metricKeys[block.metric]]
    const corner =
      block.metric === 'params'
        ? fill(d['vary.cornerCount'], {key: keyLabel(rowKey, format), metric})
        : fill(d['vary.corner'], {key: keyLabel(rowKey, format), metric, unit: format.units})
    const align: AlignType[] = ['left', ...columnLabels.map((): AlignType => 'right')]
    const matrix = (value: (entry: VaryCase, index: number) => string, cornerText: string) =>
      table(align, [
        [cornerText, ...columnLabels.map(columnHeader)],
        ...rowLabels.map((rowLabel) => [
          rowHeader(rowLabel),
          ...columnLabels.map((columnLabel) => {
            const index = find(rowLabel, columnLabel)
            const entry = cases[index]
            return entry ? value(entry, index) : d['solve.missing']
          }),
        ]),
      ])
    nodes.push(
      matrix((entry, index) => {
        const figure = withSettings(
          metricValue(entry.result, block.metric, format),
          phrases(index, 'cell'),
          format,
        )
        // A cell that does not fit says so in words: no colour, no HTML.
        return withGpu && entry.result.fits === false
          ? `${figure}${fitSuffix(false, format)}`
          : figure
      }, corner),
    )
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
  }
  if (partial && gpuCases.length > 0) {
    // No fit check on a total that leaves components out: say why instead.
    nodes.push(
      paragraph([
        text(
          `${fill(d['vary.noFitCheck'], {
            left: leftOutList(partial.result, format),
            fields: missingFieldList(partial.result, format),
          })}${d['caption.end']}`,
        ),
      ]),
    )
  }
  return nodes
}
