import type {BlockResult, Result, Solved, VaryCase} from './types.js'

/** The JSON object of spec §5 for one result. */
function resultJson(result: Result, solved?: Solved) {
  const out: Record<string, unknown> = {
    model: {
      id: result.model.id,
      params: result.model.params,
      ...(result.model.trainableParams === undefined
        ? {}
        : {trainableParams: result.model.trainableParams}),
    },
    devices: result.devices,
    perDevice: {...result.perDevice},
  }
  if (result.capacity !== undefined) {
    out.capacity = result.capacity
    out.fits = result.fits
  }
  if (solved) out.solved = {[solved.target]: solved.value ?? null}
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
  return resultJson(block.result as Result, block.solved)
}
