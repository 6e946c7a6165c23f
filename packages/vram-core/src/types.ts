import type {Units} from './input/units.js'
import type {
  accountings,
  adapterTypes,
  attentions,
  frameworks,
  modes,
  offloads,
  optimizers,
  precisions,
  recomputes,
  serveEngines,
  showKinds,
  solveTargets,
} from './input/values.js'
import type {
  Architecture,
  Dtype,
  LinearModule,
  ParamInventory,
  QuantizeScope,
} from './model/architecture.js'
import type {Diagnostic} from './output/diagnostics.js'

export type {Units} from './input/units.js'
// Defined below this module (the model's and the units' own vocabulary), re-exported
// so that `types.js` stays the one place every stage imports its types from.
export type {Dtype, QuantizeScope} from './model/architecture.js'

// The unions of the block's values, derived from the lists the reader checks (input/values.ts).
export type Mode = (typeof modes)[number]
export type Precision = (typeof precisions)[number]
export type Optimizer = (typeof optimizers)[number]
export type Attention = (typeof attentions)[number]
/** `offload`: full recomputation with each layer's saved input in CPU memory (Unsloth's offloaded checkpointing). */
export type Recompute = (typeof recomputes)[number]
export type Offload = (typeof offloads)[number]
export type ShowKind = (typeof showKinds)[number]
export type Accounting = (typeof accountings)[number]
/**
 * The training framework whose conventions a block follows (`framework:`):
 * Megatron-LM, DeepSpeed (through HF Trainer / accelerate), PyTorch FSDP
 * (through HF Trainer / accelerate), or HF Trainer / TRL / PEFT on one device
 * or DDP replicas (see `engines/framework/conventions.ts`).
 */
export type Framework = (typeof frameworks)[number]
export interface Parallel {
  dp: number
  tp: number
  pp: number
  /** Virtual (interleaved) pipeline chunks per rank. */
  vpp: number
  ep: number
  /** Expert tensor parallelism (defaults to `tp`). */
  etp: number
  cp: number
  /** Sequence parallelism (needs tp > 1 to matter). */
  sp: boolean
  /** ZeRO stage 0–3. */
  zero: 0 | 1 | 2 | 3
  offload: Offload
}

export interface Gpu {
  /** Preset id, or `custom`. */
  id: string
  name: string
  /** Bytes the driver reports (nvidia-smi total), or the capacity the writer gave. */
  capacity: number
  /** Where the capacity comes from. */
  source: string
  /**
   * Bytes CUDA reports as the device total (`cudaMemGetInfo`,
   * `torch.cuda.mem_get_info()[1]`): less than nvidia-smi's total by the
   * driver's reserved region. Set for presets where a public log shows it;
   * serving engines apply their memory fraction to it.
   */
  cudaTotalBytes?: number | undefined
  /** Where `cudaTotalBytes` comes from. */
  cudaTotalSource?: string | undefined
  /** The platform's default usable share (Apple silicon: Metal's wired share of RAM). */
  usable?: number | undefined
  /** `unified`: CPU and GPU share the RAM (Apple silicon); `capacity` is the RAM. */
  memory?: 'unified' | undefined
}

/** `lora` (Hu et al. 2021) or `dora` (Liu et al. 2024: LoRA plus a trained magnitude vector). */
export type AdapterType = (typeof adapterTypes)[number]

/** A PEFT adapter on a frozen base (`adapter:` in a training block). */
export interface Adapter {
  type: AdapterType
  /** LoRA rank r. */
  rank: number
  /** LoRA alpha: scales the update, no memory effect. */
  alpha: number
  /** The targets as written: module names, or `all-linear`, `attention`, `mlp`. */
  targets: readonly string[]
  /** The linear modules that carry an adapter. */
  modules: LinearModule[]
  /** Storage dtype of the adapter weights (and their gradients). */
  dtype: Dtype
  /** PEFT's `lora_dropout`: > 0 keeps a dropout mask and a dropped copy of each adapter's input. */
  dropout: number
  /** bitsandbytes double quantization of the 4-bit absmax (`bnb_4bit_use_double_quant`). */
  doubleQuant: boolean
  /** bitsandbytes before 0.43.2: its 4-bit matmul keeps each layer's input for backward. */
  legacyBnb?: boolean | undefined
}

/** A fully normalised, validated scenario: every default applied. */
export interface Scenario {
  model: Architecture
  mode: Mode
  dtype: Dtype
  kvDtype: Dtype
  precision: Precision
  gradDtype: Dtype
  optimizer: Optimizer
  /** Global batch B (sequences per step, all data-parallel ranks together). */
  batch: number
  /** Sequences per micro-batch per data-parallel rank. */
  microBatch: number
  /** Micro-batches per step per rank (gradient accumulation / pipeline micro-batches). */
  gradAccum: number
  seq: number
  attention: Attention
  recompute: Recompute
  parallel: Parallel
  gpu?: Gpu | undefined
  /** Fraction of `gpu.capacity` a job may use. */
  usable: number
  /** Bytes of temporary buffers and context per device. */
  buffers: number
  accounting: Accounting
  quantize: QuantizeScope
  /** A serving engine's settings (`serve:`), resolved with the engine's defaults. */
  serve?: VllmSettings | undefined
  /** A PEFT adapter on a frozen base: LoRA, or QLoRA / LLM.int8() LoRA with a quantized base. */
  adapter?: Adapter | undefined
  /** A local engine's settings (`serve: {engine: llama.cpp | ollama | sglang}`), resolved. */
  engine?: EngineSettings | undefined
  /** `framework:`: whose conventions the training memory follows; none = today's defaults. */
  framework?: Framework | undefined
  /** `host_memory:`: bytes of host (CPU) RAM that `fits` checks `host.total` against. */
  hostMemory?: number | undefined
}

/** Bytes a block keeps in host (CPU) memory, per key (spec §8's JSON `host`, **fixed** names). */
export interface HostMemory {
  weights: number
  kvCache: number
  optimizer: number
  gradients: number
  /** Host-side buffers: pinned activation checkpoints, an engine's CPU compute buffer. */
  buffers: number
  total: number
}

/** A LaTeX formula, symbolic and with the numbers substituted. */
export interface Formula {
  symbolic: string
  substituted: string
}

export interface Source {
  /** Full citation: authors, year and title, or project and file. */
  title: string
  /** Short citation: `Korthikanti et al. 2022`, `Megatron-LM`. */
  short?: string | undefined
  /** Where in the source the formula is: `Table 2`, `§3.1`, a function. */
  locator?: string | undefined
  url?: string | undefined
}

export type ComponentKey =
  | 'weights'
  | 'adapter'
  | 'gradients'
  | 'optimizer'
  | 'activations'
  | 'kvCache'
  | 'buffers'
  /** A framework's communication buckets (DeepSpeed's gradient reduce buckets, FSDP's unsharded gradients). */
  | 'communication'
  /** The CUDA context and kernels a PyTorch process holds outside its allocator. */
  | 'cudaContext'

export interface Component {
  key: ComponentKey
  /** Bytes on the most loaded device. */
  bytes: number
  formula: Formula
  source: Source
  /** A label key other than `component.<key>` (`component.frozenWeights`). */
  label?: string | undefined
  /** A sentence on what is included, for footnotes. */
  note?: string | undefined
  /** Bytes the same term keeps in host (CPU) memory (an engine's CPU-side layers and buffers). */
  host?: number | undefined
}

/** Bytes per component; `adapter` only when the block trains an adapter. */
export type PerDevice = Record<
  Exclude<ComponentKey, 'adapter' | 'communication' | 'cudaContext'> | 'total',
  number
> & {
  adapter?: number | undefined
  /** Training: a framework's communication buckets (allocated by PyTorch). */
  communication?: number | undefined
  /** Training: the CUDA context (outside PyTorch's allocator; nvidia-smi shows it). */
  cudaContext?: number | undefined
  /** Training: what `torch.cuda.max_memory_allocated()` reports, `total` less the CUDA context. */
  allocatedPeak?: number | undefined
}

export interface Result {
  scenario: Scenario
  model: {
    id: string
    name: string
    params: number
    activeParams: number
    /** Parameters the optimizer updates: all of them, or the adapter's (PEFT's count). */
    trainableParams?: number | undefined
  }
  inventory?: ParamInventory | undefined
  devices: number
  /** Pipeline stage of the most loaded device (0-based). */
  stage: number
  /** Per-device memory on every pipeline stage, in order (`stage` indexes the largest). */
  stages?: PerDevice[] | undefined
  perDevice: PerDevice
  /** Components that apply to the mode, in table order. */
  components: Component[]
  /** Bytes kept in host (CPU) memory by offload, per device. */
  offloaded: number
  /** What stays in host (CPU) memory, per key (offloaded states, CPU-side layers and buffers). */
  host?: HostMemory | undefined
  /** `host_memory:` as given: the host RAM `fits` also checks. */
  hostCapacity?: number | undefined
  capacity?: number | undefined
  /** capacity × usable. */
  usableCapacity?: number | undefined
  fits?: boolean | undefined
  /**
   * Components a params-only model could not compute (partial computation),
   * each with the model fields it needs (`layers`, `hidden`, ...); they count
   * as 0 in `perDevice`, so the total is not meaningful and `fits` is unset.
   */
  missing?: Partial<Record<ComponentKey, string[]>> | undefined
  /** With `serve:`: the engine's budget, KV capacity and concurrency. */
  serving?: ServingResult | undefined
  /** With `serve:` naming llama.cpp, Ollama or SGLang: that engine's budget per device. */
  engine?: EngineBudget | undefined
}

import type {EngineSettings} from './engines/index.js'
import type {EngineBudget} from './engines/types.js'

export type SolveTarget = (typeof solveTargets)[number]

export interface Solved {
  target: SolveTarget
  /** The solved value; `undefined` when nothing fits (see `reason`). */
  value?: number | undefined
  /** For `gpus`: the layout found, e.g. `tp 2 × pp 3` (degrees above 1). */
  axis?: string | undefined
  /** Why there is no value (nothing fits, or more than the search limit fits). */
  reason?: string | undefined
  /**
   * The value is a bound, not the memory limit: `context` when the model's whole
   * context fits (`solve: seq`); `note` says so in words.
   */
  limit?: 'context' | undefined
  note?: string | undefined
  /** No value because more than this fits: the search stops at it (batch, seq). */
  exceeds?: number | undefined
  /** The scenario at the solved value. */
  result?: Result | undefined
}

export type Metric = 'total' | 'params' | ComponentKey

export interface VaryCase {
  /** The swept keys and their values, as written (`{dtype: 'fp16'}`). */
  vary: Record<string, unknown>
  /** A label for each swept value, for table headers. */
  labels: Record<string, string>
  result: Result
  solved?: Solved | undefined
}

export interface Expectation {
  /** `total`, `weights`, `kv_cache`, `params`, ... as written. */
  key: string
  path: ReadonlyArray<string | number>
  expected: number
  actual: number
  /** Absolute tolerance in the same unit as `expected`. */
  tolerance: number
  /** The value as written, e.g. `32.8 GB`. */
  written: string
  kind: 'bytes' | 'count'
  ok: boolean
  /** Why the written figure is wrong, when the writer marked it as a known erratum. */
  erratum?: string | undefined
}

/** A measured figure beside the computed one (`measured:`, spec §8). */
export interface Measurement {
  /** `total`, `kv_cache`, ...: the writer's name of the measured figure. */
  key: string
  path: ReadonlyArray<string | number>
  /** Bytes, as measured. */
  measured: number
  /** Bytes, as computed for the same figure. */
  computed: number
  /** computed / measured: above 1 the estimate is high. */
  ratio: number
  /** Relative tolerance on the ratio (0.1 = ±10 %). */
  tolerance: number
  /** The figure as written, e.g. `5.21 GiB`. */
  written: string
  /** How it was measured: `nvidia-smi`, `allocated`, `reserved`, `vllm-log`, `llama.cpp-log` or text. */
  how?: string | undefined
  /** A URL where the measurement is published. */
  source?: string | undefined
  ok: boolean
}

export type AdviceNodeKind = 'start' | 'question' | 'action' | 'leaf'

export interface AdviceNode {
  id: string
  kind: AdviceNodeKind
  /** A label key (`advice.start`, `advice.zero`, ...) the renderer translates. */
  label: string
  /** Values substituted into the label (`{stage: 2}`). */
  params?: Record<string, string | number> | undefined
  /** Per-device total of the configuration this node stands for, when recomputed. */
  total?: number | undefined
  fits?: boolean | undefined
  /** On the path, but the remedy does not apply here (ZeRO with one data-parallel replica, ...). */
  skipped?: boolean | undefined
  /** The configuration change this node applies (dot paths → values). */
  change?: Record<string, string | number | boolean> | undefined
}

export interface AdviceEdge {
  from: string
  to: string
  /** Label key (`advice.edge.training`, ...). */
  label?: string | undefined
}

export interface Advice {
  nodes: AdviceNode[]
  edges: AdviceEdge[]
  /** Node ids on the path taken, in order. */
  path: string[]
  /** The first configuration that fits, if any. */
  solution?:
    | {change: Record<string, string | number | boolean>; total: number; devices: number}
    | undefined
}

/** A computed block: what the plugin renders and the CLI prints. */
export interface BlockResult {
  id?: string | undefined
  show: ShowKind[]
  units?: Units | undefined
  metric: Metric
  /** Present without `vary`. */
  result?: Result | undefined
  /** Present with `vary`: one case per combination, first key varying slowest. */
  cases?: VaryCase[] | undefined
  /** Swept keys in order (one → comparison table, two → matrix). */
  varyKeys?: string[] | undefined
  solved?: Solved | undefined
  advice?: Advice | undefined
  expectations: Expectation[]
  /** `measured:` beside the computed figure. */
  measured?: Measurement | undefined
}

export interface Evaluation {
  /** `undefined` when an error diagnostic stopped the block. */
  block?: BlockResult | undefined
  diagnostics: Diagnostic[]
}

/** Serving engines a `serve:` block can name. */
export type ServeEngine = (typeof serveEngines)[number]

/**
 * vLLM's settings, resolved: what the writer gave (under vLLM's own flag
 * names) and vLLM's default for the rest.
 */
export interface VllmSettings {
  engine: 'vllm'
  /** `--gpu-memory-utilization`: the fraction of the CUDA-visible total vLLM may use (0.9). */
  gpuMemoryUtilization: number
  /** `--max-model-len`: tokens per request (default: the model's `max_position_embeddings`). */
  maxModelLen: number
  /** `--max-num-seqs`: requests per step; the profile run samples this many rows. */
  maxNumSeqs: number
  /** `--max-num-batched-tokens`: tokens per step; the profile run's forward pass has this many. */
  maxNumBatchedTokens: number
  /** `--enforce-eager`: no torch.compile and no CUDA graphs. */
  enforceEager: boolean
  /** `--kv-cache-dtype` as written (`auto`, `fp8`, `fp8_e4m3`, `fp8_e5m2`, `bfloat16`, ...). */
  kvCacheDtype: string
  /** Bytes per cached element that `kvCacheDtype` means for this model. */
  kvCacheBytesPerElement: number
  /** `--block-size`: tokens per KV block (16). */
  blockSize: number
  /** `VLLM_USE_FLASHINFER_SAMPLER=1`: FlashInfer's top-k/top-p sampler instead of PyTorch's sort. */
  flashinferSampler: boolean
  /** Settings that took vLLM's default (snake_case names), for captions and notes. */
  defaulted: string[]
}

/** One KV-cache group as vLLM forms it: layers of one attention type sharing a block table. */
export interface KvCacheGroup {
  kind: 'full' | 'sliding' | 'mla'
  /** Layers in the group (the last group of a type may be padded up to the group size). */
  layers: number
  /** Sliding window in tokens, for `sliding`. */
  window?: number | undefined
}

/** One term of the serving budget: bytes, formula and the code it follows. */
export interface ServingTerm {
  bytes: number
  formula: Formula
  source: Source
  note?: string | undefined
}

/**
 * vLLM's memory budget on one GPU (tensor-parallel ranks are alike; with
 * pipeline stages, the stage that has the fewest KV blocks), term by term as its worker computes it, and the KV
 * capacity and concurrency it logs.
 */
export interface ServingResult {
  engine: ServeEngine
  settings: VllmSettings
  /** `torch.cuda.mem_get_info()` total: what `gpu_memory_utilization` applies to. */
  cudaTotalBytes: number
  /** Where `cudaTotalBytes` comes from (a preset's sourced figure, or an estimate). */
  cudaTotalSource: string
  /** cudaTotal × gpu_memory_utilization ("requested memory"). */
  requestedBytes: number
  /** Weights as loaded on one rank ("Model loading took"). */
  weights: ServingTerm
  /** The profile run's torch peak above the weights ("torch peak memory increase"). */
  activationPeak: ServingTerm
  /** The forward pass's share of the peak (one layer's live tensors). */
  forwardPeakBytes: number
  /** The sampler's share of the peak (logits and the sort's buffers), plus the kept hidden states. */
  samplerPeakBytes: number
  /** Memory outside PyTorch's allocator ("non-torch forward increase memory"). */
  nonTorch: ServingTerm
  /** CUDA-graph memory inside the budget: 0, vLLM captures graphs after allocating the KV cache. */
  cudaGraphBytes: number
  /** The pipeline stage whose budget is shown: the one with the fewest KV blocks (0 without `pp`). */
  stage: number
  /** Pipeline stages (`--pipeline-parallel-size`). */
  stages: number
  /** "Available KV cache memory": requested − weights − activation peak − non-torch. */
  kvCacheBytes: number
  /** Bytes the KV blocks actually occupy (num_blocks × page × layers per group × group size). */
  kvCacheAllocatedBytes: number
  /** Bytes of one block of one layer (block_size tokens). */
  pageBytes: number
  groups: KvCacheGroup[]
  /** Layers per group (vLLM's group size). */
  groupSize: number
  /** "num_gpu_blocks". */
  numBlocks: number
  /** "GPU KV cache size: N tokens". */
  kvCacheTokens: number
  /** "Maximum concurrency for max_model_len tokens per request: Nx". */
  maxConcurrency: number
  /** Blocks one request of max_model_len tokens needs, across the groups. */
  blocksPerRequest: number
  /** vLLM would refuse to start: why (no memory left, or max_model_len does not fit). */
  error?: string | undefined
}
