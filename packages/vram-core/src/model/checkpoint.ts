/**
 * A checkpoint's `quantization_config` → how its weights are stored.
 *
 * Official quantized checkpoints keep some tensors in 16 bits: FP8 DeepSeek,
 * Kimi and Qwen3 checkpoints quantize every linear layer of attention and MLP
 * (`modules_to_not_convert`: embeddings, `lm_head`, norms, the router);
 * gpt-oss's MXFP4 covers the routed experts only. A preset or config that
 * carries one computes the checkpoint as shipped when the block gives no
 * `dtype` (the engine's `quantize` scopes `linear` / `experts` place the bits).
 *
 * Bits per weight include the scales the format stores:
 * - FP8 with `weight_block_size` [128, 128] (DeepSeek-V3 `weight_scale_inv`,
 *   transformers `FineGrainedFP8Config`): one fp32 scale per 128×128 block,
 *   8 + 32/16384 bits.
 * - MXFP4 (OCP MX spec): one 8-bit scale per 32 weights, 4.25 bits.
 * - AWQ (`AutoAWQ` GEMM layout) and GPTQ: per group of `group_size` input
 *   rows, one fp16 scale and one packed `bits`-wide zero point per output
 *   column: bits + (16 + bits)/group_size. GPTQ's `g_idx` (one int32 per input
 *   row, < 0.01 % of a 4096-wide matrix) is left out.
 * - bitsandbytes 4-bit (NF4/FP4): one fp32 absmax per 64 weights, 4.5 bits.
 */

import type {CheckpointQuantization, ParamInventory} from './architecture.js'
import {compressedTensorsCheckpoint} from './compressed-tensors.js'

export type {CheckpointQuantization} from './architecture.js'

export type CheckpointReading =
  | {checkpoint: CheckpointQuantization}
  | {checkpoint?: undefined; unsupported?: string | undefined}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const positiveInt = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined

/** Trim float noise from derived bit widths (8 + 32/16384 → 8.001953125). */
const bitsName = (bits: number): string => `${Number(bits.toFixed(4))}bpw`

export function checkpointFromConfig(config: Readonly<Record<string, unknown>>): CheckpointReading {
  const q = config.quantization_config
  if (!isRecord(q)) return {}
  const method = typeof q.quant_method === 'string' ? q.quant_method.toLowerCase() : ''
  if (method === 'fp8') {
    const block = Array.isArray(q.weight_block_size) ? q.weight_block_size : undefined
    const rows = positiveInt(block?.[0])
    const cols = positiveInt(block?.[1])
    const fmt = typeof q.fmt === 'string' ? q.fmt : 'e4m3'
    if (rows && cols) {
      return {
        checkpoint: {
          method,
          dtype: {name: 'fp8', bits: 8 + 32 / (rows * cols)},
          scope: 'linear',
          label: `FP8 ${fmt}, ${rows}×${cols} blocks`,
          blockSize: [rows, cols],
        },
      }
    }
    return {
      checkpoint: {method, dtype: {name: 'fp8', bits: 8}, scope: 'linear', label: `FP8 ${fmt}`},
    }
  }
  if (method === 'mxfp4') {
    return {
      checkpoint: {
        method,
        dtype: {name: 'mxfp4', bits: 4 + 8 / 32},
        scope: 'experts',
        label: 'MXFP4 routed experts',
        groupSize: 32,
      },
    }
  }
  if (method === 'awq' || method === 'gptq') {
    const bits = positiveInt(q.bits ?? q.w_bit) ?? 4
    const group = positiveInt(q.group_size ?? q.q_group_size)
    const perWeight = group ? bits + (16 + bits) / group : bits
    return {
      checkpoint: {
        method,
        dtype: {name: bitsName(perWeight), bits: perWeight},
        scope: 'linear',
        label: `${method.toUpperCase()} ${bits}-bit${group ? `, group ${group}` : ''}`,
        ...(group ? {groupSize: group} : {}),
      },
    }
  }
  if (method === 'fbgemm_fp8') {
    const kept = Array.isArray(q.modules_to_not_convert)
      ? q.modules_to_not_convert.filter((name): name is string => typeof name === 'string')
      : []
    return {
      checkpoint: {
        method,
        // Placeholder until `exactCheckpoint` weighs the modules: FP8 with one fp32 scale per row.
        dtype: {name: 'fp8', bits: 8},
        scope: 'linear',
        label: 'FP8 row-wise (fbgemm)',
        notConverted: kept,
      },
    }
  }
  if (method === 'bitsandbytes' && (q.load_in_4bit === true || q._load_in_4bit === true)) {
    const type = typeof q.bnb_4bit_quant_type === 'string' ? q.bnb_4bit_quant_type : 'nf4'
    return {
      checkpoint: {
        method,
        dtype: {name: 'nf4', bits: 4 + 32 / 64},
        scope: 'linear',
        label: `bitsandbytes ${type}`,
        groupSize: 64,
      },
    }
  }
  if (method === 'bitsandbytes' && (q.load_in_8bit === true || q._load_in_8bit === true)) {
    // LLM.int8(): one int8 per weight; its fp32 scale per output row (`SCB`, 32 bits over a
    // row of ≥ 2048 weights: < 0.2 %) is left out, as for per-channel FP8.
    return {
      checkpoint: {
        method,
        dtype: {name: 'int8', bits: 8},
        scope: 'linear',
        label: 'bitsandbytes LLM.int8()',
      },
    }
  }
  if (method === 'compressed-tensors') return compressedTensorsCheckpoint(q)
  return {unsupported: method || 'an unnamed method'}
}

/** Hugging Face module names of the engine's per-layer matrices (Llama-style decoders). */
const moduleNames: Readonly<Record<string, string>> = {
  'attn.q_proj': 'self_attn.q_proj',
  'attn.k_proj': 'self_attn.k_proj',
  'attn.v_proj': 'self_attn.v_proj',
  'attn.o_proj': 'self_attn.o_proj',
  'mlp.gate_proj': 'mlp.gate_proj',
  'mlp.up_proj': 'mlp.up_proj',
  'mlp.down_proj': 'mlp.down_proj',
}

/**
 * A checkpoint that names the modules it keeps in 16 bits, weighed module by
 * module: FP8 matrices with one fp32 scale per output row (fbgemm's row-wise
 * FP8), the others bf16. The result is a format covering every parameter
 * whose bits per weight make the count weigh exactly the checkpoint's bytes
 * (on one device; split in proportion under parallelism).
 */
export function exactCheckpoint(
  checkpoint: CheckpointQuantization,
  inventory: ParamInventory,
  layers: number,
): CheckpointQuantization {
  if (!checkpoint.notConverted) return checkpoint
  const kept = new Set(checkpoint.notConverted)
  let bytes = 0
  let converted = 0
  // Layers of each kind, dense ones first (DeepSeek, GLM); `all` = every layer.
  const spans = {
    all: [0, layers],
    dense: [0, inventory.denseLayers],
    moe: [inventory.denseLayers, inventory.denseLayers + inventory.moeLayers],
  } as const
  for (const group of inventory.groups) {
    const [first, end] = spans[group.placement === 'layer' ? (group.layerKind ?? 'all') : 'all']
    const instances = group.placement === 'layer' ? end - first : 1
    const total = group.elements * group.count * instances
    const module = moduleNames[group.name]
    const rows = group.shape?.[0]
    if (group.placement === 'layer' && module !== undefined && rows !== undefined) {
      for (let layer = first; layer < end; layer++) {
        if (kept.has(`model.layers.${layer}.${module}`)) bytes += 2 * group.elements
        else {
          bytes += group.elements + 4 * rows
          converted++
        }
      }
    } else if (group.family === 'lm_head' && !kept.has('lm_head') && rows !== undefined) {
      bytes += total + 4 * rows
      converted++
    } else {
      bytes += 2 * total
    }
  }
  return {
    ...checkpoint,
    dtype: {name: 'fp8', bits: (8 * bytes) / inventory.total},
    scope: 'all',
    label: `${checkpoint.label}: ${converted} matrices in FP8, ${kept.size} kept in BF16`,
  }
}
