/**
 * The activation peak of vLLM's profile run: the "torch peak memory increase"
 * its worker subtracts before sizing the KV cache.
 *
 * `GPUModelRunner.profile_run` (vllm/v1/worker/gpu_model_runner.py) runs one
 * forward pass of `max_num_batched_tokens` tokens over
 * min(max_num_seqs, max_num_batched_tokens) dummy requests, keeps the hidden
 * states, then `_dummy_sampler_run` computes logits for the last token of each
 * request and samples them with temperature 0.5, top-p 0.9 and top-k V − 1, so
 * that the sampler's largest path is measured. `memory_profiling`
 * (vllm/utils/mem_utils.py) records the increase of PyTorch's
 * `allocated_bytes.all.peak` over the run. The peak is therefore the larger of
 * (a) one layer's live tensors during the forward pass and (b) the kept hidden
 * states plus the sampler's tensors. Each is counted tensor by tensor below.
 */
import type {Architecture} from '../../model/architecture.js'
import type {Formula, VllmSettings} from '../../types.js'

export interface ProfilePeak {
  bytes: number
  forward: number
  sampler: number
  /** Requests in the dummy batch: the sampler's rows. */
  rows: number
  formula: Formula
  note: string
}

/**
 * Elements per token alive at once in one layer during the forward pass.
 *
 * Dense MLP (vLLM's `LlamaMLP`: gate_up_proj → SiluAndMul → down_proj), at the
 * activation: the residual stream (h), gate_up's output (2f/tp) and the
 * activation's output (f/tp). Without torch.compile (`enforce_eager`) the
 * caller's frame still holds the normed input (h) as well; compiled graphs free
 * it after its last use. MoE (`fused_experts` in
 * vllm/model_executor/layers/fused_moe/fused_moe.py): the residual and input
 * (2h), the shared cache of w1 and w2 outputs (top_k × max(2f_e/tp, h)), the
 * activation cache (top_k × f_e/tp) and the output (h). Attention is never the
 * peak during profiling: with no attention metadata the kernel is skipped and
 * only its q/k/v and output buffers exist.
 */
export function layerElementsPerToken(model: Architecture, tp: number, eager: boolean): number {
  const h = model.hidden ?? 0
  const heads = model.heads ?? 0
  const dh = model.headDim ?? (heads > 0 ? h / heads : 0)
  const kvPerRank = Math.max(1, (model.kvHeads ?? heads) / tp)
  const attention = model.mla
    ? h +
      (heads / tp) * (model.mla.qkNopeHeadDim + model.mla.qkRopeHeadDim) +
      model.mla.kvLoraRank +
      model.mla.qkRopeHeadDim +
      (heads / tp) * (model.mla.qkNopeHeadDim + model.mla.vHeadDim) +
      (heads / tp) * model.mla.vHeadDim
    : h + (heads / tp) * dh + 2 * kvPerRank * dh + (heads / tp) * dh
  const held = eager ? 2 * h : h
  const dense = model.ffn ? held + (3 * model.ffn) / tp : 0
  let moe = 0
  if (model.moe) {
    const fe = model.moe.expertFfn / tp
    const k = model.moe.expertsPerToken
    const shared = model.moe.sharedExperts > 0 ? (3 * model.moe.sharedExpertFfn) / tp : 0
    moe = 2 * h + k * Math.max(2 * fe, h) + k * fe + h + shared
  }
  return Math.max(attention, dense, moe)
}

/**
 * Bytes per (row × vocabulary) element the sampler holds at its peak.
 *
 * PyTorch path (vLLM's default since v0.11, `TopKTopPSampler.forward_native`,
 * vllm/v1/sample/ops/topk_topp_sampler.py): the model-dtype logits (b), their
 * fp32 copy (`Sampler.forward`: `logits.to(torch.float32)`, 4), then
 * `apply_top_k_top_p` sorts each row: sorted values (4) and int64 indices (8);
 * inside, PyTorch's segmented sort (aten/src/ATen/native/cuda/Sort.cu,
 * `launch_stable_sort_kernel`) builds an int64 index row to sort along (8) and
 * CUB's `DeviceSegmentedRadixSort::SortPairs` takes scratch for alternate keys
 * and values (4 + 8). b + 36 in all.
 *
 * FlashInfer path (`VLLM_USE_FLASHINFER_SAMPLER=1`; vLLM 0.10's default where
 * FlashInfer is installed): `flashinfer.sampling.top_k_top_p_sampling_from_logits`
 * masks the top-k logits into a new fp32 tensor (4) and softmaxes it (4) beside
 * the model-dtype and fp32 logits: b + 12.
 */
export function samplerBytesPerElement(logitBytes: number, flashinfer: boolean): number {
  return flashinfer ? logitBytes + 4 + 4 + 4 : logitBytes + 4 + 4 + 8 + 8 + 12
}

/**
 * The profile run's activation peak on one tensor-parallel rank. Only the last
 * pipeline stage samples; the others end holding the hidden states and the
 * residual they send on (`IntermediateTensors`).
 */
export function profilePeak(
  model: Architecture,
  settings: VllmSettings,
  tp: number,
  activationBytes: number,
  last = true,
): ProfilePeak {
  const tokens = settings.maxNumBatchedTokens
  const rows = Math.min(settings.maxNumSeqs, tokens)
  const h = model.hidden ?? 0
  const V = model.vocab ?? 0
  const perToken = layerElementsPerToken(model, tp, settings.enforceEager)
  const forward = Math.ceil(tokens * perToken * activationBytes)
  // Logits are gathered to the full vocabulary on every rank before sampling.
  const perElement = samplerBytesPerElement(activationBytes, settings.flashinferSampler)
  const kept = tokens * h * activationBytes
  const sampler = last ? Math.ceil(kept + rows * V * perElement) : 2 * kept
  const bytes = Math.max(forward, sampler)
  const b = activationBytes
  return {
    bytes,
    forward,
    sampler,
    rows,
    formula: last
      ? {
          symbolic:
            'M_{act} = \\max\\left(T \\cdot e_{layer} \\cdot b,\\ T h b + R \\cdot V \\cdot s\\right)',
          substituted: `\\max\\left(${tokens} \\cdot ${round(perToken)} \\cdot ${b},\\ ${tokens} \\cdot ${h} \\cdot ${b} + ${rows} \\cdot ${V} \\cdot ${perElement}\\right)`,
        }
      : {
          symbolic: 'M_{act} = \\max\\left(T \\cdot e_{layer} \\cdot b,\\ 2 T h b\\right)',
          substituted: `\\max\\left(${tokens} \\cdot ${round(perToken)} \\cdot ${b},\\ 2 \\cdot ${tokens} \\cdot ${h} \\cdot ${b}\\right)`,
        },
    note: last
      ? `profile run: ${tokens} tokens (max_num_batched_tokens) in ${rows} requests; ${settings.flashinferSampler ? 'FlashInfer' : 'PyTorch-sort'} sampler at ${perElement} bytes per logit; ${settings.enforceEager ? 'eager' : 'torch.compile'} forward`
      : `profile run: ${tokens} tokens (max_num_batched_tokens); no sampler on this pipeline stage; ${settings.enforceEager ? 'eager' : 'torch.compile'} forward`,
  }
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1)
}
