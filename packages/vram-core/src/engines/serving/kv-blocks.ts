/**
 * vLLM's paged KV cache: how the memory left for it becomes blocks, tokens and
 * concurrency (vllm/v1/core/kv_cache_utils.py and
 * vllm/v1/kv_cache_interface.py, V1 engine).
 *
 * - A layer's page is one block of `block_size` tokens: K and V of the rank's
 *   KV heads (`AttentionSpec.page_size_bytes` = 2 · block · heads · head_size ·
 *   dtype), or for MLA the one compressed latent plus rope key that every rank
 *   keeps whole (`MLAAttentionSpec`: no factor 2, no tensor-parallel split).
 *   KV heads are split over tensor-parallel ranks; with more ranks than KV
 *   heads each rank keeps one replicated head.
 * - One attention type: every layer gets `available // page // layers` blocks
 *   (`get_num_blocks`), and the log reports blocks × block_size tokens.
 * - Sliding-window and full layers together (Gemma 2/3, gpt-oss): layers are
 *   split by type into groups of equal size, the smallest type's layer count
 *   (`_get_kv_cache_config_uniform_page_size`), padding the last group of a
 *   type; the groups share `available // page // group_size` blocks and the
 *   log reports blocks // groups × block_size tokens.
 * - Concurrency (`get_max_concurrency_for_kv_cache_config`): blocks ÷ the
 *   blocks one request of `max_model_len` tokens needs across the groups, a
 *   full-attention group ⌈max_model_len / block⌉, a sliding group
 *   ⌈min(window − 1 + max_num_batched_tokens, max_model_len) / block⌉ + 1
 *   (`SlidingWindowSpec.max_memory_usage_bytes`).
 */
import type {Architecture} from '../../model/architecture.js'
import type {KvCacheGroup, VllmSettings} from '../../types.js'

export interface KvLayout {
  pageBytes: number
  groups: KvCacheGroup[]
  groupSize: number
  /** Bytes per token per layer (page ÷ block size), for formulas. */
  bytesPerTokenPerLayer: number
  /** K/V heads each rank caches (1 for MLA's latent). */
  kvHeadsPerRank: number
  /** Elements per head cached (head_dim, or MLA's latent + rope width). */
  headSize: number
}

/**
 * Attention layers by kind and the page every layer shares, for the model's
 * layers or one pipeline stage's (`span`).
 */
export function kvLayout(
  model: Architecture,
  settings: VllmSettings,
  tp: number,
  span?: {layers: number; slidingLayers: number},
): KvLayout {
  const layers = span ? span.layers : (model.layers ?? 0)
  const block = settings.blockSize
  const bytes = settings.kvCacheBytesPerElement
  let pageBytes: number
  let kvHeadsPerRank: number
  let headSize: number
  let sliding = 0
  if (model.mla) {
    kvHeadsPerRank = 1
    headSize = model.mla.kvLoraRank + model.mla.qkRopeHeadDim
    pageBytes = block * headSize * bytes
  } else {
    const heads = model.heads ?? 0
    kvHeadsPerRank = Math.max(1, (model.kvHeads ?? heads) / tp)
    headSize = model.headDim ?? (model.hidden ?? 0) / Math.max(1, heads)
    pageBytes = 2 * block * kvHeadsPerRank * headSize * bytes
    sliding = span ? span.slidingLayers : slidingLayers(model)
  }
  const full = layers - sliding
  const kind: KvCacheGroup['kind'] = model.mla ? 'mla' : 'full'
  const window = model.slidingWindow?.window
  if (sliding === 0 || full === 0) {
    const only: KvCacheGroup =
      sliding > 0 ? {kind: 'sliding', layers, window} : {kind, layers: Math.max(layers, 1)}
    return {
      pageBytes,
      groups: [only],
      groupSize: only.layers,
      bytesPerTokenPerLayer: pageBytes / block,
      kvHeadsPerRank,
      headSize,
    }
  }
  const groupSize = Math.min(full, sliding)
  const groups: KvCacheGroup[] = []
  for (let index = 0; index < Math.ceil(full / groupSize); index++)
    groups.push({kind: 'full', layers: Math.min(groupSize, full - index * groupSize)})
  for (let index = 0; index < Math.ceil(sliding / groupSize); index++)
    groups.push({
      kind: 'sliding',
      layers: Math.min(groupSize, sliding - index * groupSize),
      window,
    })
  return {
    pageBytes,
    groups,
    groupSize,
    bytesPerTokenPerLayer: pageBytes / block,
    kvHeadsPerRank,
    headSize,
  }
}

/** Sliding-window layers as the model config states them (all, alternating, or the first ones). */
function slidingLayers(model: Architecture): number {
  const window = model.slidingWindow
  const layers = model.layers ?? 0
  if (!window || window.layers === 0) return 0
  return Math.min(window.layers, layers)
}

export interface KvCapacity {
  numBlocks: number
  tokens: number
  allocatedBytes: number
  blocksPerRequest: number
  concurrency: number
}

/** Blocks, logged tokens and concurrency for `available` bytes. */
export function kvCapacity(
  layout: KvLayout,
  settings: VllmSettings,
  available: number,
): KvCapacity {
  const block = settings.blockSize
  const numBlocks = Math.max(0, Math.floor(available / layout.pageBytes / layout.groupSize))
  const tokens = Math.floor(numBlocks / layout.groups.length) * block
  const perRequest = layout.groups.reduce(
    (sum, group) => sum + blocksPerRequest(group, settings),
    0,
  )
  return {
    numBlocks,
    tokens,
    allocatedBytes: numBlocks * layout.pageBytes * layout.groupSize,
    blocksPerRequest: perRequest,
    concurrency: perRequest > 0 ? numBlocks / perRequest : 0,
  }
}

function blocksPerRequest(group: KvCacheGroup, settings: VllmSettings): number {
  const block = settings.blockSize
  if (group.kind === 'sliding' && group.window !== undefined) {
    const tokens = Math.min(group.window - 1 + settings.maxNumBatchedTokens, settings.maxModelLen)
    return Math.ceil(tokens / block) + 1
  }
  return Math.ceil(settings.maxModelLen / block)
}
