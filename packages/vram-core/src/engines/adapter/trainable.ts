/**
 * The parameters an adapter trains, counted as PEFT's
 * `print_trainable_parameters()` counts them (`get_nb_trainable_parameters`:
 * the `numel()` of every parameter with `requires_grad`).
 *
 * LoRA on a linear layer `in → out` adds `lora_A` (r × in) and `lora_B`
 * (out × r): r·(in + out) parameters (Hu et al. 2021, §4.1; PEFT
 * `tuners/lora/layer.py` `update_layer`). DoRA adds the magnitude vector
 * `lora_magnitude_vector` of `out` elements (Liu et al. 2024; PEFT
 * `tuners/lora/dora.py`). PEFT's default `bias="none"` trains no bias.
 * Routed experts carry one adapter per expert.
 */
import type {ParamInventory} from '../../model/architecture.js'
import type {Adapter} from '../../types.js'
import {type LinearModule, layersOf} from './modules.js'

/** Trainable parameters of one adapted module instance. */
export function moduleAdapterParams(
  module: LinearModule,
  adapter: Pick<Adapter, 'rank' | 'type'>,
): number {
  return (
    adapter.rank * (module.inFeatures + module.outFeatures) +
    (adapter.type === 'dora' ? module.outFeatures : 0)
  )
}

/** All trainable parameters of the adapter across the model. */
export function adapterParams(
  adapter: Pick<Adapter, 'rank' | 'type' | 'modules'>,
  inventory: ParamInventory,
): number {
  let total = 0
  for (const module of adapter.modules) {
    total += moduleAdapterParams(module, adapter) * module.count * layersOf(module, inventory)
  }
  return total
}

/**
 * The three figures of PEFT's line `trainable params: T || all params: A ||
 * trainable%: 100·T/A`, where A is the base model plus the adapter. (PEFT
 * counts a 4-bit `Params4bit` as its unpacked size: `numel × 2 × itemsize`
 * of the storage dtype; before that fix a QLoRA model printed about half.)
 */
export function peftSummary(
  trainable: number,
  baseParams: number,
): {trainable: number; all: number; percent: number} {
  const all = baseParams + trainable
  return {trainable, all, percent: (100 * trainable) / all}
}
