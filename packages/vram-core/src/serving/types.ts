import type {Formula, Source} from '../types.js'

/** Serving engines a `serve:` block can name. */
export type ServeEngine = 'vllm'

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
