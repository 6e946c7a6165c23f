/**
 * Activations of a full fine-tune as transformers' modeling code saves them:
 * the same per-tensor accounting as an adapter run on a frozen base
 * (`adapter/activations.ts`), with every weight trained, so a framework's
 * full, LoRA and QLoRA runs are counted alike. Differences from Megatron-LM's
 * fused layers (Korthikanti et al.): RMSNorm upcasts its input to fp32, the
 * gated MLP keeps the activation's output as well as its inputs, and the loss
 * upcasts the logits to fp32.
 */

import type {ParamInventory} from '../../model/architecture.js'
import type {ComponentMemory} from '../../output/formula.js'
import type {Adapter, Scenario, Source} from '../../types.js'
import {adapterActivations} from '../adapter/activations.js'
import {linearModules} from '../adapter/modules.js'

export const transformersActivationsSource: Source = {
  title:
    'transformers modeling code (LlamaRMSNorm, LlamaMLP, sdpa/flash attention, ForCausalLMLoss), derived per saved tensor',
  short: 'transformers',
  url: 'https://github.com/huggingface/transformers/blob/main/src/transformers/models/llama/modeling_llama.py',
}

/** No adapter: the full fine-tune trains the base itself. */
function noAdapter(scenario: Scenario): Adapter {
  return {
    type: 'lora',
    rank: 0,
    alpha: 0,
    targets: [],
    modules: [],
    dtype: scenario.dtype,
    dropout: 0,
    doubleQuant: false,
  }
}

export function transformersFullActivations(
  scenario: Scenario,
  inventory: ParamInventory,
): ComponentMemory & {source: Source} {
  const modules = linearModules(scenario.model, inventory)
  const {bytes, formula, note, offloaded} = adapterActivations(
    scenario,
    noAdapter(scenario),
    inventory,
    modules,
    true,
  )
  return {
    bytes,
    formula,
    note,
    source: transformersActivationsSource,
    ...(offloaded > 0 ? {offloaded} : {}),
  }
}
