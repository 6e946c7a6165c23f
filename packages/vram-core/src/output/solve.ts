/**
 * Solvers: the largest batch or sequence that fits the GPU, or the fewest
 * devices. Every answer is a computed fit, or says why there is none: nothing
 * fits, more than the search limit fits, or the model's context is the bound.
 */
import {compute} from '../components/compute.js'
import {solveEngine} from '../engines/solve.js'
import type {Parallel, Result, Scenario, Solved, SolveTarget} from '../types.js'
import {VramInputError} from './diagnostics.js'

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
const deviceLimit = 4096

/** Solves for the largest batch or sequence, or the fewest devices, that fit the GPU. */
export function solve(scenario: Scenario, target: SolveTarget): Solved {
  if (!scenario.gpu) return {target, reason: 'solving needs a `gpu` to fit'}
  if (target === 'ctx' || target === 'layers') return solveEngine(scenario, target, fitsWith)
  const p = scenario.parallel
  if (target === 'batch') {
    // Keep the micro-batch split: batch = micro_batch × grad_accum × dp.
    const step = scenario.gradAccum * p.dp
    const at = (units: number): Partial<Scenario> => ({batch: units * step, microBatch: units})
    const high = Math.max(1, Math.floor(batchLimit / step))
    const units = bisectLargest(1, high, (n) => fitsWith(scenario, at(n)) !== undefined)
    if (units === undefined) return {target, reason: 'even a batch of one micro-batch does not fit'}
    if (units === high)
      return {
        target,
        exceeds: high * step,
        reason: `more than ${(high * step).toLocaleString('en-US')} sequences fit; the search stops there`,
      }
    return {target, value: units * step, result: compute({...scenario, ...at(units)})}
  }
  if (target === 'seq') {
    const step = p.cp
    const context = scenario.model.contextLength
    const cap = context ?? seqLimit
    const high = Math.max(1, Math.floor(cap / step))
    const units = bisectLargest(1, high, (n) => fitsWith(scenario, {seq: n * step}) !== undefined)
    if (units === undefined) return {target, reason: 'even a one-token sequence does not fit'}
    const result = compute({...scenario, seq: units * step})
    if (units === high && context !== undefined)
      return {
        target,
        value: units * step,
        result,
        limit: 'context',
        note: `the model's whole context (${context.toLocaleString('en-US')} tokens) fits; longer sequences exceed what it was trained for`,
      }
    if (units === high)
      return {
        target,
        exceeds: high * step,
        reason: `more than ${(high * step).toLocaleString('en-US')} tokens fit; the search stops there`,
      }
    return {target, value: units * step, result}
  }
  return solveDevices(scenario)
}

/** Whether a layout the solver tries is one the frameworks run (the checks readScenario makes). */
function validLayout(scenario: Scenario, p: Parallel): boolean {
  const {model} = scenario
  if (!splitsHeads(scenario, p.tp)) return false
  if (model.layers !== undefined && p.pp > model.layers) return false
  if (p.vpp > 1) {
    if (model.layers !== undefined && model.layers % (p.pp * p.vpp) !== 0) return false
    if (scenario.mode === 'training' && scenario.gradAccum % p.pp !== 0) return false
  }
  if (model.moe && (p.dp * p.cp * p.tp) % (p.ep * p.etp) !== 0) return false
  return p.dp * p.tp * p.pp * p.cp <= deviceLimit
}

/** `tp 2 × pp 3`: the degrees above 1. */
function layoutName(p: Parallel): string | undefined {
  const parts = (['dp', 'tp', 'pp'] as const)
    .filter((axis) => p[axis] > 1)
    .map((axis) => `${axis} ${p[axis]}`)
  return parts.length > 0 ? parts.join(' × ') : undefined
}

/**
 * Fewest devices among the layouts the frameworks run: tensor parallelism over
 * the head divisors within one 8-GPU node, any number of pipeline stages, and,
 * for training with ZeRO (which shards the model states over data-parallel
 * ranks), any number of data-parallel replicas (micro-batch kept). For each
 * tensor-parallel degree the smallest fitting degree of the other axis is
 * found by bisection (per-device memory only falls as it grows); ties go to the
 * layout with the smaller per-device total.
 */
function solveDevices(scenario: Scenario): Solved {
  const {model, parallel: p} = scenario
  const training = scenario.mode === 'training'
  const growData = training && p.zero >= 1
  const tps = [1, 2, 4, 8]
  const etpFor = (tp: number) => (p.etp === p.tp ? tp : p.etp)
  const maxStages = model.layers ?? 64
  let best: {parallel: Parallel; result: Result} | undefined
  const consider = (parallel: Parallel): boolean => {
    if (!validLayout(scenario, parallel)) return false
    const patch: Partial<Scenario> = {parallel}
    if (training) patch.batch = scenario.microBatch * scenario.gradAccum * parallel.dp
    const result = fitsWith(scenario, patch)
    if (!result) return false
    if (
      !best ||
      result.devices < best.result.devices ||
      (result.devices === best.result.devices &&
        result.perDevice.total < best.result.perDevice.total)
    )
      best = {parallel, result}
    return true
  }
  for (const tp of tps) {
    const base: Parallel = {...p, tp, etp: etpFor(tp)}
    if (!splitsHeads(scenario, tp)) continue
    if (growData) {
      // Stages as written (or none), data-parallel replicas grown one by one.
      const stageChoices = p.vpp > 1 ? [p.pp] : [...new Set([1, p.pp])]
      for (const pp of stageChoices) {
        const candidates: number[] = []
        for (let dp = 1; dp * tp * pp * p.cp <= deviceLimit; dp++) {
          if (validLayout(scenario, {...base, dp, pp})) candidates.push(dp)
        }
        const index = bisectFirst(candidates.length, (i) =>
          fitsOnly(scenario, {...base, dp: candidates[i] as number, pp}),
        )
        if (index !== undefined) consider({...base, dp: candidates[index] as number, pp})
      }
    } else {
      const candidates: number[] = []
      for (let pp = 1; pp <= maxStages; pp++) {
        if (validLayout(scenario, {...base, pp})) candidates.push(pp)
      }
      const index = bisectFirst(candidates.length, (i) =>
        fitsOnly(scenario, {...base, pp: candidates[i] as number}),
      )
      if (index !== undefined) consider({...base, pp: candidates[index] as number})
    }
  }
  const found = best as {parallel: Parallel; result: Result} | undefined
  if (!found)
    return {
      target: 'gpus',
      reason: `no layout up to ${deviceLimit.toLocaleString('en-US')} devices fits (tensor parallelism up to 8, any number of stages${growData ? ' or data-parallel replicas' : ''})`,
    }
  return {
    target: 'gpus',
    value: found.result.devices,
    axis: layoutName(found.parallel),
    result: found.result,
  }
}

/** Whether `tp` splits the attention heads, and splits or replicates the KV heads evenly. */
function splitsHeads(scenario: Scenario, tp: number): boolean {
  const {model} = scenario
  const kv = model.mla ? undefined : model.kvHeads
  if (model.heads !== undefined && model.heads % tp !== 0) return false
  return kv === undefined || kv % tp === 0 || tp % kv === 0
}

function fitsOnly(scenario: Scenario, parallel: Parallel): boolean {
  const patch: Partial<Scenario> = {parallel}
  if (scenario.mode === 'training')
    patch.batch = scenario.microBatch * scenario.gradAccum * parallel.dp
  return fitsWith(scenario, patch) !== undefined
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
