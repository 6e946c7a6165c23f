/**
 * Engines other than vLLM: llama.cpp, Ollama (which runs llama.cpp and decides
 * the layer split itself) and SGLang. `serve: {engine: …}` picks one; each
 * reads its own setting names and computes its budget as the engine does.
 */

import {fitsHost, hostMemory} from '../components/host/memory.js'
import {type Diagnostic, display} from '../output/diagnostics.js'
import type {Component, Dtype, Result, Scenario} from '../types.js'
import {llamaCppBudget} from './llama-cpp/budget.js'
import {
  type EngineContext,
  type LlamaCppSettings,
  llamaCppKeys,
  readLlamaCpp,
} from './llama-cpp/settings.js'
import {ollamaBudget} from './ollama/fit.js'
import {type OllamaSettings, ollamaKeys, readOllama} from './ollama/settings.js'
import {sglangBudget} from './sglang/budget.js'
import {readSglang, type SglangSettings, sglangKeys} from './sglang/settings.js'
import type {EngineBudget, LocalEngine} from './types.js'

export type EngineSettings = LlamaCppSettings | OllamaSettings | SglangSettings

/** Setting names per engine, for `vary: {serve.X: …}` and completion. */
export const engineKeys: Record<LocalEngine, readonly string[]> = {
  'llama.cpp': llamaCppKeys,
  ollama: ollamaKeys,
  sglang: sglangKeys,
}

/** The engine a `serve` mapping names, when it is one of these (`llama-cpp`, `llamacpp` too). */
export function localEngine(raw: unknown): LocalEngine | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined
  const value = (raw as Record<string, unknown>).engine
  if (value === undefined || value === null) return undefined
  const name = display(value).trim().toLowerCase().replace(/[-_ ]/g, '')
  if (name === 'llama.cpp' || name === 'llamacpp' || name === 'llamaserver') return 'llama.cpp'
  if (name === 'ollama') return 'ollama'
  if (name === 'sglang') return 'sglang'
  return undefined
}

/** Reads `serve:` for a local engine; diagnostics under `serve`. */
export function readEngine(
  raw: Record<string, unknown>,
  context: EngineContext & {weights: Dtype},
  out: Diagnostic[],
): EngineSettings | undefined {
  const engine = localEngine(raw)
  if (engine === 'llama.cpp') return readLlamaCpp(raw, context, out)
  if (engine === 'ollama') return readOllama(raw, context, out)
  if (engine === 'sglang') return readSglang(raw, context, out)
  return undefined
}

/** The engine's budget for a computed inference result. */
export function engineBudget(scenario: Scenario, result: Result): EngineBudget {
  const settings = scenario.engine as EngineSettings
  if (settings.engine === 'sglang') return sglangBudget(scenario, result, settings)
  const unified = scenario.gpu?.memory === 'unified'
  if (settings.engine === 'ollama') return ollamaBudget(scenario, settings as OllamaSettings)
  return llamaCppBudget(scenario.model, scenario.dtype, settings, unified)
}

/**
 * The result as the engine lays memory out: on the GPU its weights, KV cache
 * and compute buffer; what stays on the CPU in `host`.
 */
export function withEngine(result: Result): Result {
  const scenario = result.scenario
  if (!scenario.engine) return result
  const budget = engineBudget(scenario, result)
  const term = (key: string) => budget.terms.find((entry) => entry.key === key)
  const gpu = (key: string) => term(key)?.gpu ?? 0
  const host = (key: string) => term(key)?.host ?? 0
  const buffers = gpu('compute') + gpu('reserve')
  const perDevice = {
    ...result.perDevice,
    weights: gpu('weights'),
    activations: gpu('activations'),
    kvCache: gpu('kvCache'),
    buffers,
  }
  perDevice.total =
    perDevice.weights +
    perDevice.gradients +
    perDevice.optimizer +
    perDevice.activations +
    perDevice.kvCache +
    perDevice.buffers
  const hostBytes = hostMemory({
    weights: host('weights'),
    kvCache: host('kvCache'),
    buffers: host('compute') + host('reserve'),
  })
  const components: Component[] = budget.terms.map((entry) => ({
    key:
      entry.key === 'compute' || entry.key === 'reserve'
        ? 'buffers'
        : (entry.key as Component['key']),
    ...(entry.key === 'compute' ? {label: 'computeBuffer'} : {}),
    ...(entry.key === 'reserve' ? {label: 'engineReserve'} : {}),
    bytes: entry.gpu,
    host: entry.host,
    formula: entry.formula,
    source: entry.source,
    note: entry.note,
  }))
  const usableCapacity = budget.gpuBudgetBytes ?? result.usableCapacity
  const fitsGpu = usableCapacity === undefined ? undefined : perDevice.total <= usableCapacity
  return {
    ...result,
    perDevice,
    components,
    host: hostBytes,
    ...(usableCapacity === undefined ? {} : {usableCapacity}),
    fits:
      budget.error !== undefined
        ? false
        : fitsGpu === undefined
          ? undefined
          : fitsGpu && fitsHost(hostBytes, scenario.hostMemory),
    engine: budget,
  }
}

/** The JSON `serving` object for an engine's budget (spec §8's fixed names first). */
export function engineJson(budget: EngineBudget): Record<string, unknown> {
  return {
    engine: budget.engine,
    kvCacheBytes: budget.kvCacheBytes,
    kvCacheTokens: budget.kvCacheTokens,
    maxConcurrency: budget.maxConcurrency,
    computeBufferBytes: budget.computeBufferBytes,
    gpuLayers: budget.gpuLayers,
    layers: budget.layers,
    hostComputeBytes: budget.hostComputeBytes,
    ...(budget.ollama ? {ollama: budget.ollama} : {}),
    settings: budget.named,
    ...(budget.error ? {error: budget.error} : {}),
  }
}
