/**
 * vLLM's pipeline stages (`--pipeline-parallel-size`): which layers each rank
 * holds. `get_pp_indices` (vllm/distributed/utils.py) gives every stage
 * ⌊layers / pp⌋ layers and hands the remainder out one by one from the
 * second-to-last stage backwards, sparing the last stage (norm, LM head and
 * sampler) and, where it can, the first (embedding). Megatron's split, which
 * the training layouts use, gives the remainder to the first stages instead.
 */

import {isSliding, type Stage} from '../../components/layout.js'
import type {Architecture, ParamInventory} from '../../model/architecture.js'

/** Layers per stage, as `get_pp_indices` partitions them. */
export function vllmPartition(layers: number, pp: number): number[] {
  const partitions = Array.from({length: pp}, () => Math.floor(layers / pp))
  const remaining = layers % pp
  for (let i = 2; i < remaining + 2; i++) partitions[pp - i] = (partitions[pp - i] ?? 0) + 1
  return partitions
}

/** The stages of a vLLM pipeline, in the engine's `Stage` shape. */
export function vllmStages(model: Architecture, inventory: ParamInventory, pp: number): Stage[] {
  const layers = model.layers ?? pp
  const denseTotal = inventory.denseLayers
  const stages: Stage[] = []
  let start = 0
  vllmPartition(layers, pp).forEach((count, index) => {
    const end = start + count
    const dense = Math.max(0, Math.min(end, denseTotal) - Math.min(start, denseTotal))
    let sliding = 0
    for (let layer = start; layer < end; layer++) if (isSliding(model, layer)) sliding++
    const span = {
      layers: count,
      denseLayers: dense,
      moeLayers: count - dense,
      slidingLayers: sliding,
      first: index === 0,
      last: index === pp - 1,
    }
    stages.push({...span, index, chunks: [span]})
    start = end
  })
  return stages
}
