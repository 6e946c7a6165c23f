import {compute} from './compute.js'
import {VramInputError} from './diagnostics.js'
import type {Result, Scenario, Solved, SolveTarget} from './types.js'

/** Largest n in [low, high] with `fits(n)`, for `fits` true up to a point and false after. */
export function bisectLargest(
  low: number,
  high: number,
  fits: (n: number) => boolean,
): number | undefined {
  if (!fits(low)) return undefined
  // Grow the bound exponentially (memory grows without limit in batch and seq), then bisect.
  let good = low
  let bad = low * 2
  while (bad <= high && fits(bad)) {
    good = bad
    bad *= 2
  }
  if (bad > high) {
    if (fits(high)) return high
    bad = high
  }
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2)
    if (fits(middle)) good = middle
    else bad = middle
  }
  return good
}

function fitsWith(scenario: Scenario, patch: Partial<Scenario>): Result | undefined {
  try {
    const result = compute({...scenario, ...patch})
    return result.fits ? result : undefined
  } catch (error) {
    if (error instanceof VramInputError) return undefined
    throw error
  }
}

const batchLimit = 1 << 24
const seqLimit = 1 << 26

/** Solves for the largest batch or sequence, or the fewest devices, that fit the GPU. */
export function solve(scenario: Scenario, target: SolveTarget): Solved {
  if (!scenario.gpu) return {target, reason: 'solving needs a `gpu` to fit'}
  const p = scenario.parallel
  if (target === 'batch') {
    // Keep the micro-batch split: batch = micro_batch × grad_accum × dp.
    const step = scenario.gradAccum * p.dp
    const at = (units: number): Partial<Scenario> => ({batch: units * step, microBatch: units})
    const units = bisectLargest(
      1,
      batchLimit / step,
      (n) => fitsWith(scenario, at(n)) !== undefined,
    )
    if (units === undefined) return {target, reason: 'even a batch of one micro-batch does not fit'}
    return {target, value: units * step, result: compute({...scenario, ...at(units)})}
  }
  if (target === 'seq') {
    const step = p.cp
    const units = bisectLargest(
      1,
      seqLimit / step,
      (n) => fitsWith(scenario, {seq: n * step}) !== undefined,
    )
    if (units === undefined) return {target, reason: 'even a one-token sequence does not fit'}
    return {target, value: units * step, result: compute({...scenario, seq: units * step})}
  }
  return solveDevices(scenario)
}

/**
 * Fewest devices: grows one parallel axis through its valid degrees (bisection
 * over the sorted list; per-device memory only falls as the axis grows).
 * Training with ZeRO grows data parallelism (micro-batch kept); otherwise
 * tensor parallelism over the head divisors up to 8 (one node), then
 * pipeline stages.
 */
function solveDevices(scenario: Scenario): Solved {
  const {model, parallel: p} = scenario
  const layouts: Array<{axis: string; patch: Partial<Scenario>}> = []
  if (scenario.mode === 'training' && p.zero >= 1) {
    for (let dp = 1; dp <= 4096; dp *= 2) {
      layouts.push({
        axis: 'dp',
        patch: {parallel: {...p, dp}, batch: scenario.microBatch * scenario.gradAccum * dp},
      })
    }
  } else {
    const heads = model.heads ?? 1
    const kv = model.mla ? heads : (model.kvHeads ?? heads)
    const tps = [1, 2, 4, 8].filter((tp) => heads % tp === 0 && (kv % tp === 0 || tp % kv === 0))
    for (const tp of tps) layouts.push({axis: 'tp', patch: {parallel: {...p, tp, etp: tp}}})
    const tp = tps[tps.length - 1] ?? 1
    const layers = model.layers ?? 1
    for (let pp = 2; pp <= layers; pp *= 2)
      layouts.push({axis: 'pp', patch: {parallel: {...p, tp, etp: tp, pp}}})
  }
  const index = bisectFirst(
    layouts.length,
    (i) => fitsWith(scenario, layouts[i]?.patch ?? {}) !== undefined,
  )
  if (index === undefined) return {target: 'gpus', reason: 'no layout up to the search limit fits'}
  const layout = layouts[index] as (typeof layouts)[number]
  const result = compute({...scenario, ...layout.patch})
  return {target: 'gpus', value: result.devices, axis: layout.axis, result}
}

/** Smallest index in [0, length) with `fits(index)`, for `fits` false then true. */
export function bisectFirst(length: number, fits: (index: number) => boolean): number | undefined {
  if (length === 0 || !fits(length - 1)) return undefined
  let low = -1
  let high = length - 1
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (fits(middle)) high = middle
    else low = middle
  }
  return high
}
