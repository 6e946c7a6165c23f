/**
 * GGUF (llama.cpp) weights: ggml block types and llama.cpp's per-tensor mixes.
 *
 * A GGUF "type" such as `q4_k_m` is a mix: llama.cpp picks each tensor's
 * ggml type by its role and layer (`llama_tensor_get_type` in
 * ggml-org/llama.cpp@007dbbf3fd17eefe9b47fee45f48f7ba5e62b714
 * `src/llama-quant.cpp`): `Q4_K_M` stores most matrices in Q4_K, the output
 * matrix in Q6_K, and `attn_v` / `ffn_down` in Q6_K in the layers where
 * `use_more_bits` holds (the first and last eighth, and every third layer in
 * between). 1-D tensors (norms, biases) and the MoE router stay F32. Block
 * sizes are ggml's (ggml-org/ggml@d99724f2b141fed9e1a9f402213506c081433465
 * `src/ggml-common.h`); GGUF aligns each tensor's data to 32 bytes.
 *
 * What is left out: the file's header, metadata and tokenizer (6–8 MB for a
 * 128K/152K vocabulary; weights = file − header), importance-matrix variants
 * (`IQ2`/`IQ1` mixes need one and are not offered), and a few per-architecture
 * exceptions (Falcon's Q8_0 output, fused `attn_qkv` of Phi-3).
 */

import type {Dtype} from '../types.js'
import type {Architecture, ParamGroup, ParamInventory} from './architecture.js'
import {paramInventory} from './params.js'

/** A ggml storage type: `elements` weights in `bytes` bytes per block. */
interface GgmlType {
  block: number
  bytes: number
}

export const ggmlTypes = {
  f32: {block: 1, bytes: 4},
  f16: {block: 1, bytes: 2},
  bf16: {block: 1, bytes: 2},
  q8_0: {block: 32, bytes: 34},
  q4_0: {block: 32, bytes: 18},
  q4_1: {block: 32, bytes: 20},
  q5_0: {block: 32, bytes: 22},
  q5_1: {block: 32, bytes: 24},
  q2_k: {block: 256, bytes: 84},
  q3_k: {block: 256, bytes: 110},
  q4_k: {block: 256, bytes: 144},
  q5_k: {block: 256, bytes: 176},
  q6_k: {block: 256, bytes: 210},
  iq4_xs: {block: 256, bytes: 136},
  iq4_nl: {block: 32, bytes: 18},
  mxfp4: {block: 32, bytes: 17},
} as const satisfies Record<string, GgmlType>

export type GgmlTypeName = keyof typeof ggmlTypes

/** Bits per weight of a ggml type, scales included. */
export function ggmlBits(type: GgmlTypeName): number {
  const t = ggmlTypes[type]
  return (t.bytes * 8) / t.block
}

/**
 * A file type (`llama-quantize` name) and the ggml type most of its matrices
 * get. (F16/BF16 files are the `fp16`/`bf16` dtypes.)
 */
export const ggufFileTypes = {
  q8_0: 'q8_0',
  q6_k: 'q6_k',
  q5_k_m: 'q5_k',
  q5_k_s: 'q5_k',
  q5_0: 'q5_0',
  q5_1: 'q5_1',
  q4_k_m: 'q4_k',
  q4_k_s: 'q4_k',
  q4_0: 'q4_0',
  q4_1: 'q4_1',
  q3_k_l: 'q3_k',
  q3_k_m: 'q3_k',
  q3_k_s: 'q3_k',
  q2_k: 'q2_k',
  iq4_xs: 'iq4_xs',
  iq4_nl: 'iq4_nl',
  mxfp4_moe: 'mxfp4',
} as const satisfies Record<string, GgmlTypeName>

export type GgufFileType = keyof typeof ggufFileTypes

export const ggufFileTypeNames = Object.keys(ggufFileTypes) as GgufFileType[]

export function isGgufFileType(name: string): name is GgufFileType {
  return Object.hasOwn(ggufFileTypes, name)
}

/** The role of a tensor in llama.cpp's naming, which decides its type in a mix. */
type Role =
  | 'token_embd'
  | 'output'
  | 'attn_q'
  | 'attn_k'
  | 'attn_v'
  | 'attn_output'
  | 'ffn_gate'
  | 'ffn_up'
  | 'ffn_down'
  | 'expert'
  | 'other'
  | 'f32'

interface Tensor {
  role: Role
  elements: number
  /** Row length (ggml `ne[0]`): the matrix's input width. */
  rowLength: number
  /** Index of this tensor among those of its role (`attn_v`, `ffn_down`), and how many there are. */
  index: number
  of: number
  /** A routed-expert (3-D) tensor. */
  routed: boolean
}

/** llama.cpp's `use_more_bits`: the first and last eighth of the layers, and every third between. */
function useMoreBits(i: number, n: number): boolean {
  return i < n / 8 || i >= (7 * n) / 8 || (i - Math.floor(n / 8)) % 3 === 2
}

interface MixContext {
  /** Query heads per KV head. */
  gqa: number
  experts: number
  /** llama.cpp's `LLM_TYPE_70B` (80 layers): attn_v Q3_K/Q4_K becomes Q5_K. */
  seventyB: boolean
}

/** The ggml type llama.cpp gives `tensor` in file type `ftype` (before the block-size fallback). */
function tensorType(ftype: GgufFileType, tensor: Tensor, context: MixContext): GgmlTypeName {
  const base: GgmlTypeName = ggufFileTypes[ftype]
  if (tensor.role === 'f32') return 'f32'
  if (ftype === 'mxfp4_moe') return tensor.routed ? 'mxfp4' : 'q8_0'
  const {index: i, of: n} = tensor
  switch (tensor.role) {
    case 'output':
      return base === 'q8_0' ? 'q8_0' : 'q6_k'
    case 'attn_v': {
      let type: GgmlTypeName = base
      if (ftype === 'q2_k') type = context.gqa >= 4 ? 'q4_k' : 'q3_k'
      else if (ftype === 'q3_k_m') type = i < 2 ? 'q5_k' : 'q4_k'
      else if (ftype === 'q3_k_l') type = 'q5_k'
      else if ((ftype === 'iq4_xs' || ftype === 'iq4_nl') && context.gqa >= 4) type = 'q5_k'
      else if ((ftype === 'q4_k_m' || ftype === 'q5_k_m') && useMoreBits(i, n)) type = 'q6_k'
      else if (ftype === 'q4_k_s' && i < 4) type = 'q5_k'
      if (context.seventyB && (type === 'q3_k' || type === 'q4_k')) type = 'q5_k'
      if (context.experts === 8) type = 'q8_0'
      return type
    }
    case 'attn_k':
      return context.experts === 8 && base !== 'q8_0' ? 'q8_0' : base
    case 'attn_output':
      if (context.experts === 8 && base !== 'q8_0' && base !== 'q4_0' && base !== 'q4_1')
        return base === 'q5_0' || base === 'q5_1' ? base : 'q5_k'
      if (ftype === 'q2_k') return 'q3_k'
      if (ftype === 'q3_k_m') return 'q4_k'
      if (ftype === 'q3_k_l') return 'q5_k'
      return base
    case 'ffn_down': {
      if (ftype === 'q2_k') return 'q3_k'
      if (ftype === 'q3_k_m') return i < n / 16 ? 'q5_k' : 'q4_k'
      if (ftype === 'q3_k_l') return 'q5_k'
      if ((ftype === 'q4_k_m' || ftype === 'q5_k_m') && useMoreBits(i, n)) return 'q6_k'
      if (ftype === 'q4_k_s' && i < n / 8) return 'q5_k'
      if ((ftype === 'iq4_xs' || ftype === 'iq4_nl') && i < n / 8) return 'q5_k'
      return base
    }
    default:
      return base
  }
}

/** llama.cpp's `tensor_type_fallback` when the row length is not a multiple of the block. */
function fallback(type: GgmlTypeName, rowLength: number): GgmlTypeName {
  if (rowLength % ggmlTypes[type].block === 0) return type
  const next: Partial<Record<GgmlTypeName, GgmlTypeName>> = {
    iq4_xs: 'iq4_nl',
    q2_k: 'q4_0',
    q3_k: 'q4_0',
    q4_k: 'q5_0',
    q5_k: 'q5_1',
    q6_k: 'q8_0',
  }
  const other = next[type]
  return other !== undefined && rowLength % ggmlTypes[other].block === 0 ? other : 'f16'
}

const GGUF_ALIGNMENT = 32

function tensorBytes(elements: number, type: GgmlTypeName): number {
  const t = ggmlTypes[type]
  const bytes = Math.ceil(elements / t.block) * t.bytes
  return Math.ceil(bytes / GGUF_ALIGNMENT) * GGUF_ALIGNMENT
}

function roleOf(group: ParamGroup): Role {
  if (group.shape === undefined) return 'f32'
  if (group.family === 'embedding') return 'token_embd'
  if (group.family === 'lm_head') return 'output'
  if (group.family === 'router') return 'f32'
  const name = group.name
  if (group.family === 'expert') return 'expert'
  if (name.endsWith('down_proj') || name.endsWith('fc2')) return 'ffn_down'
  if (name.endsWith('gate_proj')) return 'ffn_gate'
  if (name.endsWith('up_proj') || name.endsWith('fc1')) return 'ffn_up'
  if (name === 'attn.v_proj' || name === 'attn.kv_b_proj') return 'attn_v'
  if (name === 'attn.k_proj') return 'attn_k'
  if (name.startsWith('attn.q')) return 'attn_q'
  if (name === 'attn.o_proj') return 'attn_output'
  return 'other'
}

/**
 * The tensors of a GGUF conversion of `inventory`, one per llama.cpp tensor:
 * routed experts merged into one 3-D tensor per layer and projection, MTP
 * modules left out (llama.cpp does not load them). Dense layers come first in
 * MoE models with dense layers (DeepSeek, GLM, Kimi).
 */
function ggufTensors(architecture: Architecture, inventory: ParamInventory): Tensor[] {
  const layers = architecture.layers ?? 0
  const dense = inventory.moeLayers > 0 ? inventory.denseLayers : layers
  const tensors: Tensor[] = []
  let attnV = 0
  let ffnDown = 0
  const perLayer = inventory.groups.filter((group) => group.placement === 'layer')
  // Count ffn_down and attn_v tensors first: the rules need their totals.
  const kindOf = (layer: number) => (layer < dense ? 'dense' : 'moe')
  const inLayer = (group: ParamGroup, layer: number) =>
    group.layerKind === 'all' || group.layerKind === undefined || group.layerKind === kindOf(layer)
  let totalV = 0
  let totalDown = 0
  for (let layer = 0; layer < layers; layer++) {
    for (const group of perLayer) {
      if (!inLayer(group, layer)) continue
      const role = roleOf(group)
      if (role === 'attn_v') totalV++
      if (role === 'ffn_down' || (role === 'expert' && group.name.endsWith('down_proj')))
        totalDown++
    }
  }
  const moe = inventory.moeLayers > 0
  for (let layer = 0; layer < layers; layer++) {
    for (const group of perLayer) {
      if (!inLayer(group, layer)) continue
      let role = roleOf(group)
      const routed = role === 'expert'
      if (routed) role = group.name.endsWith('down_proj') ? 'ffn_down' : 'ffn_up'
      const rowLength = group.shape?.[1] ?? group.elements
      // Experts and shared experts are stored merged: one tensor of `count` matrices.
      const merged = routed || group.family === 'shared_expert'
      const instances = merged ? [group.elements * group.count] : []
      if (!merged) for (let c = 0; c < group.count; c++) instances.push(group.elements)
      for (const elements of instances) {
        let index = 0
        let of = 0
        if (role === 'attn_v') {
          index = attnV++
          of = totalV
        } else if (role === 'ffn_down') {
          // MoE files: llama.cpp reads the layer from the tensor name.
          index = moe ? layer : ffnDown
          ffnDown++
          of = totalDown
        }
        tensors.push({role, elements, rowLength, index, of, routed})
      }
    }
  }
  for (const group of inventory.groups) {
    // MTP modules are not loaded by llama.cpp; a vision encoder is a separate mmproj file.
    if (
      group.placement === 'layer' ||
      group.family === 'mtp' ||
      group.family === 'vision' ||
      group.name.startsWith('mtp')
    )
      continue
    let role = roleOf(group)
    // A tied embedding is the output matrix for llama.cpp.
    if (role === 'token_embd' && architecture.tiedEmbeddings) role = 'output'
    for (let c = 0; c < group.count; c++) {
      tensors.push({
        role,
        elements: group.elements,
        rowLength: group.shape?.[1] ?? group.elements,
        index: 0,
        of: 0,
        routed: false,
      })
    }
  }
  return tensors
}

export interface GgufWeights {
  /** Bytes of tensor data (no header), each tensor padded to 32 bytes. */
  bytes: number
  /** Parameters stored. */
  params: number
  /** Parameters per ggml type. */
  byType: Partial<Record<GgmlTypeName, number>>
}

/** The tensor data of `ftype` for this model, as llama.cpp's `llama-quantize` would write it. */
export function ggufWeights(
  architecture: Architecture,
  inventory: ParamInventory,
  ftype: GgufFileType,
): GgufWeights {
  const heads = architecture.heads ?? 1
  const context: MixContext = {
    gqa: heads / Math.max(1, architecture.kvHeads ?? heads),
    experts: architecture.moe?.experts ?? 0,
    seventyB: architecture.layers === 80 && !architecture.moe,
  }
  let bytes = 0
  let params = 0
  const byType: Partial<Record<GgmlTypeName, number>> = {}
  for (const tensor of ggufTensors(architecture, inventory)) {
    const type = fallback(tensorType(ftype, tensor, context), tensor.rowLength)
    bytes += tensorBytes(tensor.elements, type)
    params += tensor.elements
    byType[type] = (byType[type] ?? 0) + tensor.elements
  }
  return {bytes, params, byType}
}

/**
 * A GGUF file type as a dtype for this model: the bits per weight of its
 * llama.cpp mix (8 × tensor bytes / parameters), so that the weights come to
 * the file's tensor data exactly on one device.
 */
export function ggufDtype(architecture: Architecture, ftype: GgufFileType): Dtype | undefined {
  if (architecture.layers === undefined || architecture.hidden === undefined) return undefined
  const inventory = paramInventory(architecture)
  const {bytes, params} = ggufWeights(architecture, inventory, ftype)
  if (params <= 0) return undefined
  return {name: ftype, bits: (8 * bytes) / params}
}
