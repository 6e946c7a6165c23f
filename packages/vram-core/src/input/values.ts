/**
 * The value lists of a block's keys, declared once (`as const`): the reader
 * checks against them, the schema enumerates them, and `types.ts` derives its
 * unions from them (`type Mode = (typeof modes)[number]`).
 */
export const modes = ['inference', 'training'] as const
export const precisions = ['mixed', 'bf16', 'fp32'] as const
export const optimizers = [
  'adamw',
  'adam',
  'adamw-8bit',
  'paged-adamw',
  'paged-adamw-8bit',
  'sgd',
  'sgd-momentum',
  'adafactor',
  'lion',
] as const
export const attentions = ['flash', 'eager'] as const
/** `offload`: full recomputation with each layer's saved input in CPU memory (Unsloth's offloaded checkpointing). */
export const recomputes = ['none', 'selective', 'full', 'offload'] as const
export const offloads = ['none', 'optimizer', 'params'] as const
export const unitNames = ['GB', 'GiB'] as const
export const showKinds = ['breakdown', 'formulas', 'summary', 'advice'] as const
export const solveTargets = ['batch', 'seq', 'gpus', 'ctx', 'layers'] as const
export const accountings = ['deepspeed', 'paper'] as const
/** `framework:`: whose conventions training memory follows (engines/framework/). */
export const frameworks = ['megatron', 'deepspeed', 'fsdp', 'transformers'] as const
/**
 * Which weights a sub-16-bit `dtype` applies to: `all` (the article's P × b),
 * `linear` (weight matrices of linear layers; embeddings, LM head, norms,
 * routers and biases stay bf16, as bitsandbytes/GPTQ/AWQ leave them) or
 * `experts` (routed-expert matrices only, as gpt-oss ships MXFP4).
 */
export const quantizeScopes = ['all', 'linear', 'experts'] as const
export const zeroStages = [0, 1, 2, 3] as const
export const serveEngines = ['vllm', 'llama.cpp', 'ollama', 'sglang'] as const
export const adapterTypes = ['lora', 'dora'] as const

export const parallelKeys = [
  'dp',
  'tp',
  'pp',
  'vpp',
  'ep',
  'etp',
  'cp',
  'sp',
  'zero',
  'offload',
] as const

export const adapterKeys = [
  'type',
  'rank',
  'alpha',
  'targets',
  'dropout',
  'dtype',
  'double_quant',
  'bnb_version',
] as const
