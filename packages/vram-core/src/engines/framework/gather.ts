/**
 * What a sharding framework holds gathered on top of a device's shard, from
 * its code (see `conventions.ts` for the commits):
 *
 * - DeepSpeed ZeRO-3 fetches one submodule's parameters at a time and
 *   prefetches up to `stage3_prefetch_bucket_size` elements ahead, never past
 *   `stage3_max_live_parameters` (partitioned_param_coordinator.py:
 *   `max_params_to_prefetch = min(max_available - n_available, prefetch_bucket_sz)`);
 *   tensors under `stage3_param_persistence_threshold` are never partitioned.
 *   Gradients are reduced through the IPG bucket (`communication`), not a
 *   second gathered copy.
 * - FSDP FULL_SHARD unshards one unit (a decoder layer, as HF's
 *   `TRANSFORMER_BASED_WRAP` wraps them) and, with `BackwardPrefetch.BACKWARD_PRE`
 *   and `limit_all_gathers`, at most the next one too; the root unit
 *   (embeddings, head, final norm) is not resharded after forward. In backward
 *   each unit's unsharded gradient lives until its reduce-scatter, the root's
 *   from the head's backward to the end.
 */

import {type GroupShare, tensorParallelDivisor} from '../../components/model-states.js'
import type {ParamGroup, ParamInventory} from '../../model/architecture.js'
import type {Scenario} from '../../types.js'
import {deepspeedDefaults} from './conventions.js'

export interface FrameworkGather {
  /** Elements held gathered on top of the shard (parameter dtype). */
  elements: number
  /** Elements of unsharded gradients held at once (gradient dtype); `undefined`: none beyond the shard. */
  gradientElements?: number | undefined
  /** What is gathered, in words. */
  note: string
}

/** Elements of one instance of a group on one rank (tensor and expert parallelism). */
function perRank(group: ParamGroup, scenario: Scenario): number {
  return Math.ceil(group.elements / tensorParallelDivisor(group, scenario))
}

/** Elements of one decoder layer of `kind` on one rank: FSDP's unit. */
export function layerElements(
  groups: readonly ParamGroup[],
  scenario: Scenario,
  kind: 'dense' | 'moe',
): number {
  let total = 0
  for (const group of groups) {
    if (group.placement !== 'layer') continue
    if (group.layerKind !== undefined && group.layerKind !== 'all' && group.layerKind !== kind)
      continue
    const count =
      group.sharding === 'expert' ? Math.ceil(group.count / scenario.parallel.ep) : group.count
    total += perRank(group, scenario) * count
  }
  return total
}

/** The largest decoder layer and the root unit (everything outside the layers). */
export function fsdpUnits(
  inventory: ParamInventory,
  scenario: Scenario,
): {unit: number; root: number} {
  const unit = Math.max(
    inventory.denseLayers > 0 ? layerElements(inventory.groups, scenario, 'dense') : 0,
    inventory.moeLayers > 0 ? layerElements(inventory.groups, scenario, 'moe') : 0,
  )
  const root = inventory.groups
    .filter((group) => group.placement !== 'layer')
    .reduce((sum, group) => sum + perRank(group, scenario) * group.count, 0)
  return {unit, root}
}

/** DeepSpeed ZeRO-3's gathered elements: the largest module in use plus the prefetch, capped. */
export function deepspeedGather(
  shares: readonly GroupShare[],
  scenario: Scenario,
  onDevice: number,
): FrameworkGather {
  const {prefetchBucketSize, maxLiveParameters, paramPersistenceThreshold} = deepspeedDefaults
  const largest = Math.max(0, ...shares.map((share) => perRank(share.group, scenario)))
  const prefetch = Math.min(prefetchBucketSize, Math.max(0, maxLiveParameters - largest))
  // Tensors under the persistence threshold stay whole on every rank.
  const persistent = shares.reduce(
    (sum, share) =>
      sum + (perRank(share.group, scenario) < paramPersistenceThreshold ? share.elements : 0),
    0,
  )
  const elements = Math.min(onDevice, largest + prefetch + persistent)
  return {
    elements,
    note: `ZeRO-3 holds the largest module in use (${largest}), the prefetch bucket (stage3_prefetch_bucket_size ${prefetchBucketSize}, within stage3_max_live_parameters ${maxLiveParameters}) and the ${persistent} parameters under stage3_param_persistence_threshold (${paramPersistenceThreshold}) gathered`,
  }
}

/** FSDP FULL_SHARD's gathered elements: the root unit and two decoder layers. */
export function fsdpGather(inventory: ParamInventory, scenario: Scenario): FrameworkGather {
  const {unit, root} = fsdpUnits(inventory, scenario)
  return {
    elements: root + 2 * unit,
    gradientElements: root + unit,
    note: `FSDP FULL_SHARD keeps the root unit (${root}: embeddings, head, final norm) gathered through forward and backward, and one decoder layer (${unit}) plus the prefetched next; in backward the root's and one layer's unsharded gradients`,
  }
}
