/**
 * Memory per device: each component's module computes its share on every
 * pipeline stage; `compute` reports the most loaded stage.
 */

import {adapterComponents, adapterSource} from '../engines/adapter/memory.js'
import {withEngine} from '../engines/index.js'
import {withServing} from '../engines/serving/vllm.js'
import type {ParamInventory} from '../model/architecture.js'
import {ggufSource, isGgufWeights} from '../model/gguf.js'
import {paramInventory} from '../model/params.js'
import {VramInputError} from '../output/diagnostics.js'
import {absent, type ComponentMemory} from '../output/formula.js'
import type {
  Component,
  ComponentKey,
  HostMemory,
  PerDevice,
  Result,
  Scenario,
  Source,
} from '../types.js'
import {activationsMemory, activationsSource} from './activations.js'
import {buffersMemory, buffersSource} from './buffers.js'
import {gradientsMemory, gradientsSource} from './gradients.js'
import {fitsHost, hostMemory} from './host/memory.js'
import {kvCacheMemory, kvCacheSource} from './kv-cache.js'
import {deviceCount, pipelineStages, type Stage} from './layout.js'
import {stageParams} from './model-states.js'
import {optimizerMemory, optimizerSource} from './optimizer.js'
import {weightsMemory, weightsSource} from './weights.js'
import {zero3Gather} from './zero3-gather.js'

export {tex} from '../output/formula.js'
export {deviceCount} from './layout.js'

/** The source each component's formula follows (each component's module owns its own). */
export const sources: Record<ComponentKey, Source> = {
  weights: weightsSource,
  adapter: adapterSource,
  gradients: gradientsSource,
  optimizer: optimizerSource,
  activations: activationsSource,
  kvCache: kvCacheSource,
  buffers: buffersSource,
}

/** A component's memory; an adapter run's rows carry their own label and source. */
type StageComponent = ComponentMemory & {label?: string | undefined; source?: Source | undefined}

interface StageMemory {
  stage: Stage
  components: Record<ComponentKey, StageComponent>
  perDevice: PerDevice
  offloaded: number
  /** The same offloaded bytes, per host key. */
  host: HostMemory
  /** Parameters the optimizer updates (an adapter's, or all of them). */
  trainable: number
}

/** Memory of one device on the given pipeline stage. */
function stageMemory(
  scenario: Scenario,
  inventory: ParamInventory,
  stage: Stage,
  stages: number,
  missing: Map<ComponentKey, string[]> | undefined,
): StageMemory {
  const training = scenario.mode === 'training'
  if (scenario.adapter) {
    // A frozen base with an adapter: its own rows (adapter/memory.ts); one device or DDP replicas.
    const {components, trainable} = adapterComponents(scenario, inventory)
    return summed(stage, components, trainable, true)
  }
  const params = stageParams(scenario, inventory, stage, stages)
  const gather = zero3Gather(scenario, params.shares, inventory.given === true)
  const components: Record<ComponentKey, StageComponent> = {
    // A GGUF file's weights cite llama.cpp, whose quantizer decides them.
    weights: {
      ...weightsMemory(scenario, params, gather),
      ...(isGgufWeights(scenario.dtype) ? {source: ggufSource} : {}),
    },
    adapter: absent('M_{adapter}'),
    gradients: gradientsMemory(scenario, params, gather),
    optimizer: optimizerMemory(scenario, params),
    activations: training
      ? partially(missing, 'activations', () => activationsMemory(scenario, stage))
      : absent('M_{act}'),
    kvCache: training
      ? absent('M_{kv}')
      : partially(missing, 'kvCache', () => kvCacheMemory(scenario, stage)),
    buffers: buffersMemory(scenario),
  }
  return summed(stage, components, inventory.total, false)
}

/** Per-device bytes and the total of one stage's components. */
function summed(
  stage: Stage,
  components: Record<ComponentKey, StageComponent>,
  trainable: number,
  adapter: boolean,
): StageMemory {
  const bytes = (key: ComponentKey) => components[key].bytes
  const perDevice: PerDevice = {
    weights: bytes('weights'),
    ...(adapter ? {adapter: bytes('adapter')} : {}),
    gradients: bytes('gradients'),
    optimizer: bytes('optimizer'),
    activations: bytes('activations'),
    kvCache: bytes('kvCache'),
    buffers: bytes('buffers'),
    total: componentOrder.reduce((sum, key) => sum + bytes(key), 0),
  }
  const offloaded = componentOrder.reduce((sum, key) => sum + (components[key].offloaded ?? 0), 0)
  const away = (key: ComponentKey) => components[key].offloaded ?? 0
  // Activation checkpoints kept in pinned CPU memory count as host buffers.
  const host = hostMemory({
    weights: away('weights') + away('adapter'),
    optimizer: away('optimizer'),
    gradients: away('gradients'),
    kvCache: away('kvCache'),
    buffers: away('activations') + away('buffers'),
  })
  return {stage, components, perDevice, offloaded, host, trainable}
}

/**
 * Runs a shape-dependent component. With `missing` (a partial computation), a
 * model without the shape records the missing fields instead of failing, and
 * the component counts 0.
 */
function partially(
  missing: Map<ComponentKey, string[]> | undefined,
  key: ComponentKey,
  run: () => ComponentMemory,
): ComponentMemory {
  try {
    return run()
  } catch (error) {
    if (!missing || !(error instanceof VramInputError)) throw error
    missing.set(key, [...new Set(error.diagnostics.flatMap((entry) => entry.fields ?? []))])
    return absent(key === 'kvCache' ? 'M_{kv}' : 'M_{act}')
  }
}

const componentOrder: readonly ComponentKey[] = [
  'weights',
  'adapter',
  'optimizer',
  'gradients',
  'activations',
  'kvCache',
  'buffers',
]

/** Components that apply to a mode, in the article's table order (`adapter` with an adapter). */
export function componentsFor(mode: Scenario['mode'], adapter = false): ComponentKey[] {
  return mode === 'training'
    ? componentOrder.filter((key) => key !== 'kvCache' && (adapter || key !== 'adapter'))
    : ['weights', 'kvCache', 'buffers']
}

/**
 * Memory per device for the most loaded device. Throws `VramInputError` when
 * the scenario lacks what a component needs.
 */
export function compute(scenario: Scenario, options: {partial?: boolean} = {}): Result {
  const inventory = paramInventory(scenario.model)
  const stages = pipelineStages(
    scenario.model,
    inventory,
    scenario.parallel.pp,
    scenario.parallel.vpp,
  )
  const missing = options.partial ? new Map<ComponentKey, string[]>() : undefined
  let worst: StageMemory | undefined
  const perStage: PerDevice[] = []
  for (const stage of stages) {
    const memory = stageMemory(scenario, inventory, stage, stages.length, missing)
    perStage.push(memory.perDevice)
    if (!worst || memory.perDevice.total > worst.perDevice.total) worst = memory
  }
  const memory = worst as StageMemory
  const components: Component[] = componentsFor(scenario.mode, !!scenario.adapter).map((key) => ({
    key,
    ...(memory.components[key].label ? {label: memory.components[key].label} : {}),
    bytes: memory.components[key].bytes,
    formula: memory.components[key].formula,
    source: memory.components[key].source ?? sources[key],
    note: memory.components[key].note,
  }))
  const result: Result = {
    scenario,
    model: {
      id: scenario.model.id,
      name: scenario.model.name,
      params: inventory.total,
      activeParams: inventory.active,
      ...(scenario.mode === 'training' ? {trainableParams: memory.trainable} : {}),
    },
    inventory,
    devices: deviceCount(scenario),
    stage: memory.stage.index,
    stages: perStage,
    perDevice: memory.perDevice,
    components,
    offloaded: memory.offloaded,
    host: memory.host,
    ...(scenario.hostMemory === undefined ? {} : {hostCapacity: scenario.hostMemory}),
  }
  if (missing && missing.size > 0) result.missing = Object.fromEntries(missing)
  if (scenario.gpu) {
    result.capacity = scenario.gpu.capacity
    result.usableCapacity = Math.floor(scenario.gpu.capacity * scenario.usable)
    // A total that leaves components out cannot say whether the job fits.
    if (!result.missing)
      result.fits =
        memory.perDevice.total <= result.usableCapacity &&
        fitsHost(memory.host, scenario.hostMemory)
  }
  // With `serve:`, the engine's own budget decides the KV cache (serving/vllm.ts).
  if (scenario.engine) return withEngine(result)
  return scenario.serve ? withServing(result) : result
}
