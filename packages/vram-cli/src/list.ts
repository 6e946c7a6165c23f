import {parseArgs} from 'node:util'
import {
  defaultUsable,
  evaluateBlock,
  GB,
  GiB,
  gpuPresets,
  modelPresets,
  paramInventory,
} from 'vram-core'
import {exit, out, UsageError} from './io.js'
import {colorEnabled, makeStyle} from './style.js'
import {formatInteger, textTable} from './table.js'

export interface ModelRow {
  short: string
  id: string
  name: string
  aliases: string[]
  /** Exact parameter count (`paramInventory`). */
  params: number
  /** Parameters used per token (differs from `params` for MoE models). */
  activeParams: number
  layers: number | null
  hidden: number | null
  heads: number | null
  kvHeads: number | null
  /** Multi-head latent attention (DeepSeek-V3): the cached latent rank and rope dimension. */
  mla: {kvLoraRank: number; qkRopeHeadDim: number} | null
  experts: number | null
  expertsPerToken: number | null
  contextLength: number | null
  /** How the checkpoint stores its weights (`FP8 e4m3, 128×128 blocks`), when quantized as shipped. */
  checkpoint: string | null
  /** The vision encoder the count leaves out (its `model_type`). */
  visionOmitted: string | null
  family: string
  size: string
  /** Where the config was read. */
  source: string
}

/** Every model preset with its exact parameter count and shape, as the engine reads it. */
export function modelRows(): ModelRow[] {
  return modelPresets.map((preset) => {
    const {block, diagnostics} = evaluateBlock({model: preset.short, seq: 1})
    const architecture = block?.result?.scenario.model
    if (!architecture) {
      const reason = diagnostics[0]?.message ?? 'no result'
      throw new Error(`preset ${preset.short} does not evaluate: ${reason}`)
    }
    const inventory = paramInventory(architecture)
    return {
      short: preset.short,
      id: preset.id,
      name: preset.name,
      aliases: [...preset.aliases],
      params: inventory.total,
      activeParams: inventory.active,
      layers: architecture.layers ?? null,
      hidden: architecture.hidden ?? null,
      heads: architecture.heads ?? null,
      kvHeads: architecture.kvHeads ?? null,
      mla: architecture.mla
        ? {kvLoraRank: architecture.mla.kvLoraRank, qkRopeHeadDim: architecture.mla.qkRopeHeadDim}
        : null,
      experts: architecture.moe?.experts ?? null,
      expertsPerToken: architecture.moe?.expertsPerToken ?? null,
      contextLength: architecture.contextLength ?? null,
      checkpoint: architecture.checkpoint?.label ?? null,
      visionOmitted: architecture.visionOmitted ?? null,
      family: preset.family,
      size: preset.size,
      source: preset.source,
    }
  })
}

function listArgs(command: string, args: string[]): {json: boolean; help: boolean} {
  const {values, positionals} = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {json: {type: 'boolean'}, help: {type: 'boolean', short: 'h'}},
  })
  if (positionals.length > 0 && !values.help) {
    throw new UsageError(`${command} takes no arguments, got \`${positionals[0]}\``)
  }
  return {json: values.json === true, help: values.help === true}
}

const count = (value: number | null) => (value === null ? '—' : formatInteger(value))

/**
 * What `models` and `gpus` share: the rows as JSON with `--json`, else a
 * text table of `cells` under `headers`.
 */
function printList<Row>(
  command: string,
  args: string[],
  rows: Row[],
  headers: string[],
  cells: (row: Row) => string[],
  align: Array<'left' | 'right'>,
): number {
  const {json} = listArgs(command, args)
  if (json) out(JSON.stringify(rows, null, 2))
  else out(textTable(headers, rows.map(cells), align, makeStyle(colorEnabled())))
  return exit.ok
}

/** `vram models [--json]`. */
export function models(args: string[]): number {
  return printList(
    'models',
    args,
    modelRows(),
    [
      'short id',
      'Hugging Face id',
      'params',
      'active',
      'layers',
      'hidden',
      'heads',
      'kv heads',
      'experts',
      'checkpoint',
    ],
    (row) => [
      row.short,
      row.id,
      formatInteger(row.params),
      row.activeParams === row.params ? '' : formatInteger(row.activeParams),
      count(row.layers),
      count(row.hidden),
      count(row.heads),
      row.mla ? `MLA ${row.mla.kvLoraRank}+${row.mla.qkRopeHeadDim}` : count(row.kvHeads),
      row.experts === null ? '' : `${row.expertsPerToken ?? '?'} of ${row.experts}`,
      [row.checkpoint, row.visionOmitted ? 'text only' : null].filter(Boolean).join('; '),
    ],
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  )
}

export interface GpuRow {
  id: string
  name: string
  aliases: string[]
  /** Bytes the driver reports. */
  capacity: number
  /** Capacity in MiB, the unit nvidia-smi prints. */
  capacityMiB: number
  capacityGiB: number
  capacityGB: number
  marketing: string
  /** Bytes CUDA reports as the total (driver total minus its reserved region), where sourced. */
  cudaTotalBytes: number | null
  cudaTotalSource: string | null
  /** Default usable share (Apple silicon: Metal's wired share of unified memory). */
  usable: number
  memory: 'dedicated' | 'unified'
  source: string
}

export function gpuRows(): GpuRow[] {
  return gpuPresets.map((gpu) => ({
    id: gpu.id,
    name: gpu.name,
    aliases: [...gpu.aliases],
    capacity: gpu.capacity,
    capacityMiB: gpu.capacity / 2 ** 20,
    capacityGiB: Number((gpu.capacity / GiB).toFixed(2)),
    capacityGB: Number((gpu.capacity / GB).toFixed(2)),
    marketing: gpu.marketing,
    cudaTotalBytes: gpu.cudaTotalBytes ?? null,
    cudaTotalSource: gpu.cudaTotalSource ?? null,
    usable: gpu.usable ?? defaultUsable,
    memory: gpu.memory,
    source: gpu.source,
  }))
}

/** `vram gpus [--json]`. */
export function gpus(args: string[]): number {
  return printList(
    'gpus',
    args,
    gpuRows(),
    ['id', 'name', 'MiB', 'GiB', 'GB', 'usable', 'label', 'source'],
    (row) => [
      row.id,
      row.name,
      formatInteger(row.capacityMiB),
      row.capacityGiB.toFixed(2),
      row.capacityGB.toFixed(2),
      row.usable === defaultUsable ? '' : `${Math.round(row.usable * 100)} %`,
      row.marketing,
      row.source,
    ],
    ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'left'],
  )
}
