/**
 * The parameters one device of a pipeline stage holds, before and after ZeRO
 * partitioning: what weights, gradients and optimizer states are counted on.
 */
import type {ParamGroup, ParamInventory} from './architecture.js'
import {tex} from './formula.js'
import {denseReplicas, deviceCount, expertReplicas, type Stage} from './layout.js'
import type {Formula, Scenario} from './types.js'

export interface GroupShare {
  group: ParamGroup
  /** Elements of this group on the device. */
  elements: number
}

/** How many elements of each parameter group one device of `stage` holds, before ZeRO. */
export function stageShares(
  inventory: ParamInventory,
  stage: Stage,
  scenario: Scenario,
): GroupShare[] {
  const p = scenario.parallel
  const shares: GroupShare[] = []
  for (const group of inventory.groups) {
    let instances: number
    if (group.placement === 'first') instances = stage.first ? group.count : 0
    else if (group.placement === 'last') instances = stage.last ? group.count : 0
    else {
      const layers =
        group.layerKind === 'dense'
          ? stage.denseLayers
          : group.layerKind === 'moe'
            ? stage.moeLayers
            : stage.layers
      instances = layers * group.count
    }
    if (instances === 0) continue
    // A params-only model: its one group is spread evenly over the stages.
    let perInstance =
      inventory.given && group.placement === 'layer'
        ? Math.ceil(group.elements / p.pp)
        : group.elements
    if (group.sharding === 'tp') perInstance = Math.ceil(perInstance / p.tp)
    if (group.sharding === 'expert') {
      perInstance = Math.ceil(perInstance / p.etp)
      instances = Math.ceil(instances / p.ep)
    }
    shares.push({group, elements: perInstance * instances})
  }
  return shares
}

/** The parameters of one device on one stage, and their ZeRO partition. */
export interface StageParams {
  stage: Stage
  stages: number
  shares: GroupShare[]
  /** Dense (non-expert) elements on the device. */
  dense: number
  /** Routed-expert elements on the device. */
  expert: number
  /** dense + expert. */
  onDevice: number
  /** Ranks the dense / expert elements are sharded over by ZeRO. */
  denseReplicas: number
  expertReplicas: number
  /** Elements of this device's ZeRO partition (dense and expert shards). */
  partition: number
  /** `P` on a single device, `P_{dev}` otherwise. */
  symbol: string
}

function sumShares(shares: readonly GroupShare[], expert: boolean): number {
  return shares.reduce(
    (sum, share) => sum + ((share.group.sharding === 'expert') === expert ? share.elements : 0),
    0,
  )
}

export function stageParams(
  scenario: Scenario,
  inventory: ParamInventory,
  stage: Stage,
  stages: number,
): StageParams {
  const shares = stageShares(inventory, stage, scenario)
  const dense = sumShares(shares, false)
  const expert = sumShares(shares, true)
  const zDense = denseReplicas(scenario)
  const zExpert = expertReplicas(scenario)
  return {
    stage,
    stages,
    shares,
    dense,
    expert,
    onDevice: dense + expert,
    denseReplicas: zDense,
    expertReplicas: zExpert,
    partition: Math.ceil(dense / zDense) + Math.ceil(expert / zExpert),
    symbol: stages === 1 && deviceCount(scenario) === 1 ? 'P' : 'P_{dev}',
  }
}

/**
 * One term of a model-state formula: P × width, or its ZeRO shard (dense and
 * expert parameters shard over different data-parallel groups).
 */
export function modelStateTerm(
  params: StageParams,
  sharded: boolean,
  width: string,
  symbol: string,
): Formula {
  const P = params.symbol
  if (!sharded)
    return {
      symbolic: `${P} \\times ${symbol}`,
      substituted: `${tex(params.onDevice)} \\times ${width}`,
    }
  if (!(params.expert > 0 && params.expertReplicas !== params.denseReplicas)) {
    return {
      symbolic: `\\frac{${P}}{N_{dp}} \\times ${symbol}`,
      substituted: `\\frac{${tex(params.onDevice)}}{${tex(params.denseReplicas)}} \\times ${width}`,
    }
  }
  return {
    symbolic: `\\left(\\frac{P_{dense}}{N_{dp}} + \\frac{P_{exp}}{N_{edp}}\\right) \\times ${symbol}`,
    substituted: `\\left(\\frac{${tex(params.dense)}}{${tex(params.denseReplicas)}} + \\frac{${tex(params.expert)}}{${tex(params.expertReplicas)}}\\right) \\times ${width}`,
  }
}
