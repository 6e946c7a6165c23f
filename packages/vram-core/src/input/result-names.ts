/**
 * The result vocabulary: every name a writer may use for a computed value,
 * and where that value lives in a `Result`. One table for `expect:`
 * (`expect: {kv_cache: 30 GB}`), inline references (`vram:ID.kv_cache`) and
 * `metric:` (the value a `vary` table and chart show); `measured:` will read
 * it too. Names are the writer's snake_case; the engine's camelCase keys
 * (`kvCache`) stay inside.
 */
import type {Metric, Result, Solved} from '../types.js'

/** What a value is, for parsing an expected value and formatting a reference. */
export type ResultKind = 'bytes' | 'count' | 'ratio' | 'factor' | 'boolean' | 'text'

/** A value as a result name reads it; the renderer formats it by `kind`. */
export type ResultValue =
  | {kind: 'bytes'; value: number}
  | {kind: 'count'; value: number}
  | {kind: 'ratio'; value: number}
  /** A multiple, written as vLLM logs concurrency: `5.73×`. */
  | {kind: 'factor'; value: number}
  | {kind: 'boolean'; value: boolean}
  | {kind: 'text'; value: string}

export interface ResultName {
  kind: ResultKind
  /** The value, or `undefined` when this result has none (no GPU, no adapter, not served). */
  read: (result: Result, solved?: Solved) => number | boolean | string | undefined
  /** `expect:` can check it (a number the writer can state). */
  expect?: true
  /** `metric:` can show it: the engine's key for it. */
  metric?: Metric
}

const perDevice = (key: Exclude<Metric, 'total' | 'params'>): ResultName => ({
  kind: 'bytes',
  read: (r) => r.perDevice[key],
  expect: true,
  metric: key,
})

/** Every result name, in the order messages list them. */
export const resultNames = {
  total: {kind: 'bytes', read: (r) => r.perDevice.total, expect: true, metric: 'total'},
  weights: perDevice('weights'),
  gradients: perDevice('gradients'),
  optimizer: perDevice('optimizer'),
  activations: perDevice('activations'),
  kv_cache: perDevice('kvCache'),
  buffers: perDevice('buffers'),
  params: {kind: 'count', read: (r) => r.model.params, expect: true, metric: 'params'},
  adapter: perDevice('adapter'),
  trainable_params: {kind: 'count', read: (r) => r.model.trainableParams, expect: true},
  // PEFT's `trainable%`: trainable over all parameters, the adapter's included.
  trainable_percent: {
    kind: 'ratio',
    read: (r) => {
      const trainable = r.model.trainableParams
      if (trainable === undefined) return undefined
      const all = r.scenario.adapter ? r.model.params + trainable : r.model.params
      return trainable / all
    },
  },
  active_params: {kind: 'count', read: (r) => r.model.activeParams},
  devices: {kind: 'count', read: (r) => r.devices},
  model: {kind: 'text', read: (r) => r.model.name},
  capacity: {kind: 'bytes', read: (r) => r.capacity},
  usable: {kind: 'bytes', read: (r) => r.usableCapacity},
  headroom: {
    kind: 'bytes',
    read: (r) =>
      r.usableCapacity === undefined ? undefined : r.usableCapacity - r.perDevice.total,
  },
  utilization: {
    kind: 'ratio',
    read: (r) => (r.capacity === undefined ? undefined : r.perDevice.total / r.capacity),
  },
  fits: {kind: 'boolean', read: (r) => r.fits},
  offloaded: {kind: 'bytes', read: (r) => r.offloaded},
  solved: {kind: 'count', read: (_r, s) => s?.value, expect: true},
  kv_tokens: {kind: 'count', read: (r) => (r.serving ?? r.engine)?.kvCacheTokens, expect: true},
  max_concurrency: {
    kind: 'factor',
    read: (r) => (r.serving ?? r.engine)?.maxConcurrency,
    expect: true,
  },
  gpu_layers: {kind: 'count', read: (r) => r.engine?.gpuLayers},
  compute_buffer: {kind: 'bytes', read: (r) => r.engine?.computeBufferBytes},
  host: {kind: 'bytes', read: (r) => r.host?.total},
} as const satisfies Record<string, ResultName>

export type ResultNameKey = keyof typeof resultNames

const names = Object.keys(resultNames) as ResultNameKey[]

/** Names `expect:` can check. */
export const expectNames: readonly ResultNameKey[] = names.filter(
  (name) => (resultNames[name] as ResultName).expect,
)

/** Names `metric:` can show. */
export const metricNames: readonly ResultNameKey[] = names.filter(
  (name) => (resultNames[name] as ResultName).metric !== undefined,
)

/**
 * The writer's name for an engine key: `kvCache` → `kv_cache` (`kvcache` too
 * with `ignoreCase`); other names as given.
 */
export function resultNameOf(key: string, options?: {ignoreCase?: boolean}): string {
  const same = options?.ignoreCase
    ? (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
    : (a: string, b: string) => a === b
  for (const name of names) {
    const metric = (resultNames[name] as ResultName).metric
    if (metric !== undefined && metric !== name && same(metric, key)) return name
  }
  return key
}

/** The value of `name` for `result` with its kind, or `undefined` when it has none. */
export function readResult(
  name: ResultNameKey,
  result: Result,
  solved?: Solved,
): ResultValue | undefined {
  const spec: ResultName = resultNames[name]
  const value = spec.read(result, solved)
  return value === undefined ? undefined : ({kind: spec.kind, value} as ResultValue)
}
