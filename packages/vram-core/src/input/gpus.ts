import {type GpuRecord, gpuRecords} from '../catalogue/gpus.js'
import {display} from '../output/diagnostics.js'
import type {Gpu} from '../types.js'
import {parseSize} from './units.js'

export type GpuPreset = GpuRecord

/** The GPU presets (see `catalogue/gpus.ts` for each figure's source). */
export const gpuPresets: readonly GpuPreset[] = gpuRecords

/**
 * Share of the reported capacity a job may allocate by default: the driver
 * keeps a "Reserved" region (328–834 MiB observed on 80 GB parts, ≈1 %) out of
 * what CUDA can hand out. The CUDA context and workspaces are in `buffers`.
 * Apple silicon presets carry their own default (Metal's wired share).
 */
export const defaultUsable = 0.99

const gpuIndex = new Map<string, GpuPreset>()
for (const gpu of gpuPresets) {
  for (const key of [gpu.id, ...gpu.aliases]) gpuIndex.set(normalise(key), gpu)
}

/** Case, spaces, underscores and a leading vendor name do not matter: `NVIDIA H100_SXM_80GB`. */
function normalise(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^(?:nvidia|geforce|amd|intel|apple)[\s_-]+/g, '')
    .replace(/^geforce[\s_-]+/, '')
    .replace(/[\s_]+/g, '-')
}

/** Longest name a lookup or suggestion looks at: longer values are no GPU name. */
const maxNameLength = 64

export function findGpuPreset(name: string): GpuPreset | undefined {
  if (name.length > maxNameLength) return undefined
  return gpuIndex.get(normalise(name))
}

/** The model token of a GPU name: letters + first number (`h100`, `rtx4090`, `mi300`), and a memory size. */
function gpuKey(name: string): {model?: string; digits?: string; size?: string} {
  const text = normalise(name)
  const model = /([a-z]*)-?(\d+)/.exec(text)
  const size = /(\d+)-?gb?\b/.exec(text.replace(/^[a-z]*-?\d+/, ''))
  return {
    ...(model ? {model: `${model[1]}${model[2]}`, digits: model[2]} : {}),
    ...(size ? {size: size[1]} : {}),
  }
}

/**
 * "Did you mean" for an unknown GPU, only ever the same card: a suggestion
 * must have the same model token (`rtx-5090` never becomes `rtx-4090`, `h20`
 * never `h200`) and, when the input names a memory size, the same size. When
 * the card is known in other sizes, the message lists them instead.
 */
export function gpuSuggestion(name: string): string | undefined {
  if (name.length > maxNameLength) return undefined
  const wanted = gpuKey(name)
  if (!wanted.model || !wanted.digits) return undefined
  const sameCard = gpuPresets.filter((gpu) =>
    [gpu.id, ...gpu.aliases].some((candidate) => {
      const key = gpuKey(candidate)
      // `4090` (no letters) matches `rtx-4090`; `a100` must match `a100`.
      return wanted.model === wanted.digits
        ? key.digits === wanted.digits
        : key.model === wanted.model
    }),
  )
  if (sameCard.length === 0) return undefined
  const sameSize = wanted.size
    ? sameCard.filter(
        (gpu) =>
          gpuKey(gpu.id).size === wanted.size || gpu.marketing.startsWith(`${wanted.size} GB`),
      )
    : sameCard
  if (sameSize.length === 1) return `did you mean \`${(sameSize[0] as GpuPreset).id}\`?`
  const list = sameCard.map((gpu) => `\`${gpu.id}\` (${gpu.marketing})`).join(', ')
  return wanted.size && sameSize.length === 0
    ? `the catalogue has this card only as ${list}; for another memory size give the capacity, e.g. \`gpu: ${wanted.size} GB\``
    : `the catalogue has ${list}`
}

export type GpuResolution =
  | {gpu: Gpu; message?: undefined; suggestion?: undefined}
  | {gpu?: undefined; message: string; suggestion: string}

/**
 * A `gpu:` value: a preset id or alias (case-insensitive), a capacity with a
 * unit (`80 GB`, `79.6 GiB`), or a bare number that names a preset (`4090`,
 * which YAML reads as an integer). Any other bare number is refused: `gpu: 80`
 * would otherwise be an 80-byte GPU.
 */
export function resolveGpu(value: unknown): GpuResolution {
  if (
    typeof value === 'number' ||
    (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value))
  ) {
    const found = findGpuPreset(String(value).trim())
    if (found) return {gpu: presetGpu(found)}
    return {
      message: `\`gpu: ${String(value).trim()}\` has no unit: a bare number is neither a GPU name nor a capacity`,
      suggestion: `write the capacity with its unit, e.g. \`gpu: ${String(value).trim()} GB\` (or \`GiB\`), or a preset id such as \`h100-sxm-80gb\``,
    }
  }
  if (typeof value === 'string') {
    const found = findGpuPreset(value)
    if (found) return {gpu: presetGpu(found)}
    const capacity = parseSize(value)
    if (capacity !== undefined && capacity > 0) {
      return {gpu: {id: 'custom', name: display(value).trim(), capacity, source: 'given'}}
    }
  }
  const shown = display(value)
  return {
    message: `Unknown GPU \`${shown.length > maxNameLength ? `${shown.slice(0, maxNameLength)}…` : shown}\``,
    suggestion:
      (typeof value === 'string' ? gpuSuggestion(value) : undefined) ??
      'use a preset id (`vram gpus` lists them) or a capacity such as `80 GB`',
  }
}

/** A `gpu:` value as a `Gpu`, or `undefined` (see `resolveGpu` for the reason). */
export function gpuFromInput(value: unknown): Gpu | undefined {
  return resolveGpu(value).gpu
}

function presetGpu(found: GpuPreset): Gpu {
  return {
    id: found.id,
    name: found.name,
    capacity: found.capacity,
    source: found.source,
    ...(found.cudaTotalBytes !== undefined
      ? {cudaTotalBytes: found.cudaTotalBytes, cudaTotalSource: found.cudaTotalSource}
      : {}),
    ...(found.usable !== undefined ? {usable: found.usable} : {}),
    ...(found.memory === 'unified' ? {memory: 'unified' as const} : {}),
  }
}
