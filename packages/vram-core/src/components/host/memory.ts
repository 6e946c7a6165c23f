/**
 * What a block keeps in host (CPU) memory: the JSON `host` object of spec §8.
 *
 * Training states that ZeRO/FSDP offload to the CPU, activation checkpoints
 * kept in pinned CPU memory, and the layers, KV cache and buffers a local
 * engine (llama.cpp, Ollama) leaves on the CPU all land here, per device
 * (with data parallelism each rank's process holds its own share). `fits`
 * checks `total` against `host_memory:` where the block gives one.
 */
import type {HostMemory} from '../../types.js'

/** The five host keys (spec §8, **fixed**), in table order. */
export const hostKeys = ['weights', 'kvCache', 'optimizer', 'gradients', 'buffers'] as const
export type HostKey = (typeof hostKeys)[number]

/** Host memory with the given parts; the rest 0, `total` their sum. */
export function hostMemory(parts: Readonly<Partial<Record<HostKey, number>>> = {}): HostMemory {
  const host = {weights: 0, kvCache: 0, optimizer: 0, gradients: 0, buffers: 0, total: 0}
  for (const key of hostKeys) {
    const bytes = parts[key] ?? 0
    host[key] = bytes
    host.total += bytes
  }
  return host
}

/** Whether anything lands on the host. */
export function usesHost(host: HostMemory | undefined): boolean {
  return host !== undefined && host.total > 0
}

/** `fits` with the host checked too: the GPU's verdict, and `host.total` ≤ `host_memory`. */
export function fitsHost(host: HostMemory | undefined, capacity: number | undefined): boolean {
  if (capacity === undefined || host === undefined) return true
  return host.total <= capacity
}

/** The JSON `host` object: bytes per key and the total. */
export function hostJson(host: HostMemory): Record<string, number> {
  return {
    weights: host.weights,
    kvCache: host.kvCache,
    optimizer: host.optimizer,
    gradients: host.gradients,
    buffers: host.buffers,
    total: host.total,
  }
}
