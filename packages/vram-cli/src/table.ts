import {
  adapterMethod,
  type BlockResult,
  type ComponentKey,
  fitVerdict,
  formatPercent,
  type Measurement,
  type Metric,
  measuredHowLabels,
  type Result,
  type Solved,
  type Units,
  unitBytes,
  type VaryCase,
} from 'vram-core'
import {type Style, visibleWidth} from './style.js'

export const componentLabels: Record<ComponentKey, string> = {
  weights: 'weights',
  adapter: 'adapter weights',
  gradients: 'gradients',
  optimizer: 'optimizer states',
  activations: 'activations',
  kvCache: 'KV cache',
  buffers: 'buffers',
  communication: 'communication buffers',
  cudaContext: 'CUDA context',
}

/** Row labels of an adapter's breakdown (`Component.label`). */
const labelVariants: Record<string, string> = {
  frozenWeights: 'frozen base weights',
  adapterGradients: 'adapter gradients',
  adapterOptimizer: 'adapter optimizer states',
  computeBuffer: 'compute buffer',
  engineReserve: 'engine reserve',
}

/** A size in `units` with 3 significant digits: `15.2`, `2.00`, `0.0150`, `1,230`. */
export function formatSize(bytes: number, units: Units): string {
  const value = bytes / unitBytes(units)
  if (value === 0) return '0'
  if (Math.abs(value) >= 1000) return formatInteger(Number(value.toPrecision(3)))
  return value.toPrecision(3)
}

/** An exact count with digit groups: `7,615,616,512`. */
export function formatInteger(value: number): string {
  // By hand as `toLocaleString('en-US')` groups digits: ICU's first number
  // format alone takes longer than the rest of a `vram calc`.
  const integer = Math.sign(value) * Math.round(Math.abs(value))
  if (!Number.isSafeInteger(integer))
    return value.toLocaleString('en-US', {maximumFractionDigits: 0})
  const grouped = String(Math.abs(integer)).replace(/\B(?=(\d{3})+$)/g, ',')
  return integer < 0 ? `-${grouped}` : grouped
}

export function formatShare(part: number, whole: number): string {
  if (whole <= 0) return ''
  return `${((part / whole) * 100).toFixed(1)} %`
}

type Align = 'left' | 'right'

/** A plain-text table: columns padded, numbers right-aligned, header underlined. */
export function textTable(
  header: string[],
  rows: string[][],
  align: Align[],
  style: Style,
  boldRows: ReadonlySet<number> = new Set(),
): string {
  const widths = header.map((cell, column) =>
    Math.max(visibleWidth(cell), ...rows.map((row) => visibleWidth(row[column] ?? ''))),
  )
  const pad = (cell: string, column: number) => {
    const gap = ' '.repeat(Math.max(0, (widths[column] ?? 0) - visibleWidth(cell)))
    return align[column] === 'right' ? gap + cell : cell + gap
  }
  const line = (row: string[]) => row.map(pad).join('  ').replace(/\s+$/, '')
  const rule = widths.map((width) => '─'.repeat(width)).join('  ')
  return [
    style.bold(line(header)),
    style.dim(rule),
    ...rows.map((row, index) => (boldRows.has(index) ? style.bold(line(row)) : line(row))),
  ].join('\n')
}

/** How the caption names each `framework:`. */
const frameworkNames = {
  megatron: 'Megatron-LM',
  deepspeed: 'DeepSpeed',
  fsdp: 'FSDP',
  transformers: 'HF Trainer',
} as const

/** `TP 2 · DP 4 · ZeRO-2 · 8 GPUs`, or `1 GPU`. */
export function layoutLabel(result: Result): string {
  const p = result.scenario.parallel
  const parts: string[] = []
  for (const axis of ['tp', 'pp', 'dp', 'ep', 'cp'] as const) {
    if (p[axis] > 1) parts.push(`${axis.toUpperCase()} ${p[axis]}`)
  }
  if (p.vpp > 1) parts.push(`VPP ${p.vpp}`)
  if (p.ep > 1 && p.etp !== p.tp) parts.push(`ETP ${p.etp}`)
  if (p.sp && p.tp > 1) parts.push('SP')
  const framework = result.scenario.framework
  if (framework) parts.push(frameworkNames[framework])
  if (p.zero > 0) parts.push(`ZeRO-${p.zero}`)
  if (p.offload !== 'none') parts.push(`offload ${p.offload}`)
  parts.push(result.devices === 1 ? '1 GPU' : `${result.devices} GPUs`)
  return parts.join(' · ')
}

/** The caption's parts, each with the column header it takes when a sweep varies it. */
function captionParts(result: Result): Array<[header: string, text: string]> {
  const s = result.scenario
  const training = s.mode === 'training'
  const dtype =
    training || s.kvDtype.name === s.dtype.name || s.engine !== undefined
      ? s.dtype.name
      : `${s.dtype.name} (KV ${s.kvDtype.name})`
  let batch = `B=${formatInteger(s.batch)}`
  if (s.gradAccum > 1 || s.microBatch !== s.batch) {
    const steps = s.gradAccum > 1 ? ` × ${s.gradAccum} micro-batches` : ''
    batch += ` (${formatInteger(s.microBatch)} per rank${steps})`
  }
  const {id, name} = result.model
  const model = name === id ? id : `${name} (${id})`
  return [
    ['model', model],
    ['mode', s.mode],
    ['dtype', dtype],
    ...(training
      ? ([
          ['precision', `${s.precision} precision`],
          ['optimizer', s.optimizer],
        ] as Array<[string, string]>)
      : []),
    ...(training && s.adapter
      ? ([
          [
            'adapter',
            `${adapterMethod(s.adapter, s.dtype.name)} r=${s.adapter.rank} on ${s.adapter.targets.join(', ')}`,
          ],
        ] as Array<[string, string]>)
      : []),
    // A served model has no batch or sequence of its own: vLLM's settings say what it serves.
    ...((s.serve
      ? [
          [
            'serve',
            `vLLM max_model_len=${s.serve.maxModelLen} gpu_memory_utilization=${s.serve.gpuMemoryUtilization}`,
          ],
        ]
      : result.engine
        ? [
            [
              'serve',
              `${result.engine.engine} ${Object.entries(result.engine.named)
                .filter(
                  ([key]) =>
                    !result.engine?.settings.defaulted.includes(key) ||
                    key === 'n_gpu_layers' ||
                    key === 'num_gpu',
                )
                .map(([key, value]) => `${key}=${value}`)
                .join(' ')}`,
            ],
          ]
        : [
            ['batch', batch],
            ['seq', `N=${formatInteger(s.seq)}`],
          ]) as Array<[string, string]>),
    ['layout', layoutLabel(result)],
  ]
}

/** The caption line: model, mode, dtype, B, N, layout. */
export function caption(result: Result): string {
  return captionParts(result)
    .map(([, text]) => text)
    .join(' · ')
}

/**
 * A sweep's caption holds what every case shares; each part that differs
 * between cases (the GPU count of a DP sweep, the KV dtype of a dtype sweep)
 * becomes a column, so no row is read with another row's setting.
 */
function sweepCaption(results: Result[]): {shared: string; varying: string[][]; headers: string[]} {
  const parts = results.map(captionParts)
  const first = parts[0] ?? []
  const differs = first.map((_, index) =>
    parts.some((entry) => entry[index]?.[1] !== first[index]?.[1]),
  )
  return {
    shared: first
      .filter((_, index) => !differs[index])
      .map(([, text]) => text)
      .join(' · '),
    headers: first.filter((_, index) => differs[index]).map(([header]) => header),
    varying: parts.map((entry) =>
      entry.filter((_, index) => differs[index]).map(([, text]) => text),
    ),
  }
}

/** Component labels of a served model: vLLM's own terms. */
const servingLabels: Partial<Record<ComponentKey, string>> = {
  activations: 'activation peak (profile run)',
  kvCache: 'KV cache blocks',
  buffers: 'non-torch memory',
}

/** A concurrency as vLLM logs it: `5.73x`. */
export function formatFactor(value: number): string {
  return `${value.toFixed(2)}x`
}

/** vLLM's budget and what it logs: requested share, available KV memory, tokens, concurrency. */
export function servingLines(result: Result, units: Units, style: Style): string[] {
  const serving = result.serving
  if (!serving) return []
  const size = (bytes: number) => `${formatSize(bytes, units)} ${units}`
  const s = serving.settings
  const lines = [
    `vLLM: ${s.gpuMemoryUtilization} × ${size(serving.cudaTotalBytes)} CUDA-visible = ${size(serving.requestedBytes)} requested; KV cache ${size(serving.kvCacheBytes)}`,
    style.dim(`  CUDA-visible total: ${serving.cudaTotalSource}`),
    style.dim(
      `  profile run: ${s.maxNumBatchedTokens} tokens, ${Math.min(s.maxNumSeqs, s.maxNumBatchedTokens)} sequences; block_size ${s.blockSize}, ${serving.numBlocks} blocks, ${serving.groups.length} KV group${serving.groups.length === 1 ? '' : 's'}${serving.stages > 1 ? `; pipeline stage ${serving.stage} has the fewest blocks (shown)` : ''}; CUDA graphs captured after, outside the budget`,
    ),
  ]
  if (serving.error) lines.push(style.red(serving.error))
  else
    lines.push(
      style.green(
        `GPU KV cache size: ${formatInteger(serving.kvCacheTokens)} tokens; maximum concurrency for ${formatInteger(s.maxModelLen)} tokens per request: ${formatFactor(serving.maxConcurrency)}`,
      ),
    )
  return lines
}

function gpuName(result: Result): string {
  const gpu = result.scenario.gpu
  if (!gpu) return ''
  return gpu.id === 'custom' ? `a ${gpu.name} device` : gpu.name
}

/** `47.3 GB of 85.5 GB on H100 SXM 80GB (55%): fits, 37.4 GB headroom (usable 99 %)`. */
export function summaryLine(result: Result, units: Units, style: Style): string | undefined {
  if (result.capacity === undefined) return undefined
  const verdict = fitVerdict(result)
  if (verdict.kind === 'noGpu') return undefined
  if (verdict.kind === 'partial') {
    // Never "fits" on a total that leaves components out.
    const partial = leftOut(result)
    return `no fit check on ${gpuName(result)}: the total leaves out ${partial?.labels} (needs ${partial?.fields})`
  }
  const head = `${formatSize(verdict.total, units)} ${units} of ${formatSize(verdict.capacity, units)} ${units} on ${verdict.perDevice ? 'each ' : ''}${gpuName(result)} (${formatPercent(verdict.share)})`
  const share = Math.round((verdict.usable / verdict.capacity) * 100)
  const line =
    verdict.kind === 'fits'
      ? style.green(`fits, ${formatSize(verdict.headroom, units)} ${units} headroom`)
      : style.red(`does not fit, ${formatSize(verdict.over, units)} ${units} over`)
  return `${head}: ${line} (usable ${share} %)`
}

export function solvedLine(solved: Solved): string {
  const what =
    solved.target === 'batch'
      ? 'largest batch that fits'
      : solved.target === 'seq'
        ? 'longest sequence that fits'
        : solved.target === 'ctx'
          ? 'longest context that fits'
          : solved.target === 'layers'
            ? 'most layers on the GPU'
            : `fewest GPUs that fit${solved.axis ? ` (${solved.axis})` : ''}`
  if (solved.value === undefined) return `${what}: none (${solved.reason ?? 'nothing fits'})`
  return `${what}: ${solved.value}${solved.note ? ` (${solved.note})` : ''}`
}

/** `` `layers`, `hidden`, `heads` ``: model fields, each once. */
function fieldList(fields: readonly string[]): string {
  return [...new Set(fields)].map((field) => `\`${field}\``).join(', ')
}

/** The components a partial result leaves out, and the fields they need. */
function leftOut(result: Result): {labels: string; fields: string} | undefined {
  const missing = result.missing
  if (!missing) return undefined
  const keys = Object.keys(missing) as ComponentKey[]
  return {
    labels: keys.map((key) => componentLabels[key]).join(', '),
    fields: fieldList(keys.flatMap((key) => missing[key] ?? [])),
  }
}

function breakdown(result: Result, units: Units, style: Style): string {
  const total = result.perDevice.total
  const partial = leftOut(result)
  const rows: string[][] = []
  for (const component of result.components) {
    const missing = result.missing?.[component.key]
    const label =
      (result.serving && servingLabels[component.key]) ||
      (component.label && labelVariants[component.label]) ||
      componentLabels[component.key]
    rows.push(
      missing
        ? [label, `n/a (needs ${fieldList(missing)})`, '']
        : [
            label,
            formatSize(component.bytes, units),
            partial ? '' : formatShare(component.bytes, total),
          ],
    )
  }
  rows.push([
    partial ? `total without ${partial.labels}` : 'total',
    formatSize(total, units),
    total > 0 && !partial ? '100 %' : '',
  ])
  const unitHeader = result.devices > 1 ? `${units} per GPU` : units
  return textTable(
    ['component', unitHeader, 'share'],
    rows,
    ['left', 'right', 'right'],
    style,
    new Set([rows.length - 1]),
  )
}

function metricValue(result: Result, metric: Metric, units: Units): string {
  if (metric === 'params') return formatInteger(result.model.params)
  if (metric === 'total' ? result.missing : result.missing?.[metric]) return 'n/a'
  return formatSize(result.perDevice[metric] ?? 0, units)
}

function metricLabel(metric: Metric, units: Units): string {
  if (metric === 'params') return 'params'
  if (metric === 'total') return `total ${units}`
  return `${componentLabels[metric]} ${units}`
}

/** A swept value: numbers with digit groups (`8,192`), like every other figure. */
function caseLabel(entry: VaryCase, key: string): string {
  const value = entry.vary[key]
  if (typeof value === 'number' && Number.isInteger(value)) return formatInteger(value)
  return entry.labels[key] ?? ''
}

/** The text form of a computed block, as `vram calc` prints it. */
export function renderBlock(block: BlockResult, style: Style): string {
  const units: Units = block.units ?? 'GB'
  const lines: string[] = []
  if (block.result) {
    const result = block.result
    // A solver block answers first; the block's own case (which may not fit) follows.
    if (block.solved) lines.push(solvedLine(block.solved), '')
    lines.push(style.dim(caption(result)), '')
    lines.push(breakdown(result, units, style))
    if (result.devices > 1) {
      lines.push(
        style.dim(
          `per device: the most loaded GPU${result.scenario.parallel.pp > 1 ? ` (pipeline stage ${result.stage})` : ''}`,
        ),
      )
    }
    if (result.offloaded > 0) {
      lines.push(
        style.dim(
          `offloaded to CPU memory: ${formatSize(result.offloaded, units)} ${units} per GPU`,
        ),
      )
    }
    const summary = result.serving ? undefined : summaryLine(result, units, style)
    if (summary) lines.push('', summary)
    if (result.serving) lines.push('', ...servingLines(result, units, style))
    const solution = block.advice?.solution
    if (block.advice) {
      lines.push(
        solution
          ? `advice: ${Object.entries(solution.change)
              .map(([key, value]) => `${key}=${String(value)}`)
              .join(
                ', ',
              )} → ${formatSize(solution.total, units)} ${units} per GPU on ${solution.devices} GPU${solution.devices === 1 ? '' : 's'}`
          : 'advice: no remedy in the decision tree fits',
      )
    }
  } else if (block.cases) {
    const keys = block.varyKeys ?? []
    const described = sweepCaption(block.cases.map((entry) => entry.result))
    lines.push(style.dim(`${described.shared} · varying ${keys.join(' × ')}`), '')
    const capacity = block.cases.some((entry) => entry.result.fits !== undefined)
    const solvedTarget = block.cases.find((entry) => entry.solved)?.solved?.target
    // A swept key whose caption part varies shows that part (`int4 (KV bf16)`) in its own column.
    const extra = described.headers.filter((name) => !keys.includes(name))
    const header = [...keys, ...extra, metricLabel(block.metric, units)]
    const align: Align[] = [
      ...keys.map((): Align => 'left'),
      ...extra.map((): Align => 'left'),
      'right',
    ]
    if (block.metric !== 'total') {
      header.push(`total ${units}`)
      align.push('right')
    }
    if (capacity) {
      header.push('fits')
      align.push('left')
    }
    if (solvedTarget) {
      header.push(solvedTarget === 'gpus' ? 'GPUs' : `max ${solvedTarget}`)
      align.push('right')
    }
    const served = block.cases.every((entry) => entry.result.serving)
    if (served) {
      header.push('KV tokens', 'max concurrency')
      align.push('right', 'right')
    }
    const rows = block.cases.map((entry, index) => {
      const part = (name: string) =>
        described.varying[index]?.[described.headers.indexOf(name)] ?? ''
      const row = [
        ...keys.map((key) => (described.headers.includes(key) ? part(key) : caseLabel(entry, key))),
        ...extra.map(part),
        metricValue(entry.result, block.metric, units),
      ]
      if (block.metric !== 'total') {
        row.push(entry.result.missing ? 'n/a' : formatSize(entry.result.perDevice.total, units))
      }
      if (capacity) {
        row.push(
          entry.result.fits === undefined
            ? ''
            : entry.result.fits
              ? style.green('yes')
              : style.red('no'),
        )
      }
      if (solvedTarget)
        row.push(entry.solved?.value === undefined ? '—' : String(entry.solved.value))
      const serving = entry.result.serving
      if (served && serving)
        row.push(
          serving.error ? '—' : formatInteger(serving.kvCacheTokens),
          serving.error ? '—' : formatFactor(serving.maxConcurrency),
        )
      return row
    })
    lines.push(textTable(header, rows, align, style))
    const partialCase = block.cases.find((entry) => entry.result.missing)
    const why = partialCase && leftOut(partialCase.result)
    if (why) {
      lines.push(
        style.dim(
          `n/a: the model is given by params only, so the total leaves out ${why.labels} (needs ${why.fields})${block.cases.some((entry) => entry.result.capacity !== undefined) ? '; no fit check' : ''}`,
        ),
      )
    }
  }
  for (const expectation of block.expectations) {
    const unit = expectation.kind === 'bytes' ? ` ${units}` : ''
    const actual =
      expectation.kind === 'bytes'
        ? formatSize(expectation.actual, units)
        : formatInteger(expectation.actual)
    const mark = expectation.ok
      ? style.green('ok')
      : expectation.erratum !== undefined
        ? style.yellow('erratum')
        : style.red('MISMATCH')
    lines.push(
      `expect ${expectation.key} ${expectation.written}: computed ${actual}${unit} ${mark}`,
    )
  }
  if (block.measured) lines.push(measuredLine(block.measured, units, style))
  return `${lines.join('\n')}\n`
}

/** `measured:` beside the computed figure: both in the block's units, the ratio, how and where. */
function measuredLine(measured: Measurement, units: Units, style: Style): string {
  const how =
    measured.how === undefined
      ? ''
      : ` by ${(measuredHowLabels as Record<string, string>)[measured.how] ?? measured.how}`
  const inUnits = `${formatSize(measured.measured, units)} ${units}`
  // As published too, when written in another unit (`14.2488 GiB` beside `15.3 GB`).
  const writtenUnit = /([kmgt]i?b)\s*$/i.exec(measured.written)?.[1]
  const written = writtenUnit?.toLowerCase() === units.toLowerCase() ? '' : ` (${measured.written})`
  const within = `${measured.ok ? 'within' : 'outside'} ±${Number((measured.tolerance * 100).toPrecision(3))} %`
  const mark = measured.ok ? style.green(within) : style.red(within)
  return [
    `measured ${measured.key} ${inUnits}${written}${how}: computed ${formatSize(measured.computed, units)} ${units}, ratio ${measured.ratio.toFixed(2)} ${mark}`,
    ...(measured.source === undefined ? [] : [style.dim(`source: ${measured.source}`)]),
  ].join('\n')
}
