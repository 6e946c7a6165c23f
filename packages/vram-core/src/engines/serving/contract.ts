import type {ServingResult} from '../../types.js'

/**
 * The `serving` object of `vram calc --json` (spec §7, **fixed** names:
 * `kvCacheBytes`, `kvCacheTokens`, `maxConcurrency`), with the budget's parts
 * in bytes per GPU and the settings under vLLM's own names.
 */
export function servingJson(serving: ServingResult): Record<string, unknown> {
  const {settings} = serving
  return {
    engine: serving.engine,
    kvCacheBytes: serving.kvCacheBytes,
    kvCacheTokens: serving.kvCacheTokens,
    maxConcurrency: serving.maxConcurrency,
    cudaTotalBytes: serving.cudaTotalBytes,
    requestedBytes: serving.requestedBytes,
    weightsBytes: serving.weights.bytes,
    activationPeakBytes: serving.activationPeak.bytes,
    nonTorchBytes: serving.nonTorch.bytes,
    cudaGraphBytes: serving.cudaGraphBytes,
    kvCacheAllocatedBytes: serving.kvCacheAllocatedBytes,
    numBlocks: serving.numBlocks,
    blockBytes: serving.pageBytes,
    kvCacheGroups: serving.groups.length,
    settings: {
      gpu_memory_utilization: settings.gpuMemoryUtilization,
      max_model_len: settings.maxModelLen,
      max_num_seqs: settings.maxNumSeqs,
      max_num_batched_tokens: settings.maxNumBatchedTokens,
      enforce_eager: settings.enforceEager,
      kv_cache_dtype: settings.kvCacheDtype,
      block_size: settings.blockSize,
      VLLM_USE_FLASHINFER_SAMPLER: settings.flashinferSampler,
    },
    ...(serving.error ? {error: serving.error} : {}),
  }
}
