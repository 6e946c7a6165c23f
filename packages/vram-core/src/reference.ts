import {closest} from './diagnostics.js'
import {own} from './limits.js'
import type {BlockResult, Result, Solved} from './types.js'

/** What an inline reference resolves to; the renderer formats it. */
export type ReferenceValue =
  | {kind: 'bytes'; value: number}
  | {kind: 'count'; value: number}
  | {kind: 'ratio'; value: number}
  /** A multiple, written as vLLM logs concurrency: `5.73×`. */
  | {kind: 'factor'; value: number}
  | {kind: 'boolean'; value: boolean}
  | {kind: 'text'; value: string}

const resultPaths: Record<string, (result: Result, solved?: Solved) => ReferenceValue | undefined> =
  {
    total: (r) => ({kind: 'bytes', value: r.perDevice.total}),
    weights: (r) => ({kind: 'bytes', value: r.perDevice.weights}),
    gradients: (r) => ({kind: 'bytes', value: r.perDevice.gradients}),
    optimizer: (r) => ({kind: 'bytes', value: r.perDevice.optimizer}),
    activations: (r) => ({kind: 'bytes', value: r.perDevice.activations}),
    kv_cache: (r) => ({kind: 'bytes', value: r.perDevice.kvCache}),
    buffers: (r) => ({kind: 'bytes', value: r.perDevice.buffers}),
    params: (r) => ({kind: 'count', value: r.model.params}),
    adapter: (r) =>
      r.perDevice.adapter === undefined ? undefined : {kind: 'bytes', value: r.perDevice.adapter},
    trainable_params: (r) =>
      r.model.trainableParams === undefined
        ? undefined
        : {kind: 'count', value: r.model.trainableParams},
    // PEFT's `trainable%`: trainable over all parameters, the adapter's included.
    trainable_percent: (r) => {
      const trainable = r.model.trainableParams
      if (trainable === undefined) return undefined
      const all = r.scenario.adapter ? r.model.params + trainable : r.model.params
      return {kind: 'ratio', value: trainable / all}
    },
    active_params: (r) => ({kind: 'count', value: r.model.activeParams}),
    devices: (r) => ({kind: 'count', value: r.devices}),
    model: (r) => ({kind: 'text', value: r.model.name}),
    capacity: (r) => (r.capacity === undefined ? undefined : {kind: 'bytes', value: r.capacity}),
    usable: (r) =>
      r.usableCapacity === undefined ? undefined : {kind: 'bytes', value: r.usableCapacity},
    headroom: (r) =>
      r.usableCapacity === undefined
        ? undefined
        : {kind: 'bytes', value: r.usableCapacity - r.perDevice.total},
    utilization: (r) =>
      r.capacity === undefined ? undefined : {kind: 'ratio', value: r.perDevice.total / r.capacity},
    fits: (r) => (r.fits === undefined ? undefined : {kind: 'boolean', value: r.fits}),
    offloaded: (r) => ({kind: 'bytes', value: r.offloaded}),
    solved: (_r, s) => (s?.value === undefined ? undefined : {kind: 'count', value: s.value}),
    kv_tokens: (r) => (r.serving ? {kind: 'count', value: r.serving.kvCacheTokens} : undefined),
    max_concurrency: (r) =>
      r.serving ? {kind: 'factor', value: r.serving.maxConcurrency} : undefined,
  }

/** Longer than any case labels plus a path (`70B.fp16.kv_cache`) a writer would type. */
const maxPathLength = 200

/** The paths an inline reference may end in. */
export const referencePaths = Object.keys(resultPaths)

/**
 * Resolves `PATH` of `vram:ID.PATH` against a computed block. With `vary`,
 * the path starts with the swept values' labels (`vram:weights.70B.fp16.weights`)
 * or a 0-based case index (`vram:plans.2.total`).
 */
export function resolveReference(
  block: BlockResult,
  path: string,
): {value: ReferenceValue} | {error: string; suggestion?: string | undefined} {
  // No path is this long: neither echo it nor search suggestions for it.
  if (path.length > maxPathLength)
    return {
      error: `A reference path of ${path.length} characters is not one vram knows`,
      suggestion: `use one of ${referencePaths.join(', ')}`,
    }
  const segments = path.split('.').filter(Boolean)
  let result = block.result
  let solved = block.solved
  if (block.cases) {
    const keys = block.varyKeys ?? []
    let chosen = block.cases
    let consumed = 0
    for (const key of keys) {
      const segment = segments[consumed]
      if (segment === undefined) break
      const matching = chosen.filter(
        (entry) => entry.labels[key]?.toLowerCase() === segment.toLowerCase(),
      )
      if (matching.length === 0) break
      chosen = matching
      consumed++
    }
    if (consumed === 0 && segments[0] !== undefined && /^\d+$/.test(segments[0])) {
      const entry = block.cases[Number(segments[0])]
      chosen = entry ? [entry] : []
      consumed = 1
    }
    if (chosen.length !== 1) {
      const labels = block.cases.map((entry) => Object.values(entry.labels).join('.'))
      return {
        error: `\`${path}\` does not pick one case of the sweep`,
        suggestion: `start the path with a case, e.g. \`${labels[0] ?? '0'}.total\``,
      }
    }
    result = chosen[0]?.result
    solved = chosen[0]?.solved
    segments.splice(0, consumed)
  }
  let name = segments.join('.')
  if (name === 'kvCache') name = 'kv_cache'
  if (name.startsWith('solved.')) name = 'solved'
  const read = own(resultPaths, name)
  if (!read || !result) {
    const guess = closest(name, referencePaths)
    return {
      error: `Unknown reference path \`${path}\``,
      suggestion: guess ? `did you mean \`${guess}\`?` : `use one of ${referencePaths.join(', ')}`,
    }
  }
  const shapeBound = ['total', 'activations', 'kv_cache', 'headroom', 'utilization', 'fits']
  if (result.missing && shapeBound.includes(name)) {
    return {
      error: `\`${path}\` needs the model's shape (layers, hidden, heads, ...)`,
      suggestion: 'use a preset or give the model its shape',
    }
  }
  const value = read(result, solved)
  if (!value)
    return {
      error: `\`${path}\` has no value in this block`,
      suggestion:
        name === 'solved'
          ? 'add `solve:` to the block'
          : name === 'kv_tokens' || name === 'max_concurrency'
            ? 'add `serve: {engine: vllm}` and a `gpu:` to the block'
            : name.startsWith('trainable') || name === 'adapter'
              ? 'add `mode: training` (and `adapter:` for LoRA/QLoRA) to the block'
              : 'add `gpu:` to the block',
    }
  return {value}
}
