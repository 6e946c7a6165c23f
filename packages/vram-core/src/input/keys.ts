/**
 * The declaration of a `vram` block: every top-level key with its group, its
 * values, default and notes (the words of the README's key table, which is
 * generated from here: test/readme.test.ts fails when they drift), the JSON
 * Schema of its value (`vram schema`, editors, the playground's completion)
 * and the engine or framework it belongs to. The value lists are declared
 * once, `as const`; the types in `types.ts` are derived from them.
 *
 * The schema is plain JSON Schema (draft 2020-12, the dialect spec §8 names
 * and editors read): no schema library is bundled into the browser build for
 * it, and the reader keeps its positioned diagnostics.
 */
import {limits} from './limits.js'
import {metricNames} from './result-names.js'
import {
  accountings,
  adapterTypes,
  attentions,
  frameworks,
  modes,
  offloads,
  optimizers,
  precisions,
  quantizeScopes,
  recomputes,
  serveEngines,
  showKinds,
  solveTargets,
  unitNames,
  zeroStages,
} from './values.js'

export {
  accountings,
  adapterKeys,
  adapterTypes,
  attentions,
  frameworks,
  modes,
  offloads,
  optimizers,
  parallelKeys,
  precisions,
  quantizeScopes,
  recomputes,
  serveEngines,
  showKinds,
  solveTargets,
  unitNames,
  zeroStages,
} from './values.js'

/** A JSON Schema (draft 2020-12) fragment. */
export type JsonSchema = {readonly [keyword: string]: unknown}

/** A setting of `serve:` under its engine's own name. */
export interface ServeKey {
  /** What it sets, in the engine's words. */
  doc: string
  schema: JsonSchema
  /** The engine's default, where it is a constant. */
  default?: number | undefined
  /** The diagnostic of a value the engine would refuse, and its suggestion. */
  invalid?: {message: string; suggestion: string} | undefined
}

const fraction: JsonSchema = {
  anyOf: [{type: 'number', exclusiveMinimum: 0, maximum: 1}, {type: 'string'}],
}
const positive: JsonSchema = {anyOf: [{type: 'integer', minimum: 1}, {type: 'string'}]}
const flag: JsonSchema = {type: ['boolean', 'integer', 'string']}

/** vLLM's settings a `serve:` block takes, under vLLM's names (vllm/engine/arg_utils.py). */
export const serveKeys = {
  engine: {doc: 'the serving engine', schema: {enum: serveEngines}},
  gpu_memory_utilization: {
    doc: '`--gpu-memory-utilization`: the fraction of the CUDA-visible total vLLM may use',
    schema: fraction,
    default: 0.9,
    invalid: {
      message: '`gpu_memory_utilization` must be a fraction between 0 and 1',
      suggestion: 'vLLM’s default is `0.9`',
    },
  },
  max_model_len: {doc: '`--max-model-len`: tokens per request', schema: positive},
  max_num_seqs: {doc: '`--max-num-seqs`: requests per step', schema: positive},
  max_num_batched_tokens: {doc: '`--max-num-batched-tokens`: tokens per step', schema: positive},
  enforce_eager: {doc: '`--enforce-eager`: no torch.compile and no CUDA graphs', schema: flag},
  kv_cache_dtype: {
    doc: '`--kv-cache-dtype`: `auto`, `fp8`, `fp8_e4m3`, …',
    schema: {type: 'string'},
  },
  block_size: {doc: '`--block-size`: tokens per KV block', schema: {enum: [1, 8, 16, 32, 64, 128]}},
  tensor_parallel_size: {doc: '`--tensor-parallel-size`', schema: positive},
  pipeline_parallel_size: {doc: '`--pipeline-parallel-size`', schema: positive},
  quantization: {
    doc: '`--quantization`: `fp8` quantizes a 16-bit checkpoint as it loads',
    schema: {type: 'string'},
  },
  VLLM_USE_FLASHINFER_SAMPLER: {doc: 'FlashInfer’s top-k/top-p sampler', schema: flag},
} as const satisfies Record<string, ServeKey>

/** The keys of `serve:`, in order. */
export const vllmKeys = Object.keys(serveKeys) as Array<keyof typeof serveKeys>

/** The stage of the reader a key belongs to (one reader per group). */
export type KeyGroup = 'model' | 'layout' | 'batch' | 'gpu' | 'adapter' | 'serve' | 'presentation'

export interface KeyDeclaration {
  group: KeyGroup
  /** The engine or framework whose convention the key follows, when it has one. */
  belongsTo?: string | undefined
  /** The README's "values" cell. */
  values: string
  /** The README's "default" cell. */
  default: string
  /** The README's "notes" cell. */
  notes: string
  schema: JsonSchema
}

const listed = (values: readonly (string | number)[]): string =>
  values.map((value) => `\`${value}\``).join(', ')

const dtypeSchema: JsonSchema = {type: ['string', 'number']}
const sizeSchema: JsonSchema = {type: ['string', 'number']}
const count = (maximum: number): JsonSchema => ({
  anyOf: [{type: 'integer', minimum: 1, maximum}, {type: 'string'}],
})
const parallelSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dp: count(limits.parallel),
    tp: count(limits.parallel),
    pp: count(limits.pipeline),
    vpp: count(limits.pipeline),
    ep: count(limits.parallel),
    etp: count(limits.parallel),
    cp: count(limits.parallel),
    sp: {type: 'boolean'},
    zero: {enum: zeroStages},
    offload: {enum: offloads},
  },
}
const serveSchema: JsonSchema = {
  type: 'object',
  // vLLM's settings are declared here; llama.cpp's, Ollama's and SGLang's are
  // read by their engine modules (engines/) and not declared yet.
  additionalProperties: true,
  properties: Object.fromEntries(
    Object.entries(serveKeys as Record<string, ServeKey>).flatMap(([key, spec]) => {
      const entry = {description: spec.doc, ...spec.schema}
      // vLLM's flags are accepted with dashes too (`max-model-len`).
      const dashed = key.includes('_') && key === key.toLowerCase() ? key.replaceAll('_', '-') : key
      return dashed === key
        ? [[key, entry]]
        : [
            [key, entry],
            [dashed, entry],
          ]
    }),
  ),
}
const adapterSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    type: {enum: adapterTypes},
    rank: positive,
    alpha: {type: ['number', 'string']},
    targets: {anyOf: [{type: 'string'}, {type: 'array', items: {type: 'string'}}]},
    dropout: {type: ['number', 'string']},
    dtype: dtypeSchema,
    double_quant: {type: 'boolean'},
    bnb_version: {type: ['string', 'number']},
  },
}

/** Every top-level key of a block, in the order messages list them. */
export const keyDeclarations = {
  model: {
    group: 'model',
    values:
      'preset id (`llama-2-7b`) or HF repo id (`meta-llama/Llama-2-7b-hf`), case-insensitive; or a mapping',
    default: 'required',
    notes: 'see [Models](#models)',
    schema: {anyOf: [{type: 'string'}, {type: 'object'}]},
  },
  mode: {
    group: 'model',
    values: listed(modes),
    default: '`inference`',
    notes: '',
    schema: {enum: modes},
  },
  dtype: {
    group: 'model',
    values:
      '`fp32`, `tf32`, `bf16`, `fp16`, `fp8`, `int8`, `int4`, `nf4`, `fp4`, `mxfp4`, or bits per weight (`4.5bpw`)',
    default: '`bf16` (`fp32` with `precision: fp32`)',
    notes: 'see [dtypes](#dtypes); training a sub-16-bit base needs `adapter`',
    schema: dtypeSchema,
  },
  kv_dtype: {
    group: 'model',
    values:
      "same, except GGUF weight mixes (`q4_k_m`): a GGUF-style cache takes one of llama.cpp's cache types (`q8_0`, `q5_0`, `q5_1`, `q4_0`, `q4_1`, `iq4_nl`)",
    default:
      'the activation dtype: = `dtype` for 16/32-bit floats, `bf16` for `fp8`, integer and bits-per-weight weights',
    notes: "an 8-bit cache only when asked (vLLM's `kv_cache_dtype: auto`)",
    schema: dtypeSchema,
  },
  precision: {
    group: 'model',
    values: '`mixed` (16-bit weights and grads, fp32 master), `bf16` (pure), `fp32`',
    default: '`mixed`',
    notes: 'training only',
    schema: {enum: precisions},
  },
  grad_dtype: {
    group: 'model',
    values: 'a float dtype',
    default: '= weight dtype (`fp32` under `precision: fp32`)',
    notes: "`fp32` for Megatron's main grads",
    schema: dtypeSchema,
  },
  optimizer: {
    group: 'model',
    values:
      "`adamw`, `adam`, `adamw-8bit`, `paged-adamw`, `paged-adamw-8bit` (bitsandbytes' paged optimizers: the same bytes, paged to the CPU only under memory pressure), `sgd`, `sgd-momentum`, `adafactor`, `lion`",
    default: '`adamw`',
    notes: '',
    schema: {enum: optimizers},
  },
  batch: {
    group: 'batch',
    values: 'global batch (sequences per step over all data-parallel ranks)',
    default: '`micro_batch × grad_accum × dp`, i.e. 1',
    notes: 'must split evenly',
    schema: count(limits.batch),
  },
  micro_batch: {
    group: 'batch',
    values: 'sequences per micro-batch per data-parallel rank',
    default: '`batch / (grad_accum × dp)`',
    notes: '',
    schema: count(limits.batch),
  },
  grad_accum: {
    group: 'batch',
    values: 'micro-batches per step (pipeline micro-batches)',
    default: '`1`',
    notes: 'a multiple of `pp` with `vpp` > 1',
    schema: count(limits.batch),
  },
  seq: {
    group: 'batch',
    values: 'tokens per sequence (N)',
    default: "`min(4096, the model's context)`",
    notes: 'beyond the context: a warning',
    schema: count(limits.seq),
  },
  attention: {
    group: 'layout',
    values: '`flash` (no s² scores kept), `eager`',
    default: '`flash`',
    notes: '',
    schema: {enum: attentions},
  },
  recompute: {
    group: 'layout',
    values: listed(recomputes),
    default: '`none`',
    notes:
      "`offload`: `full` with the layer inputs in CPU memory (one back on the GPU at a time, as unsloth-zoo's `Unsloth_Offloaded_Gradient_Checkpointer` does); the rest is reported as offloaded",
    schema: {enum: recomputes},
  },
  parallel: {
    group: 'layout',
    values:
      '`dp`, `tp`, `pp`, `vpp`, `ep`, `etp`, `cp`, `sp`, `zero` (0–3), `offload` (`none`, `optimizer`, `params`)',
    default: 'all 1, `sp: false`, `zero: 0`, `offload: none`; `etp` = `tp`',
    notes:
      'devices = dp × tp × pp × cp; `ep × etp` must divide `dp × cp × tp` (see [Expert parallelism](#expert-parallelism))',
    schema: parallelSchema,
  },
  gpu: {
    group: 'gpu',
    values:
      'preset id (`h100-sxm-80gb`, `a100-80gb`, `rtx-4090`, …) or a capacity (`80 GB`, `79.6 GiB`)',
    default: 'none: no fit check',
    notes: '`vram gpus` lists presets',
    schema: {type: ['string', 'number']},
  },
  host_memory: {
    group: 'gpu',
    values: "the host's RAM (`64 GiB`)",
    default: 'none: no host check',
    notes:
      '`fits` also checks what stays in CPU memory (JSON `host.total`: offloaded states, CPU-side layers) against it',
    schema: sizeSchema,
  },
  usable: {
    group: 'gpu',
    values: 'fraction of the GPU a job may use (`0.9`, `90%`)',
    default: '`0.99`',
    notes: 'see [GPUs](#gpus)',
    schema: {type: ['number', 'string']},
  },
  buffers: {
    group: 'gpu',
    values: 'extra temporary buffers per device, set by hand (`2 GB`, `512 MiB`)',
    default: '`0`',
    notes:
      "shown as its own row; the CUDA context and a framework's communication buckets are rows of their own (see [Buffers](#buffers-cuda-context-and-what-nvidia-smi-shows))",
    schema: sizeSchema,
  },
  accounting: {
    group: 'layout',
    belongsTo: 'deepspeed',
    values: listed(accountings),
    default: '`deepspeed`',
    notes: 'see [ZeRO](#data-parallelism-and-zero)',
    schema: {enum: accountings},
  },
  framework: {
    group: 'layout',
    values: listed(frameworks),
    default: 'none',
    notes:
      'training only: whose conventions the memory follows; see [Training frameworks](#training-frameworks-framework)',
    schema: {enum: frameworks},
  },
  quantize: {
    group: 'model',
    values: '`all`, `linear`, `experts`: which weights a sub-16-bit `dtype` covers',
    default: "`all` (the article's P × b)",
    notes: 'see [dtypes](#dtypes)',
    schema: {enum: quantizeScopes},
  },
  serve: {
    group: 'serve',
    belongsTo: 'vllm, llama.cpp, ollama, sglang',
    values:
      "`{engine: vllm, …}` and vLLM's own settings (`max_model_len`, `gpu_memory_utilization`, …); `{engine: llama.cpp \\| ollama \\| sglang, …}` with that engine's names",
    default: 'none',
    notes:
      'inference only; see [Serving with vLLM](#serving-with-vllm-serve) and [Local engines](#local-engines-llamacpp-ollama-and-sglang-serve)',
    schema: serveSchema,
  },
  adapter: {
    group: 'adapter',
    belongsTo: 'peft',
    values: '`{type, rank, alpha, targets, dropout, dtype, double_quant, bnb_version}`',
    default: 'none',
    notes:
      'training only: LoRA/DoRA on a frozen base, QLoRA with `dtype: nf4`; see [Fine-tuning](#fine-tuning-lora-dora-and-qlora)',
    schema: adapterSchema,
  },
  units: {
    group: 'presentation',
    values: '`GB` (10⁹), `GiB` (2³⁰)',
    default: "the plugin's option, `GB`",
    notes: '',
    schema: {enum: unitNames},
  },
  show: {
    group: 'presentation',
    values: 'any of `breakdown`, `formulas`, `summary`, `advice`',
    default: '`[breakdown, summary]`',
    notes: '`[]` computes without output (for references)',
    schema: {anyOf: [{enum: showKinds}, {type: 'array', items: {enum: showKinds}}]},
  },
  vary: {
    group: 'presentation',
    values:
      'one or two keys → lists: `{dtype: [fp32, fp16]}`, `{model: [...]}`, `{parallel.tp: [1, 2, 4]}`, `{serve.max_model_len: [8192, 32768]}`',
    default: 'none',
    notes:
      'one key: a table; two: a matrix; a sweep over `model` needs no top-level `model`; every other setting that differs between cases (GPUs, micro-batch, KV dtype) gets a column',
    schema: {
      type: 'object',
      minProperties: 1,
      maxProperties: 2,
      additionalProperties: {type: 'array', minItems: 1},
    },
  },
  metric: {
    group: 'presentation',
    values: listed(metricNames),
    default: '`total`',
    notes:
      'the figure a `vary` table shows (with `serve`, the table adds KV tokens and concurrency)',
    schema: {enum: [...metricNames, 'kvCache']},
  },
  solve: {
    group: 'presentation',
    values: '`batch`, `seq`, `gpus`; `ctx`, `layers` with a llama.cpp or Ollama `serve`',
    default: 'none',
    notes: 'needs `gpu` (a diagnostic otherwise); see [Solvers](#solvers-and-advice)',
    schema: {enum: solveTargets},
  },
  expect: {
    group: 'presentation',
    values:
      '`{total: 174 GB, kv_cache: 32.8 GB, tolerance: 5%}`; a value may be `{value: 32.8 GB, erratum: why}`; with `vary`, a list per key (one per case)',
    default: 'none',
    notes: 'see [Expectations](#expectations)',
    schema: {type: 'object'},
  },
  measured: {
    group: 'presentation',
    values:
      '`{total: 15.2 GiB, how: nvidia-smi, source: https://…, tolerance: 15%}`: one figure (`total` or a component: `weights`, `kv_cache`, …), `how` (`nvidia-smi`, `allocated`, `reserved`, `vllm-log`, `llama.cpp-log` or any text), `source` (a URL)',
    default: 'none; `tolerance` 10%',
    notes: 'not with `vary`; see [Measured figures](#measured-figures)',
    schema: {type: 'object'},
  },
  id: {
    group: 'presentation',
    values: 'a name for inline references `` `vram:ID.PATH` ``',
    default: 'none',
    notes: 'also the fence meta `id=NAME`',
    schema: {type: ['string', 'number']},
  },
} as const satisfies Record<string, KeyDeclaration>

/** Every top-level key of a block. Unknown keys are rejected, not ignored. */
export const blockKeys = Object.keys(keyDeclarations) as Array<keyof typeof keyDeclarations>

/** The JSON Schema (draft 2020-12) of a block's YAML body: `vram schema`. */
export function blockSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'vram block',
    description: 'The YAML body of a ```vram fenced block (remark-vram, vram-cli).',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      Object.entries(keyDeclarations as Record<string, KeyDeclaration>).map(([key, spec]) => [
        key,
        {description: plain(spec.values), ...spec.schema},
      ]),
    ),
  }
}

/** The README's key table, from the declaration. */
export function keyTable(): string {
  return [
    '| key | values | default | notes |',
    '| --- | --- | --- | --- |',
    ...Object.entries(keyDeclarations as Record<string, KeyDeclaration>).map(([key, spec]) =>
      `| ${[`\`${key}\``, spec.values, spec.default, spec.notes].join(' | ')} |`.replace(
        / {2}\|$/,
        ' |',
      ),
    ),
  ].join('\n')
}

/** Markdown without its code ticks and link targets, for a schema description. */
function plain(text: string): string {
  return text.replaceAll('`', '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
}
