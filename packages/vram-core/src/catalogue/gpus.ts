/**
 * The GPU catalogue: each accelerator's memory as the driver reports it, with
 * where that figure was read. Data only; lookup and suggestions are in
 * `../input/gpus.ts`.
 *
 * - `capacity`: the driver's total (nvidia-smi `memory.total`, rocm-smi `VRAM
 *   Total Memory`), not the marketing label: an "80GB" H100 reports 81,559 MiB.
 * - `cudaTotalBytes`: what CUDA itself reports as the device's total
 *   (`cudaMemGetInfo`, `torch.cuda.mem_get_info()[1]`): the driver total minus
 *   the region nvidia-smi -q lists as "Reserved". vLLM budgets
 *   `gpu_memory_utilization` × this figure. Only where a public log shows it.
 * - Apple silicon: `capacity` is the unified RAM and `usable` the share Metal
 *   lets the GPU wire by default (`recommendedMaxWorkingSetSize`).
 */

const MiB = 2 ** 20
const GiB = 2 ** 30

export interface GpuRecord {
  id: string
  name: string
  /** Bytes the driver reports (nvidia-smi / rocm-smi total), or unified RAM on Apple silicon. */
  capacity: number
  /** Bytes CUDA reports as the device total, where a public log shows it. */
  cudaTotalBytes?: number | undefined
  /** Where `cudaTotalBytes` comes from. */
  cudaTotalSource?: string | undefined
  /** Default share of `capacity` a job may use, when the platform sets one (Apple silicon). */
  usable?: number | undefined
  memory: 'dedicated' | 'unified'
  /** The vendor's label, e.g. `80 GB HBM3`. */
  marketing: string
  aliases: readonly string[]
  source: string
}

/** Public logs the driver totals were read from (nvidia-smi `memory.total`). */
const modalList = 'nvidia-smi memory.total listed in github.com/modal-labs/modal-client/pull/2797'
const smiRows = (card: string, total: number): string =>
  `nvidia-smi tables of "${card}" in public GitHub logs ("0MiB / ${total}MiB")`

function card(
  id: string,
  name: string,
  mib: number,
  marketing: string,
  aliases: string[],
  source: string,
  extra: Partial<GpuRecord> = {},
): GpuRecord {
  return {id, name, capacity: mib * MiB, memory: 'dedicated', marketing, aliases, source, ...extra}
}

/**
 * Metal's default GPU working set on Apple silicon (`MTLDevice
 * .recommendedMaxWorkingSetSize`, which llama.cpp reports as the device's
 * memory and Ollama fits layers against): 2/3 of the RAM up to 32 GB, 3/4
 * above, as llama.cpp's `ggml_metal_init` logs print it (MiB): 10922.67 on
 * 16 GB (abetlen/llama-cpp-python#687; the ggml-org/ci M4 log: 11453.25 MB of
 * 10^6 B), 21845.34 on 32 GB (ggml-org/llama.cpp#2011), 49152 on 64 GB
 * (51539.61 MB), 73728.00 on a 96 GB M2 Max (ggml-org/llama.cpp#3213), 98304
 * on 128 GB (103079.22 MB). macOS 26 raises it on some machines (107.52 GiB of
 * 128 GiB on an M5 Max, antirez/ds4#893). `sudo sysctl
 * iogpu.wired_limit_mb=<MiB>` (macOS 14+) raises it until reboot. A Mac's
 * "96 GB" is 96 GiB.
 */
export function appleWorkingSetShare(ramGiB: number): number {
  return ramGiB <= 32 ? 2 / 3 : 3 / 4
}
const appleSource =
  'unified RAM (Apple tech specs, binary GB); GPU share = Metal recommendedMaxWorkingSetSize: 2/3 of RAM up to 32 GB, 3/4 above (llama.cpp ggml_metal_init logs: 10922.67 MiB on 16 GB, 21845.34 MiB on 32 GB, 73728 MiB on 96 GB, 51539.61 MB on 64 GB); raise with `sudo sysctl iogpu.wired_limit_mb=<MiB>`'

function apple(chip: string, ramGiB: number, aliases: string[] = []): GpuRecord {
  const id = `${chip.toLowerCase().replace(/\s+/g, '-')}-${ramGiB}gb`
  return {
    id,
    name: `Apple ${chip} ${ramGiB}GB`,
    capacity: ramGiB * GiB,
    usable: appleWorkingSetShare(ramGiB),
    memory: 'unified',
    marketing: `${ramGiB} GB unified memory`,
    aliases,
    source: appleSource,
  }
}

export const gpuRecords: readonly GpuRecord[] = [
  // NVIDIA data centre, Hopper and Blackwell.
  card(
    'h100-sxm-80gb',
    'H100 SXM 80GB',
    81559,
    '80 GB HBM3',
    ['h100', 'h100-sxm', 'h100-80gb'],
    `${smiRows('NVIDIA H100 80GB HBM3', 81559)}; github.com/NVIDIA/nccl/issues/1264`,
    {
      cudaTotalBytes: 85_045_870_592,
      cudaTotalSource:
        'JAX device_total_bytes of an NVIDIA H100 80GB HBM3 in a public test fixture (≈ 81,105 MiB: 454 MiB reserved)',
    },
  ),
  card(
    'h100-pcie-80gb',
    'H100 PCIe 80GB',
    81559,
    '80 GB HBM2e',
    ['h100-pcie'],
    smiRows('NVIDIA H100 PCIe', 81559),
  ),
  card('h800', 'H800 80GB', 81559, '80 GB HBM3', ['h800-80gb'], smiRows('NVIDIA H800', 81559)),
  card(
    'h200-141gb',
    'H200 141GB',
    143771,
    '141 GB HBM3e',
    ['h200'],
    smiRows('NVIDIA H200', 143771),
  ),
  card('h20', 'H20 96GB', 97871, '96 GB HBM3', ['h20-96gb'], smiRows('NVIDIA H20', 97871)),
  card(
    'h20-141gb',
    'H20-3e 141GB',
    143771,
    '141 GB HBM3e',
    ['h20-3e'],
    smiRows('NVIDIA H20-3e', 143771),
  ),
  card(
    'b200-180gb',
    'B200 180GB',
    183359,
    '180 GB HBM3e',
    ['b200'],
    smiRows('NVIDIA B200', 183359),
  ),
  card(
    'b300',
    'B300 SXM6 288GB',
    275040,
    '288 GB HBM3e',
    ['b300-288gb'],
    `${smiRows('NVIDIA B300 SXM6 AC', 275040)}, driver 580.105.08`,
  ),
  card(
    'gb200',
    'GB200 (per GPU)',
    189471,
    '186 GB HBM3e per GPU',
    ['gb200-nvl72'],
    `${smiRows('NVIDIA GB200', 189471)}, driver 580.95.05`,
  ),
  // NVIDIA data centre, Ampere and Ada.
  card('a100-80gb', 'A100 80GB', 81920, '80 GB HBM2e', ['a100', 'a100-sxm-80gb'], modalList),
  card('a100-40gb', 'A100 40GB', 40960, '40 GB HBM2', [], modalList),
  card(
    'a800-80gb',
    'A800 80GB',
    81920,
    '80 GB HBM2e',
    ['a800'],
    smiRows('NVIDIA A800-SXM4-80GB', 81920),
  ),
  card('l40s', 'L40S', 46068, '48 GB GDDR6 (ECC)', ['l40s-48gb'], modalList),
  card(
    'l20',
    'L20',
    46068,
    '48 GB GDDR6 (ECC)',
    ['l20-48gb'],
    'ECC on, as L40S (46,068 MiB); an "NVIDIA L20" nvidia-smi table with ECC off shows 49,140 MiB',
  ),
  card('a40', 'A40', 46068, '48 GB GDDR6 (ECC)', ['a40-48gb'], smiRows('NVIDIA A40', 46068)),
  card('a10g', 'A10G', 23028, '24 GB GDDR6 (ECC)', ['a10g-24gb'], smiRows('NVIDIA A10G', 23028)),
  // The A10 (PCIe) is its own card, printed as such: the same 24 GB GDDR6 and total as the A10G.
  card('a10', 'A10', 23028, '24 GB GDDR6 (ECC)', ['a10-24gb'], modalList),
  card('l4', 'L4', 23034, '24 GB GDDR6 (ECC)', ['l4-24gb'], modalList),
  card('t4', 'Tesla T4', 15360, '16 GB GDDR6 (ECC)', ['t4-16gb'], modalList),
  card(
    'v100-16gb',
    'Tesla V100 16GB',
    16160,
    '16 GB HBM2',
    [],
    smiRows('Tesla V100-SXM2-16GB', 16160),
  ),
  card(
    'v100-32gb',
    'Tesla V100 32GB',
    32510,
    '32 GB HBM2',
    ['v100'],
    smiRows('Tesla V100-SXM2-32GB', 32510),
  ),
  // NVIDIA workstation.
  card(
    'rtx-pro-6000',
    'RTX PRO 6000 Blackwell',
    97887,
    '96 GB GDDR7 (ECC)',
    ['rtx-pro-6000-blackwell'],
    smiRows('NVIDIA RTX PRO 6000 Blackwell', 97887),
  ),
  card(
    'rtx-6000-ada',
    'RTX 6000 Ada',
    49140,
    '48 GB GDDR6',
    [],
    `${smiRows('NVIDIA RTX 6000 Ada Generation', 49140)}, ECC off (46,068 MiB with ECC on)`,
  ),
  card(
    'rtx-a6000',
    'RTX A6000',
    49140,
    '48 GB GDDR6',
    ['a6000'],
    `${smiRows('NVIDIA RTX A6000', 49140)}, ECC off (46,068 MiB with ECC on)`,
  ),
  // NVIDIA GeForce.
  card(
    'rtx-5090',
    'GeForce RTX 5090',
    32607,
    '32 GB GDDR7',
    ['5090'],
    smiRows('NVIDIA GeForce RTX 5090', 32607),
  ),
  card(
    'rtx-5080',
    'GeForce RTX 5080',
    16303,
    '16 GB GDDR7',
    ['5080'],
    'nvidia-smi tables with a 360 W cap (RTX 5080) in public GitHub logs ("0MiB / 16303MiB")',
  ),
  card(
    'rtx-5070-ti',
    'GeForce RTX 5070 Ti',
    16303,
    '16 GB GDDR7',
    ['5070-ti'],
    smiRows('NVIDIA GeForce RTX 5070 Ti', 16303),
  ),
  card(
    'rtx-4090',
    'GeForce RTX 4090',
    24564,
    '24 GB GDDR6X',
    ['4090'],
    smiRows('NVIDIA GeForce RTX 4090', 24564),
  ),
  card(
    'rtx-4080',
    'GeForce RTX 4080',
    16376,
    '16 GB GDDR6X',
    ['4080'],
    'nvidia-smi tables with a 320 W cap (RTX 4080 / 4080 SUPER) in public GitHub logs ("0MiB / 16376MiB")',
  ),
  card(
    'rtx-4080-super',
    'GeForce RTX 4080 SUPER',
    16376,
    '16 GB GDDR6X',
    ['4080-super'],
    'as RTX 4080 (same memory): nvidia-smi tables with a 320 W cap ("0MiB / 16376MiB")',
  ),
  card(
    'rtx-4070-ti-super',
    'GeForce RTX 4070 Ti SUPER',
    16376,
    '16 GB GDDR6X',
    ['4070-ti-super'],
    'nvidia-smi tables with a 285 W cap (RTX 4070 Ti SUPER) in public GitHub logs ("0MiB / 16376MiB")',
  ),
  card(
    'rtx-4060-ti-16gb',
    'GeForce RTX 4060 Ti 16GB',
    16380,
    '16 GB GDDR6',
    ['4060-ti-16gb'],
    'nvidia-smi tables with a 165 W cap (RTX 4060 Ti) in public GitHub logs ("/ 16380MiB"; an older driver shows 16,311 MiB)',
  ),
  card(
    'rtx-3090',
    'GeForce RTX 3090',
    24576,
    '24 GB GDDR6X',
    ['3090'],
    smiRows('NVIDIA GeForce RTX 3090', 24576),
    {
      // vLLM prints the CUDA total to two decimals: 23.58 GiB, kept to the MiB.
      cudaTotalBytes: 24146 * MiB,
      cudaTotalSource:
        'vLLM logs "total_gpu_memory=23.58GiB" on RTX 3090 (vllm-project/vllm#10517, comment of 2024-12-02; #14447)',
    },
  ),
  card(
    'rtx-3060-12gb',
    'GeForce RTX 3060 12GB',
    12288,
    '12 GB GDDR6',
    ['3060-12gb'],
    'nvidia-smi tables with a 170 W cap (RTX 3060) in public GitHub logs ("/ 12288MiB")',
  ),
  // AMD and Intel.
  {
    ...card('mi300x', 'Instinct MI300X', 196608, '192 GB HBM3', ['mi300x-192gb'], ''),
    source:
      'rocm-smi VRAM total (192 GiB; drivers report up to 0.2 % less: 206,141,652,992 B in github.com/ROCm/legacy-rocm-build/issues/4750)',
  },
  card(
    'mi325x',
    'Instinct MI325X',
    262144,
    '256 GB HBM3E',
    ['mi325x-256gb'],
    'physical HBM (8 × 32 GiB); no rocm-smi figure published',
  ),
  card(
    'mi355x',
    'Instinct MI355X',
    294896,
    '288 GB HBM3E',
    ['mi355x-288gb', 'mi350x'],
    'rocm-smi --showmeminfo vram: 309,220,868,096 B (= torch total_memory) for "AMD Instinct MI355X" in a public log; MI350X reports the same',
  ),
  card(
    'gaudi3',
    'Gaudi 3',
    131072,
    '128 GB HBM2e',
    ['gaudi-3'],
    'vendor label read as GiB; no hl-smi figure published',
  ),
  // Apple silicon (unified memory).
  apple('M4', 16),
  apple('M4', 24),
  apple('M4 Pro', 48),
  apple('M1 Max', 32),
  apple('M3 Max', 36),
  apple('M2 Max', 64),
  apple('M2 Max', 96),
  apple('M2 Ultra', 192),
  apple('M3 Max', 128),
  apple('M3 Ultra', 256),
  apple('M3 Ultra', 512),
  apple('M4 Max', 64),
  apple('M4 Max', 128),
]
