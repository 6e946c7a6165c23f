import {own} from '../input/limits.js'
import type {BlockResult, Result, Solved, VaryCase} from '../types.js'
import {closest} from './diagnostics.js'
import {missingFields, valueLabel} from './evaluate.js'

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
    kv_tokens: (r) => {
      const serving = r.serving ?? r.engine
      return serving ? {kind: 'count', value: serving.kvCacheTokens} : undefined
    },
    max_concurrency: (r) => {
      const serving = r.serving ?? r.engine
      return serving ? {kind: 'factor', value: serving.maxConcurrency} : undefined
    },
    gpu_layers: (r) => (r.engine ? {kind: 'count', value: r.engine.gpuLayers} : undefined),
    compute_buffer: (r) =>
      r.engine ? {kind: 'bytes', value: r.engine.computeBufferBytes} : undefined,
    host: (r) => (r.host ? {kind: 'bytes', value: r.host.total} : undefined),
  }

/** Longer than any case labels plus a path (`70B.fp16.kv_cache`) a writer would type. */
const maxPathLength = 200

/** The paths an inline reference may end in. */
export const referencePaths = Object.keys(resultPaths)

/** One segment of a reference path; `quoted` when written `"4.85bpw"`. */
interface Segment {
  text: string
  quoted: boolean
}

/**
 * Splits `4.85bpw.total` or `"4.85bpw".total` at dots outside double quotes.
 * Returns `undefined` for an unbalanced quote.
 */
function splitPath(path: string): Segment[] | undefined {
  const segments: Segment[] = []
  let rest = path
  while (rest.length > 0) {
    if (rest.startsWith('"')) {
      const close = rest.indexOf('"', 1)
      if (close < 0) return undefined
      segments.push({text: rest.slice(1, close), quoted: true})
      rest = rest.slice(close + 1)
      if (rest.length > 0 && !rest.startsWith('.')) return undefined
      rest = rest.slice(1)
      continue
    }
    const dot = rest.indexOf('.')
    const text = dot < 0 ? rest : rest.slice(0, dot)
    if (text.includes('"')) return undefined
    if (text) segments.push({text, quoted: false})
    rest = dot < 0 ? '' : rest.slice(dot + 1)
  }
  return segments
}

/** A case label as a path segment: quoted when it holds a dot; `undefined` if it cannot be. */
export function labelSegment(label: string): string | undefined {
  if (/^[^."]+$/.test(label)) return label
  return label.includes('"') ? undefined : `"${label}"`
}

/** Names a case answers to for one swept key: its label and the value as written. */
function caseNames(entry: VaryCase, key: string): string[] {
  const names = [entry.labels[key], valueLabel(entry.vary[key])]
  return names
    .filter((name): name is string => name !== undefined)
    .map((name) => name.toLowerCase())
}

/**
 * Resolves `PATH` of `vram:ID.PATH` against a computed block. With `vary`,
 * the path starts with the swept values' labels (`vram:weights.70B.fp16.weights`),
 * a label holding a dot or a space quoted (`vram:q."4.85bpw".total`), or a
 * 0-based case index (`vram:plans.2.total`).
 */
export function resolveReference(
  block: BlockResult,
  path: string,
):
  | {value: ReferenceValue}
  | {
      error: string
      suggestion?: string | undefined
      /** A path that resolves in this block, for the suggestion (`"4.85bpw".total`). */
      example?: string | undefined
    } {
  // No path is this long: neither echo it nor search suggestions for it.
  if (path.length > maxPathLength)
    return {
      error: `A reference path of ${path.length} characters is not one vram knows`,
      suggestion: `use one of ${referencePaths.join(', ')}`,
    }
  const split = splitPath(path)
  if (!split) {
    return {
      error: `\`${path}\` has an unbalanced \`"\``,
      suggestion: 'quote a whole case label, e.g. `"4.85bpw".total`',
    }
  }
  let segments = split
  let result = block.result
  let solved = block.solved
  if (block.cases) {
    const keys = block.varyKeys ?? []
    let chosen = block.cases
    let consumed = 0
    for (const key of keys) {
      if (segments[consumed] === undefined) break
      // The longest run of unquoted segments that names a case (`4.85bpw` is two).
      let matched = 0
      let matching: VaryCase[] = []
      const most = segments[consumed]?.quoted ? 1 : segments.length - consumed
      for (let length = most; length > 0; length--) {
        const run = segments.slice(consumed, consumed + length)
        if (length > 1 && run.some((segment) => segment.quoted)) continue
        const name = run
          .map((segment) => segment.text)
          .join('.')
          .toLowerCase()
        matching = chosen.filter((entry) => caseNames(entry, key).includes(name))
        if (matching.length > 0) {
          matched = length
          break
        }
      }
      if (matched === 0) break
      chosen = matching
      consumed += matched
    }
    const first = segments[0]
    if (consumed === 0 && first && !first.quoted && /^\d+$/.test(first.text)) {
      const entry = block.cases[Number(first.text)]
      chosen = entry ? [entry] : []
      consumed = 1
    }
    if (chosen.length !== 1) {
      const example = `${casePath(block, keys)}.total`
      return {
        error: `\`${path}\` does not pick one case of the sweep`,
        suggestion: `start the path with a case, e.g. \`${example}\``,
        example,
      }
    }
    result = chosen[0]?.result
    solved = chosen[0]?.solved
    segments = segments.slice(consumed)
  }
  let name = segments.map((segment) => segment.text).join('.')
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
      error: `\`${path}\` needs the model's shape (${missingFields(result.missing)})`,
      suggestion: 'use a preset or give the model these fields',
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

/** A path prefix that picks `entry`: its labels (quoted where needed), or its index. */
function casePath(block: BlockResult, keys: readonly string[]): string {
  const entry = block.cases?.[0]
  if (!entry) return '0'
  const parts = keys.map((key) => labelSegment(entry.labels[key] ?? ''))
  const same = (block.cases ?? []).filter((other) =>
    keys.every((key) => other.labels[key]?.toLowerCase() === entry.labels[key]?.toLowerCase()),
  )
  return parts.every((part) => part) && same.length === 1 ? parts.join('.') : '0'
}
