import {hostJson, usesHost} from '../components/host/memory.js'
import {engineJson} from '../engines/index.js'
import {servingJson} from '../engines/serving/contract.js'
import type {BlockResult, Result, Solved, VaryCase} from '../types.js'

/** The JSON object of spec §5 for one result. */
function resultJson(result: Result, solved?: Solved) {
  // Only the components the result has (`adapter` with an adapter), in their order.
  const perDevice: Record<string, number | null> = {}
  for (const [key, bytes] of Object.entries(result.perDevice)) {
    if (bytes !== undefined) perDevice[key] = bytes
  }
  const missing = result.missing
  if (missing) {
    // A component that could not be computed is unknown, not 0, and so is the total.
    for (const key of Object.keys(missing)) perDevice[key] = null
    perDevice.total = null
    if (perDevice.allocatedPeak !== undefined) perDevice.allocatedPeak = null
  }
  const out: Record<string, unknown> = {
    model: {
      id: result.model.id,
      params: result.model.params,
      ...(result.model.trainableParams === undefined
        ? {}
        : {trainableParams: result.model.trainableParams}),
    },
    devices: result.devices,
    perDevice,
  }
  if (missing) out.missing = {...missing}
  if (result.capacity !== undefined) {
    out.capacity = result.capacity
    out.fits = result.fits ?? null
  }
  // What stays in host RAM (spec §8), whenever anything does or the block gives `host_memory`.
  if (result.host && (usesHost(result.host) || result.hostCapacity !== undefined)) {
    out.host = hostJson(result.host)
    if (result.hostCapacity !== undefined) out.hostCapacity = result.hostCapacity
    // Without a GPU, `fits` is the host's verdict alone.
    if (result.capacity === undefined && result.hostCapacity !== undefined)
      out.fits = result.host.total <= result.hostCapacity
  }
  // `null` says nothing fits (or the search stopped); `reason` says which, and `note` why a value is a bound.
  if (solved)
    out.solved = {
      [solved.target]: solved.value ?? null,
      ...(solved.value === undefined && solved.reason !== undefined ? {reason: solved.reason} : {}),
      ...(solved.note === undefined ? {} : {note: solved.note}),
    }
  if (result.serving) out.serving = servingJson(result.serving)
  if (result.engine) out.serving = engineJson(result.engine)
  return out
}

/**
 * `vram calc --json`: the fixed contract of spec §5. Without `vary`, one object;
 * with `vary`, `{scenarios: [...]}` with each case's swept values.
 */
export function toContractJson(block: BlockResult): Record<string, unknown> {
  if (block.cases) {
    return {
      scenarios: block.cases.map((entry: VaryCase) => ({
        ...resultJson(entry.result, entry.solved),
        vary: entry.vary,
      })),
    }
  }
  const out = resultJson(block.result as Result, block.solved)
  const measured = block.measured
  // Spec §8: the measured figure under its own name (`total`, `kv_cache`) and computed / measured.
  if (measured)
    out.measured = {
      [measured.key]: measured.measured,
      ratio: measured.ratio,
      tolerance: measured.tolerance,
      ...(measured.how === undefined ? {} : {how: measured.how}),
      ...(measured.source === undefined ? {} : {source: measured.source}),
    }
  return out
}
