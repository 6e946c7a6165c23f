import {closest, display} from './diagnostics.js'
import type {Gpu} from './types.js'
import {GiB, parseSize} from './units.js'

const MiB = 2 ** 20

export interface GpuPreset extends Gpu {
  aliases: readonly string[]
  /** The vendor's label, e.g. `80 GB HBM3`. */
  marketing: string
}

/** Public logs the driver totals were read from (nvidia-smi `memory.total`). */
const modalList = 'nvidia-smi memory.total listed in github.com/modal-labs/modal-client/pull/2797'
const smiRows = (card: string, total: string): string =>
  `nvidia-smi tables of "${card}" in public GitHub logs ("0MiB / ${total}MiB")`

/**
 * Accelerator capacities as the driver reports them (nvidia-smi / rocm-smi
 * total), not the marketing label: an "80GB" H100 reports 81,559 MiB. Where no
 * driver figure was found (MI325X, Gaudi 3) the physical HBM size is used and
 * the source says so.
 */
export const gpuPresets: readonly GpuPreset[] = [
  preset(
    'h100-sxm-80gb',
    'H100 SXM 80GB',
    81559 * MiB,
    '80 GB HBM3',
    ['h100', 'h100-sxm', 'h100-80gb'],
    smiRows('NVIDIA H100 80GB HBM3', '81559') + '; github.com/NVIDIA/nccl/issues/1264',
  ),
  preset(
    'h100-pcie-80gb',
    'H100 PCIe 80GB',
    81559 * MiB,
    '80 GB HBM2e',
    ['h100-pcie'],
    smiRows('NVIDIA H100 PCIe', '81559'),
  ),
  preset(
    'h200-141gb',
    'H200 141GB',
    143771 * MiB,
    '141 GB HBM3e',
    ['h200'],
    smiRows('NVIDIA H200', '143771'),
  ),
  preset(
    'b200-180gb',
    'B200 180GB',
    183359 * MiB,
    '180 GB HBM3e',
    ['b200'],
    smiRows('NVIDIA B200', '183359'),
  ),
  preset(
    'a100-80gb',
    'A100 80GB',
    81920 * MiB,
    '80 GB HBM2e',
    ['a100', 'a100-sxm-80gb'],
    modalList,
  ),
  preset('a100-40gb', 'A100 40GB', 40960 * MiB, '40 GB HBM2', [], modalList),
  preset('l40s', 'L40S', 46068 * MiB, '48 GB GDDR6 (ECC)', ['l40s-48gb'], modalList),
  preset(
    'rtx-4090',
    'GeForce RTX 4090',
    24564 * MiB,
    '24 GB GDDR6X',
    ['4090'],
    smiRows('NVIDIA GeForce RTX 4090', '24564'),
  ),
  preset(
    'rtx-3090',
    'GeForce RTX 3090',
    24576 * MiB,
    '24 GB GDDR6X',
    ['3090'],
    smiRows('NVIDIA GeForce RTX 3090', '24576'),
  ),
  preset(
    'a10g',
    'A10G',
    23028 * MiB,
    '24 GB GDDR6 (ECC)',
    ['a10', 'a10g-24gb'],
    smiRows('NVIDIA A10G', '23028') + '; A10: ' + modalList,
  ),
  preset('l4', 'L4', 23034 * MiB, '24 GB GDDR6 (ECC)', ['l4-24gb'], modalList),
  preset('t4', 'Tesla T4', 15360 * MiB, '16 GB GDDR6 (ECC)', ['t4-16gb'], modalList),
  preset(
    'v100-16gb',
    'Tesla V100 16GB',
    16160 * MiB,
    '16 GB HBM2',
    [],
    smiRows('Tesla V100-SXM2-16GB', '16160'),
  ),
  preset(
    'v100-32gb',
    'Tesla V100 32GB',
    32510 * MiB,
    '32 GB HBM2',
    ['v100'],
    smiRows('Tesla V100-SXM2-32GB', '32510'),
  ),
  {
    ...preset('mi300x', 'Instinct MI300X', 192 * GiB, '192 GB HBM3', ['mi300x-192gb'], ''),
    source:
      'rocm-smi VRAM total (192 GiB; drivers report up to 0.2 % less: 206,141,652,992 B in github.com/ROCm/legacy-rocm-build/issues/4750)',
  },
  {
    ...preset('mi325x', 'Instinct MI325X', 256 * GiB, '256 GB HBM3E', ['mi325x-256gb'], ''),
    source: 'physical HBM (8 × 32 GiB); no rocm-smi figure published',
  },
  {
    ...preset('gaudi3', 'Gaudi 3', 128 * GiB, '128 GB HBM2e', ['gaudi-3'], ''),
    source: 'vendor label read as GiB; no hl-smi figure published',
  },
]

function preset(
  id: string,
  name: string,
  capacity: number,
  marketing: string,
  aliases: string[],
  source: string,
): GpuPreset {
  return {id, name, capacity, marketing, aliases, source}
}

/**
 * Share of the reported capacity a job may allocate by default: the driver
 * keeps a "Reserved" region (328–834 MiB observed on 80 GB parts, ≈1 %) out of
 * what CUDA can hand out. The CUDA context and workspaces are in `buffers`.
 */
export const defaultUsable = 0.99

export function findGpuPreset(name: string): GpuPreset | undefined {
  const needle = name.trim().toLowerCase()
  return gpuPresets.find((gpu) => gpu.id === needle || gpu.aliases.includes(needle))
}

export function gpuSuggestion(name: string): string | undefined {
  return closest(
    name,
    gpuPresets.flatMap((gpu) => [gpu.id, ...gpu.aliases]),
  )
}

/** A `gpu:` value: a preset id or a capacity such as `80 GB`. */
export function gpuFromInput(value: unknown): Gpu | undefined {
  if (typeof value === 'string') {
    const found = findGpuPreset(value)
    if (found)
      return {id: found.id, name: found.name, capacity: found.capacity, source: found.source}
  }
  const capacity = parseSize(value)
  if (capacity !== undefined && capacity > 0) {
    return {id: 'custom', name: display(value).trim(), capacity, source: 'given'}
  }
  return undefined
}
