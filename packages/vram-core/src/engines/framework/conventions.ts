/**
 * What each training framework really does with memory, from its own code and
 * config defaults at a commit. `framework:` picks one; a block without it
 * keeps the engine's historical mix (Megatron-LM's activations and weight
 * counts, DeepSpeed's fp32 gradient copy and ZeRO-3 estimator, transformers'
 * activations for adapters).
 *
 * - `megatron`: Megatron-LM. Activations per Korthikanti et al. (fused SwiGLU,
 *   16-bit norms), its distributed optimizer for ZeRO-1. Trains no PEFT adapter.
 * - `deepspeed`: DeepSpeed ZeRO through HF Trainer / accelerate, on a
 *   transformers model: transformers' activations; DeepSpeed's gradient reduce
 *   buckets (`reduce_bucket_size`, double-buffered with `overlap_comm`) and
 *   ZeRO-3's gathered parameters (the module in use plus the prefetch bucket,
 *   capped by `stage3_max_live_parameters`).
 * - `fsdp`: PyTorch FSDP through HF Trainer / accelerate, on a transformers
 *   model: transformers' activations; FULL_SHARD (`zero: 3`) reshards each
 *   decoder layer after its forward, except the root unit (embeddings, head,
 *   final norm), and prefetches one unit ahead in backward; SHARD_GRAD_OP
 *   (`zero: 2`) keeps every unit gathered until its backward. Under mixed
 *   precision the sharded parameters stay fp32: they are the master copy.
 * - `transformers`: HF Trainer / TRL / PEFT on one device or DDP replicas:
 *   transformers' activations; under mixed precision (`bf16=True` on an fp32
 *   model) parameters and gradients are fp32 and torch's AdamW has no extra
 *   master copy.
 */
import type {Scenario, Source} from '../../types.js'

export {frameworks} from '../../input/values.js'

/** The DeepSpeed commit the defaults and buffers below are read from. */
const deepspeedCommit = 'edaa7221267243c7be7fb49c5d5f5c4fb97b4641'
const torchCommit = '3ade90a6aaa939cd6238e314c321b9f920db1471'

export const deepspeedConfigSource: Source = {
  title: `DeepSpeed @ ${deepspeedCommit.slice(0, 7)}, deepspeed/runtime/zero/config.py (DeepSpeedZeroConfig defaults), stage_1_and_2.py (backward: ipg buffers), stage3.py (ipg bucket buffer)`,
  short: 'DeepSpeed ZeRO config defaults',
  url: `https://github.com/deepspeedai/DeepSpeed/blob/${deepspeedCommit}/deepspeed/runtime/zero/config.py`,
}

export const fsdpSource: Source = {
  title: `PyTorch @ ${torchCommit.slice(0, 7)}, torch/distributed/fsdp/_runtime_utils.py (_post_forward_reshard: the root and SHARD_GRAD_OP keep the unsharded parameters; BackwardPrefetch.BACKWARD_PRE, limit_all_gathers)`,
  short: 'PyTorch FSDP',
  url: `https://github.com/pytorch/pytorch/blob/${torchCommit}/torch/distributed/fsdp/_runtime_utils.py`,
}

/** DeepSpeedZeroConfig's defaults (elements, not bytes). */
export const deepspeedDefaults = {
  /** `reduce_bucket_size`: pp_int(5e8). */
  reduceBucketSize: 5e8,
  /** `allgather_bucket_size`: pp_int(5e8) (ZeRO-1/2 gather straight into the 16-bit flat groups). */
  allgatherBucketSize: 5e8,
  /** `stage3_prefetch_bucket_size`: pp_int(5e7). */
  prefetchBucketSize: 5e7,
  /** `stage3_max_live_parameters`: pp_int(1e9). */
  maxLiveParameters: 1e9,
  /** `stage3_param_persistence_threshold`: pp_int(1e5): smaller tensors stay whole on every rank. */
  paramPersistenceThreshold: 1e5,
  /** `contiguous_gradients`: True. */
  contiguousGradients: true,
} as const

/** `overlap_comm`'s default: the validator sets it for stage 3 only (`overlap_comm_valid`). */
export function deepspeedOverlapComm(stage: number): boolean {
  return stage === 3
}

/**
 * Whether activations follow transformers' modeling code (every framework that
 * trains a Hugging Face model) rather than Megatron-LM's fused layers.
 */
export function transformersActivations(scenario: Pick<Scenario, 'framework'>): boolean {
  const framework = scenario.framework
  return framework === 'deepspeed' || framework === 'fsdp' || framework === 'transformers'
}

/**
 * Whether the sharded (or only) parameter copy is itself fp32 under mixed
 * precision, so the optimizer keeps no separate master copy: FSDP's
 * `MixedPrecision(param_dtype=bf16)` keeps fp32 shards and casts on
 * all-gather; HF Trainer's autocast (`bf16=True`) runs an fp32 model.
 */
export function fp32Parameters(scenario: Pick<Scenario, 'framework' | 'precision'>): boolean {
  return (
    scenario.precision === 'mixed' &&
    (scenario.framework === 'fsdp' || scenario.framework === 'transformers')
  )
}

/**
 * The CUDA context and kernel images of a PyTorch process, outside its
 * caching allocator (nvidia-smi counts it, `max_memory_allocated` does not):
 * 287,047,680 bytes measured with `CUDA_MODULE_LOADING=LAZY`, which PyTorch
 * sets by default since 1.13 (pytorch/pytorch#86509; 666,632,192 bytes eager).
 */
export const cudaContextBytes = 287_047_680

export const cudaContextSource: Source = {
  title:
    'pytorch/pytorch#86509, “Sets CUDA_MODULE_LOADING to LAZY when not set by the user” (measured context: 287,047,680 bytes lazy, 666,632,192 eager)',
  short: 'PyTorch #86509',
  url: 'https://github.com/pytorch/pytorch/pull/86509',
}
