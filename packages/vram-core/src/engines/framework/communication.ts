/**
 * Communication buffers a framework allocates through PyTorch (so
 * `max_memory_allocated` counts them), from its code at a commit:
 *
 * - DeepSpeed ZeRO-1/2 (`stage_1_and_2.py`, `backward`): with
 *   `contiguous_gradients` (default True) one IPG buffer of
 *   `reduce_bucket_size` elements (default 5e8) in the optimizer's 16-bit
 *   dtype, and a second one with `overlap_comm` (default False below stage 3).
 * - DeepSpeed ZeRO-3 (`stage3.py`): one IPG bucket buffer of
 *   `reduce_bucket_size` elements per communication dtype, allocated at start.
 * - FSDP: its unsharded gradients are counted with the gradients (`gather.ts`);
 *   NCCL's own buffers live outside PyTorch's allocator and are not counted.
 */
import {type ComponentMemory, tex} from '../../output/formula.js'
import type {Scenario, Source} from '../../types.js'
import {deepspeedConfigSource, deepspeedDefaults, deepspeedOverlapComm} from './conventions.js'

export const communicationSource: Source = deepspeedConfigSource

/** The communication buckets of one device, or `undefined` when the framework allocates none. */
export function communicationMemory(scenario: Scenario): ComponentMemory | undefined {
  if (scenario.mode !== 'training' || scenario.framework !== 'deepspeed') return undefined
  const stage = scenario.parallel.zero
  if (stage === 0) return undefined
  const width = scenario.precision === 'fp32' ? 4 : 2
  const buffers = stage < 3 && deepspeedOverlapComm(stage) ? 2 : 1
  const elements = deepspeedDefaults.reduceBucketSize
  return {
    bytes: buffers * elements * width,
    formula: {
      symbolic: `M_{comm} = ${buffers > 1 ? `${buffers} \\times ` : ''}\\mathit{reduce\\_bucket\\_size} \\times b`,
      substituted: `${buffers > 1 ? `${buffers} \\times ` : ''}${tex(elements)} \\times ${width}`,
    },
    note:
      stage === 3
        ? `ZeRO-3's IPG bucket: reduce_bucket_size (${elements}) elements, allocated at start (contiguous_gradients)`
        : `ZeRO-${stage}'s IPG buffer: reduce_bucket_size (${elements}) elements, allocated at each backward (contiguous_gradients; overlap_comm off by default below stage 3)`,
  }
}
