/**
 * PEFT's `target_modules`, resolved against a model's linear modules.
 *
 * - A list of names: a module is adapted when its name (the last component of
 *   its path) is in the list, as PEFT matches a list of strings
 *   (`check_target_module_exists`: the key ends with `.<name>`).
 * - `all-linear`: every `nn.Linear` / `Conv1D` except the output layer
 *   (PEFT `_maybe_include_all_linear_layers` removes
 *   `model.get_output_embeddings()`). Routers that are `nn.Linear` (Mixtral's
 *   `gate`, Qwen-MoE's `gate` and `shared_expert_gate`) are included, as PEFT
 *   includes them.
 * - `attention` / `mlp`: this project's shorthands for the attention
 *   projections, or the MLP (dense, expert and shared-expert) projections.
 * - No `targets`: PEFT's default for the model type
 *   (`TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING`: q/v for Llama,
 *   Mistral, Qwen, Gemma, Mixtral; `qkv_proj` for Phi-3; `c_attn` for GPT-2;
 *   `query_key_value` for GPT-NeoX).
 */
import type {LinearModule} from './modules.js'
import {moduleNames} from './modules.js'

export const targetKeywords = ['all-linear', 'attention', 'mlp'] as const

/** PEFT's default `target_modules` per `model_type` (peft/utils/constants.py). */
const defaultTargets: Record<string, readonly string[]> = {
  phi3: ['qkv_proj'],
  gpt2: ['c_attn'],
  gpt_bigcode: ['c_attn'],
  gpt_neox: ['query_key_value'],
}

/** The targets PEFT picks when `target_modules` is not given. */
export function defaultTargetsFor(modelType: string | undefined): readonly string[] {
  return defaultTargets[modelType ?? ''] ?? ['q_proj', 'v_proj']
}

export type Resolution =
  | {modules: LinearModule[]}
  | {
      /** Names the model lacks; `fusedInto`: the module that holds that matrix (Phi-3's `qkv_proj` for `q_proj`). */
      unknown: Array<{index: number; name: string; fusedInto?: string | undefined}>
      known: string[]
    }

/** The modules `targets` selects among `modules`, or the names that match none. */
export function resolveTargets(
  targets: readonly string[],
  modules: readonly LinearModule[],
): Resolution {
  const keyword = targets.length === 1 ? targets[0] : undefined
  if (keyword === 'all-linear') return {modules: [...modules]}
  if (keyword === 'attention')
    return {modules: modules.filter((module) => module.block === 'attention')}
  if (keyword === 'mlp') return {modules: modules.filter((module) => module.block === 'mlp')}
  const known = moduleNames(modules)
  const unknown = targets
    .map((name, index) => ({
      index,
      name,
      fusedInto: modules.find((module) => module.groups.some((group) => group.endsWith(`.${name}`)))
        ?.name,
    }))
    .filter((entry) => !known.includes(entry.name))
  if (unknown.length > 0) return {unknown, known}
  return {modules: modules.filter((module) => targets.includes(module.name))}
}
