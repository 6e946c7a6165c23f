/**
 * The linear modules of a model as Hugging Face transformers builds them, under
 * the names PEFT's `target_modules` matches (the module's last name component).
 *
 * The parameter inventory names matrices the same way for every family
 * (`attn.q_proj`, `mlp.up_proj`, `experts.down_proj`); transformers' modeling
 * files do not: Phi-3 fuses q/k/v into `qkv_proj` and gate/up into
 * `gate_up_proj`, Mixtral calls its expert matrices `w1`/`w3`/`w2` and its
 * router `gate`, GPT-2 uses `Conv1D` layers `c_attn`/`c_proj`/`c_fc`, GPT-NeoX
 * `query_key_value`/`dense`/`dense_h_to_4h`/`dense_4h_to_h`. A fused module
 * gets one adapter (one `lora_A` over the shared input, one `lora_B` over the
 * concatenated output), so the trainable count depends on the fusion.
 *
 * Module layout follows transformers 4.x (`modeling_<family>.py`): every
 * routed expert is its own `nn.Linear` (Mixtral, Qwen-MoE, DeepSeek), and
 * gpt-oss keeps its experts as fused `nn.Parameter`s (not targetable by name).
 * DeepSeek's `MoEGate` holds a bare parameter, not an `nn.Linear`.
 */
import type {
  Architecture,
  LinearModule,
  ModuleBlock,
  ParamGroup,
  ParamInventory,
} from '../../model/architecture.js'

export type {LinearModule, ModuleBlock} from '../../model/architecture.js'

/** Inventory matrix → transformers leaf name, per naming convention. */
const defaultNames: Record<string, string> = {
  'attn.q_proj': 'q_proj',
  'attn.k_proj': 'k_proj',
  'attn.v_proj': 'v_proj',
  'attn.o_proj': 'o_proj',
  'attn.q_a_proj': 'q_a_proj',
  'attn.q_b_proj': 'q_b_proj',
  'attn.kv_a_proj_with_mqa': 'kv_a_proj_with_mqa',
  'attn.kv_b_proj': 'kv_b_proj',
  'mlp.gate_proj': 'gate_proj',
  'mlp.up_proj': 'up_proj',
  'mlp.down_proj': 'down_proj',
  'mlp.fc1': 'fc1',
  'mlp.fc2': 'fc2',
  router: 'gate',
  'experts.gate_proj': 'gate_proj',
  'experts.up_proj': 'up_proj',
  'experts.down_proj': 'down_proj',
  'experts.fc1': 'fc1',
  'experts.fc2': 'fc2',
  'shared_experts.gate_proj': 'gate_proj',
  'shared_experts.up_proj': 'up_proj',
  'shared_experts.down_proj': 'down_proj',
  shared_expert_gate: 'shared_expert_gate',
}

/** Per `model_type`: renamed or fused matrices, and matrices that are not `nn.Linear`. */
const familyNames: Record<string, {names?: Record<string, string>; notLinear?: string[]}> = {
  mixtral: {
    // modeling_mixtral.py: MixtralBlockSparseTop2MLP(w1, w2, w3); router `gate`.
    names: {'experts.gate_proj': 'w1', 'experts.up_proj': 'w3', 'experts.down_proj': 'w2'},
  },
  phi3: {
    // modeling_phi3.py: Phi3Attention.qkv_proj, Phi3MLP.gate_up_proj.
    names: {
      'attn.q_proj': 'qkv_proj',
      'attn.k_proj': 'qkv_proj',
      'attn.v_proj': 'qkv_proj',
      'mlp.gate_proj': 'gate_up_proj',
      'mlp.up_proj': 'gate_up_proj',
    },
  },
  gpt2: {
    // modeling_gpt2.py: Conv1D c_attn (q, k, v), c_proj (attention and MLP), c_fc.
    names: {
      'attn.q_proj': 'c_attn',
      'attn.k_proj': 'c_attn',
      'attn.v_proj': 'c_attn',
      'attn.o_proj': 'c_proj',
      'mlp.fc1': 'c_fc',
      'mlp.fc2': 'c_proj',
    },
  },
  gpt_neox: {
    names: {
      'attn.q_proj': 'query_key_value',
      'attn.k_proj': 'query_key_value',
      'attn.v_proj': 'query_key_value',
      'attn.o_proj': 'dense',
      'mlp.fc1': 'dense_h_to_4h',
      'mlp.fc2': 'dense_4h_to_h',
    },
  },
  gpt_oss: {
    // modeling_gpt_oss.py: GptOssExperts holds fused parameters; the router is `router`.
    names: {router: 'router'},
    notLinear: ['experts.gate_proj', 'experts.up_proj', 'experts.down_proj'],
  },
  // modeling_deepseek.py: MoEGate keeps `weight` as a bare nn.Parameter.
  deepseek_v2: {notLinear: ['router']},
  deepseek_v3: {notLinear: ['router']},
}
familyNames.gpt_bigcode = familyNames.gpt2 as (typeof familyNames)[string]

const blockOf = (group: ParamGroup): ModuleBlock =>
  group.family === 'router' ? 'router' : group.family === 'attention' ? 'attention' : 'mlp'

/**
 * The linear modules of `arch` (the LM head excluded: PEFT's `all-linear`
 * skips the output layer, and bitsandbytes leaves it unquantized), in layer
 * order. Empty for a model given only by `params`.
 */
export function linearModules(arch: Architecture, inventory: ParamInventory): LinearModule[] {
  if (inventory.given) return []
  const family = familyNames[arch.modelType ?? ''] ?? {}
  const names = {...defaultNames, ...family.names}
  const modules: LinearModule[] = []
  for (const group of inventory.groups) {
    if (group.placement !== 'layer' || !group.shape) continue
    const name = names[group.name]
    if (name === undefined || family.notLinear?.includes(group.name)) continue
    const [rows, cols] = group.shape
    const block = blockOf(group)
    const prefix = group.name.split('.')[0]
    const layerKind = group.layerKind ?? 'all'
    // Fused matrices share the input: one module, outputs concatenated.
    const fused = modules.find(
      (entry) =>
        entry.name === name &&
        entry.layerKind === layerKind &&
        entry.inFeatures === cols &&
        entry.groups.some((other) => other.split('.')[0] === prefix),
    )
    if (fused) {
      fused.outFeatures += rows
      fused.groups.push(group.name)
      continue
    }
    const experts = group.family === 'expert'
    modules.push({
      name,
      block,
      inFeatures: cols,
      outFeatures: rows,
      layerKind,
      count: group.count,
      activeCount: experts && arch.moe ? arch.moe.expertsPerToken : group.count,
      groups: [group.name],
    })
  }
  return modules
}

/** Carrying layers of a module. */
export function layersOf(module: LinearModule, inventory: ParamInventory): number {
  return module.layerKind === 'dense'
    ? inventory.denseLayers
    : module.layerKind === 'moe'
      ? inventory.moeLayers
      : inventory.denseLayers + inventory.moeLayers
}

/** The distinct PEFT names of a model's linear modules, in first-seen order. */
export function moduleNames(modules: readonly LinearModule[]): string[] {
  return [...new Set(modules.map((module) => module.name))]
}
