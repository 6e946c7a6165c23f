/**
 * The parallel layout: how many devices a scenario uses, which ranks hold a
 * replica of what, how the layers split into pipeline stages, and how many
 * micro-batches each stage keeps in flight.
 */
import type {Architecture, ParamInventory} from './architecture.js'
import type {Scenario} from './types.js'

/** Devices in the layout: the product of every parallel degree. */
export function deviceCount(scenario: Scenario): number {
  const p = scenario.parallel
  return p.dp * p.tp * p.pp * p.ep * p.cp
}

/** Ranks holding a replica of the dense (non-expert) parameters: what ZeRO shards over. */
export function denseReplicas(scenario: Scenario): number {
  const p = scenario.parallel
  return p.dp * p.ep * p.cp
}

/** Ranks holding a replica of one expert shard (Megatron's expert-data-parallel size). */
export function expertReplicas(scenario: Scenario): number {
  const p = scenario.parallel
  return (p.dp * p.cp * p.tp) / p.etp
}

/** One pipeline stage: which layers it runs. */
export interface Stage {
  /** 0-based. */
  index: number
  layers: number
  denseLayers: number
  moeLayers: number
  slidingLayers: number
  first: boolean
  last: boolean
}

/** Layers per pipeline stage: an even split, earlier stages taking the remainder (Megatron's default). */
export function pipelineStages(
  model: Architecture,
  inventory: ParamInventory,
  pp: number,
): Stage[] {
  // A model given only by `params` is spread evenly: one virtual layer per stage.
  const layers = inventory.given || model.layers === undefined ? pp : model.layers
  const stages: Stage[] = []
  let start = 0
  for (let index = 0; index < pp; index++) {
    const count = Math.floor(layers / pp) + (index < layers % pp ? 1 : 0)
    const end = start + count
    const dense = Math.max(
      0,
      Math.min(end, inventory.denseLayers) - Math.min(start, inventory.denseLayers),
    )
    let sliding = 0
    for (let layer = start; layer < end; layer++) if (isSliding(model, layer)) sliding++
    stages.push({
      index,
      layers: count,
      denseLayers: dense,
      moeLayers: count - dense,
      slidingLayers: sliding,
      first: index === 0,
      last: index === pp - 1,
    })
    start = end
  }
  return stages
}

/** Whether layer `index` uses sliding-window attention: all, alternating (Gemma 2, gpt-oss) or the first ones. */
export function isSliding(model: Architecture, index: number): boolean {
  const window = model.slidingWindow
  const layers = model.layers ?? 0
  if (!window || window.layers === 0) return false
  if (window.layers >= layers) return true
  if (window.layers * 2 === layers) return index % 2 === 0
  return index < window.layers
}

/**
 * Micro-batches whose activations a stage holds at its peak (training).
 * 1F1B: stage i holds min(pp − i, m); interleaving adds (1 + (p−1)/(p·v)).
 */
export function inflightMicroBatches(scenario: Scenario, stage: Stage): number {
  const p = scenario.parallel
  const m = scenario.gradAccum
  let inflight = p.pp === 1 ? 1 : Math.min(p.pp - stage.index, m)
  if (p.vpp > 1) inflight *= 1 + (p.pp - 1) / (p.pp * p.vpp)
  return inflight
}
