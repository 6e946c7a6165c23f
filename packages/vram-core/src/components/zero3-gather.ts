/**
 * ZeRO-3's gather: DeepSpeed stage 3 all-gathers one module's 16-bit parameters
 * (and reduces its gradients) at a time, so every device holds the largest one
 * in full on top of its partition: 4·LL bytes in DeepSpeed's
 * `estimate_zero3_model_states_mem_needs` (2 for params, 2 for grads), LL being
 * its `largest_layer_params`.
 *
 * LL is the largest parameter tensor on the device's pipeline stage (split by
 * tensor parallelism), or `model.largest_layer` when the writer gives it. A
 * model given only by `params` has no layers: without `largest_layer` the
 * gather is not counted, and a note says so (never the whole model).
 */
import {bytesOf} from '../model/dtypes.js'
import {tex} from '../output/formula.js'
import type {Dtype, Formula, Scenario} from '../types.js'
import {type GroupShare, tensorParallelDivisor, zeroSharding} from './model-states.js'

export interface Gather {
  /** Elements of the largest gathered unit (LL) on one device; 0 when unknown. */
  elements: number
  /** What was assumed, for the weights' note. */
  note?: string | undefined
}

/**
 * The gather a device of a stage performs, or `undefined` when the scenario
 * does not gather (no ZeRO-3, or the ZeRO paper's accounting).
 */
export function zero3Gather(
  scenario: Scenario,
  shares: readonly GroupShare[],
  given: boolean,
): Gather | undefined {
  const p = scenario.parallel
  // With pp > 1 the stage stays gathered as a whole (see `zeroSharding`): no per-layer gather.
  if (!zeroSharding(scenario).weights || scenario.accounting !== 'deepspeed') return undefined
  const stated = scenario.model.largestLayer
  if (stated !== undefined) {
    return {
      elements: Math.ceil(stated / p.tp),
      note: `LL = \`largest_layer\` (${stated}${p.tp > 1 ? `, 1/${p.tp} per tensor-parallel rank` : ''})`,
    }
  }
  if (given) {
    return {
      elements: 0,
      note: "ZeRO-3 also gathers the largest layer (4·LL bytes, DeepSpeed's estimator), not counted here: a model given by `params` has no layers; add `largest_layer` (DeepSpeed's largest_layer_params)",
    }
  }
  const elements = Math.max(
    0,
    ...shares.map((share) =>
      Math.ceil(share.group.elements / tensorParallelDivisor(share.group, scenario)),
    ),
  )
  return {elements}
}

/** Bytes of the gathered unit in `dtype`. */
export function gatherBytes(gather: Gather | undefined, dtype: Dtype): number {
  return gather ? bytesOf(gather.elements, dtype) : 0
}

/** The gather's formula term, `LL × b`, or none when nothing is gathered. */
export function gatherTerms(gather: Gather | undefined, width: string, symbol: string): Formula[] {
  if (!gather || gather.elements === 0) return []
  return [
    {symbolic: `LL \\times ${symbol}`, substituted: `${tex(gather.elements)} \\times ${width}`},
  ]
}
