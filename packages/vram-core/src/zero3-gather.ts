/**
 * ZeRO-3's gather: DeepSpeed stage 3 all-gathers one layer's 16-bit parameters
 * (and reduces its gradients) at a time, so every device holds the largest
 * layer in full on top of its partition: 4·LL bytes in DeepSpeed's
 * `estimate_zero3_model_states_mem_needs` (2 for params, 2 for grads).
 */
import type {ParamInventory} from './architecture.js'
import {bytesOf} from './dtypes.js'
import {tex} from './formula.js'
import type {Dtype, Formula, Scenario} from './types.js'

export interface Gather {
  /** Elements of the largest gathered unit (LL). */
  elements: number
}

/** The gather a device performs, or `undefined` when the scenario does not gather (no ZeRO-3, paper accounting). */
export function zero3Gather(scenario: Scenario, inventory: ParamInventory): Gather | undefined {
  const p = scenario.parallel
  if (scenario.mode !== 'training' || p.zero !== 3 || scenario.accounting !== 'deepspeed')
    return undefined
  const elements = Math.max(
    ...inventory.groups.map((group) =>
      group.sharding === 'tp'
        ? Math.ceil(group.elements / p.tp)
        : group.sharding === 'expert'
          ? Math.ceil(group.elements / p.etp)
          : group.elements,
    ),
  )
  return {elements}
}

/** Bytes of the gathered unit in `dtype`. */
export function gatherBytes(gather: Gather | undefined, dtype: Dtype): number {
  return gather ? bytesOf(gather.elements, dtype) : 0
}

/** The gather's formula term, `LL × b`. */
export function gatherTerm(gather: Gather, width: string, symbol: string): Formula {
  return {symbolic: `LL \\times ${symbol}`, substituted: `${tex(gather.elements)} \\times ${width}`}
}
