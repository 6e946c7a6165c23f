/**
 * The memory of adapter training on one device, row by row: the frozen base,
 * the adapter's weights, their gradients and optimizer states, activations
 * and buffers. Only the adapter trains (PEFT `mark_only_lora_as_trainable`):
 * the base has no gradient and no optimizer state.
 *
 * - Frozen base: 16-bit as loaded (LoRA), or bitsandbytes storage for every
 *   linear layer but the head (QLoRA `nf4`/`fp4`, LLM.int8() `int8`; see
 *   `bitsandbytes.ts`); embeddings, norms, biases and the head stay 16-bit
 *   (transformers `get_keys_to_not_convert` keeps the output layer).
 * - Adapter weights and gradients: T × the adapter dtype (PyTorch gradients
 *   have the parameter's dtype).
 * - Optimizer: the same per-parameter states as full training, over T; an
 *   fp32 master copy only for a 16-bit adapter under mixed precision (an fp32
 *   adapter is its own master). States are fp32 when the adapter or its master
 *   is, else 16-bit (PyTorch creates them like the parameter).
 */

import {buffersMemory, buffersSource} from '../../components/buffers.js'
import {kvCacheSource} from '../../components/kv-cache.js'
import {optimizerSource, optimizerStateBytes} from '../../components/optimizer.js'
import {weightsSource} from '../../components/weights.js'
import type {ParamGroup, ParamInventory} from '../../model/architecture.js'
import {type BnbFormat, bnbStorage} from '../../model/bitsandbytes.js'
import {bytesOf} from '../../model/dtypes.js'
import {absent, type ComponentMemory, tex} from '../../output/formula.js'
import {peft, qlora} from '../../output/sources.js'
import type {Adapter, ComponentKey, Formula, Scenario, Source} from '../../types.js'
import {adapterActivations} from './activations.js'
import {type LinearModule, layersOf, linearModules} from './modules.js'
import {adapterParams, moduleAdapterParams} from './trainable.js'

/** The bitsandbytes format of a base dtype, if it is one. */
export function bnbFormat(name: string): BnbFormat | undefined {
  if (name === 'nf4' || name === 'fp4') return '4bit'
  if (name === 'int8') return '8bit'
  return undefined
}

/** Instances of a group across the model. */
function instances(group: ParamGroup, inventory: ParamInventory): number {
  if (group.placement !== 'layer') return group.count
  const layers =
    group.layerKind === 'dense'
      ? inventory.denseLayers
      : group.layerKind === 'moe'
        ? inventory.moeLayers
        : inventory.denseLayers + inventory.moeLayers
  return group.count * layers
}

/** Bytes of the frozen base, and how many parameters bitsandbytes stores quantized. */
export function frozenBaseBytes(
  scenario: Pick<Scenario, 'dtype' | 'quantize'>,
  adapter: Pick<Adapter, 'doubleQuant'>,
  inventory: ParamInventory,
  modules: readonly LinearModule[],
): {bytes: number; quantized: number; rest: number; restBytes: number} {
  const format = bnbFormat(scenario.dtype.name)
  if (!format)
    return {
      bytes: bytesOf(inventory.total, scenario.dtype),
      quantized: 0,
      rest: inventory.total,
      restBytes: 0,
    }
  const linear = new Set(modules.flatMap((module) => module.groups))
  let bytes = 0
  let quantized = 0
  for (const group of inventory.groups) {
    const count = instances(group, inventory)
    const inScope =
      linear.has(group.name) &&
      group.shape !== undefined &&
      (scenario.quantize !== 'experts' || group.family === 'expert')
    if (inScope && group.shape) {
      const [rows, cols] = group.shape
      bytes += bnbStorage(rows, cols, format, adapter.doubleQuant).total * count
      quantized += group.elements * count
    } else {
      // Left in the 16-bit compute dtype.
      bytes += group.elements * count * 2
    }
  }
  const rest = inventory.total - quantized
  return {bytes, quantized, rest, restBytes: rest * 2}
}

/** Optimizer-state bytes of the adapter (master copy included). */
function adapterOptimizerBytes(
  scenario: Scenario,
  adapter: Adapter,
  trainable: number,
  inventory: ParamInventory,
): {bytes: number; formula: Formula} {
  const master = scenario.precision === 'mixed' && adapter.dtype.bits < 32 ? 4 : 0
  const wide = adapter.dtype.bits >= 32 || master > 0
  if (scenario.optimizer === 'adafactor') {
    // Factored second moment per matrix: lora_A (r × in) and lora_B (out × r) give rows + columns.
    let factored = 0
    for (const module of adapter.modules) {
      const per =
        adapter.rank +
        module.inFeatures +
        module.outFeatures +
        adapter.rank +
        (adapter.type === 'dora' ? module.outFeatures : 0)
      factored += per * module.count * layersOf(module, inventory)
    }
    return {
      bytes: factored * 4 + trainable * master,
      formula: {
        symbolic: `M_{optim} = F \\times 4${master ? ' + T \\times 4' : ''}`,
        substituted: `${tex(factored)} \\times 4${master ? ` + ${tex(trainable)} \\times 4` : ''}`,
      },
    }
  }
  const {bytes: states} = optimizerStateBytes({
    ...scenario,
    precision: wide ? 'mixed' : 'bf16',
  })
  const perParam = states + master
  return {
    bytes: Math.ceil(trainable * perParam),
    formula: {
      symbolic: 'M_{optim} = T \\times K',
      substituted: `${tex(trainable)} \\times ${tex(perParam)}`,
    },
  }
}

/** One row of an adapter run: a component's memory, with its own label and source. */
export interface AdapterComponent extends ComponentMemory {
  /** Label key suffix (`frozenWeights` → `component.frozenWeights`). */
  label?: string | undefined
  source: Source
}

export const adapterSource: Source = peft

/**
 * The components of a training scenario with `scenario.adapter`, keyed like
 * the engine's (`weights` is the frozen base, `adapter` the adapter's
 * weights), and the trainable count.
 */
export function adapterComponents(
  scenario: Scenario,
  inventory: ParamInventory,
): {components: Record<ComponentKey, AdapterComponent>; trainable: number} {
  const adapter = scenario.adapter as Adapter
  const modules = linearModules(scenario.model, inventory)
  const trainable = adapterParams(adapter, inventory)
  const base = frozenBaseBytes(scenario, adapter, inventory, modules)
  const format = bnbFormat(scenario.dtype.name)
  const a = adapter.dtype.bits / 8
  const optimizer = adapterOptimizerBytes(scenario, adapter, trainable, inventory)
  const activations = adapterActivations(scenario, adapter, inventory, modules)
  const perModule = adapter.modules
    .map(
      (module) =>
        `${module.name} ${moduleAdapterParams(module, adapter)}×${module.count * layersOf(module, inventory)}`,
    )
    .join(', ')
  const perTrainable = (name: string): Formula => ({
    symbolic: `${name} = T \\times ${tex(a)}`,
    substituted: `${tex(trainable)} \\times ${tex(a)}`,
  })
  const components: Record<ComponentKey, AdapterComponent> = {
    weights: {
      label: 'frozenWeights',
      bytes: base.bytes,
      formula: format
        ? {
            symbolic: `M_{base} = \\sum_{W} \\mathrm{bnb}_{${format === '4bit' ? '4' : '8'}}(W) + P_{16} \\times 2`,
            substituted: `${tex(base.bytes - base.restBytes)} + ${tex(base.rest)} \\times 2`,
          }
        : {
            symbolic: 'M_{base} = P \\times b',
            substituted: `${tex(inventory.total)} \\times ${tex(scenario.dtype.bits / 8)}`,
          },
      source: format ? qlora : weightsSource,
      note: format
        ? `${base.quantized} parameters of linear layers in bitsandbytes ${scenario.dtype.name} (${format === '4bit' ? `4-bit codes, one ${adapter.doubleQuant ? 'double-quantized' : 'fp32'} absmax per 64 weights` : 'int8 and one fp32 scale per row'}); embeddings, norms, biases and the head (${base.rest}) in 16-bit`
        : 'frozen: no gradients, no optimizer state',
    },
    adapter: {
      bytes: trainable * a,
      formula: perTrainable('M_{adapter}'),
      source: adapterSource,
      note: `T = ${trainable} (${adapter.type === 'dora' ? 'DoRA' : 'LoRA'} r = ${adapter.rank}: ${perModule}) in ${adapter.dtype.name}`,
    },
    gradients: {
      label: 'adapterGradients',
      bytes: trainable * a,
      formula: perTrainable('M_{grad}'),
      source: adapterSource,
      note: 'gradients of the adapter only; the base is frozen',
    },
    optimizer: {
      label: 'adapterOptimizer',
      bytes: optimizer.bytes,
      formula: optimizer.formula,
      source: optimizerSource,
      note: `${scenario.optimizer} over the adapter's ${trainable} parameters`,
    },
    activations: {
      label: 'adapterActivations',
      bytes: activations.bytes,
      formula: activations.formula,
      source: {
        title: 'transformers and PEFT forward passes, derived per saved tensor',
        short: 'transformers and PEFT',
        url: 'https://github.com/huggingface/peft',
      },
      note: activations.note,
      ...(activations.offloaded > 0 ? {offloaded: activations.offloaded} : {}),
    },
    kvCache: {...absent('M_{kv}'), source: kvCacheSource},
    buffers: {...buffersMemory(scenario), source: buffersSource},
  }
  return {components, trainable}
}
