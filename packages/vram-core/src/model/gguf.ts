/**
 * GGUF (llama.cpp) weights: ggml block types and llama.cpp's per-tensor mixes.
 *
 * A GGUF "type" such as `q4_k_m` is a mix: llama.cpp picks each tensor's
 * ggml type by its role and layer (`llama_tensor_get_type` in
 * ggml-org/llama.cpp@007dbbf3fd17eefe9b47fee45f48f7ba5e62b714
 * `src/llama-quant.cpp`): `Q4_K_M` stores most matrices in Q4_K, the output
 * matrix in Q6_K, and `attn_v` / `ffn_down` in Q6_K in the layers where
 * `use_more_bits` holds (the first and last eighth, and every third layer in
 * between). 1-D tensors (norms, biases) and the MoE router stay F32. The
 * IQ mixes (`iq1_s` … `iq4_xs`) follow their own rules in the same function;
 * IQ1, IQ2 and IQ3_XXS files need an importance matrix, whose branches apply. Block
 * sizes are ggml's (ggml-org/ggml@d99724f2b141fed9e1a9f402213506c081433465
 * `src/ggml-common.h`); GGUF aligns each tensor's data to 32 bytes.
 *
 * What is left out: the file's header, metadata and tokenizer (6–8 MB for a
 * 128K/152K vocabulary; weights = file − header), and a few per-architecture
 * exceptions (Falcon's Q8_0 output). A local `.gguf` file gives its real mix.
 */

import type {Dtype, Source} from '../types.js'
import type {Architecture, ParamGroup, ParamInventory} from './architecture.js'
import {paramInventory} from './params.js'

/** Where a GGUF file's weights come from: llama-quantize's per-tensor mix and ggml's blocks. */
export const ggufSource: Source = {
  title:
    'llama.cpp GGUF: llama-quantize per-tensor types (llama_tensor_get_type, src/llama-quant.cpp) and ggml block sizes (ggml-common.h), ggml-org/llama.cpp@007dbbf',
  short: 'llama.cpp',
  locator: 'src/llama-quant.cpp',
  url: 'https://github.com/ggml-org/llama.cpp/blob/007dbbf3fd17eefe9b47fee45f48f7ba5e62b714/src/llama-quant.cpp',
}

/** Whether a dtype is a GGUF file's (a llama-quantize type, or a local file's own mix). */
export function isGgufWeights(type: Dtype): boolean {
  return type.name === 'gguf' || isGgufFileType(type.name)
}

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
  iq3_s: {block: 256, bytes: 110},
  iq3_xxs: {block: 256, bytes: 98},
  iq2_s: {block: 256, bytes: 82},
  iq2_xs: {block: 256, bytes: 74},
  iq2_xxs: {block: 256, bytes: 66},
  iq1_m: {block: 256, bytes: 56},
  iq1_s: {block: 256, bytes: 50},
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
  iq3_m: 'iq3_s',
  iq3_s: 'iq3_s',
  iq3_xs: 'iq3_s',
  iq3_xxs: 'iq3_xxs',
  iq2_m: 'iq2_s',
  iq2_s: 'iq2_xs',
  iq2_xs: 'iq2_xs',
  iq2_xxs: 'iq2_xxs',
  iq1_m: 'iq1_m',
  iq1_s: 'iq1_s',
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
  | 'attn_qkv'
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
  /** The block (layer) it belongs to; `undefined` for the embedding, output and final norm. */
  layer?: number | undefined
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
  /** Blocks (for the per-layer rules of ffn_gate/ffn_up). */
  layers: number
}

/** The 1- and 2-bit IQ mixes, which share one set of rules in `llama_tensor_get_type_impl`. */
const lowIq = new Set(['iq2_xxs', 'iq2_xs', 'iq1_s', 'iq2_s', 'iq2_m', 'iq1_m'])

/**
 * The IQ mixes' own rules (llama.cpp@007dbbf `llama_tensor_get_type_impl`). IQ1,
 * IQ2 and IQ3_XXS files need an importance matrix, so its branches are taken.
 */
function iqTensorType(
  ftype: GgufFileType,
  tensor: Tensor,
  context: MixContext,
): GgmlTypeName | undefined {
  if (!ftype.startsWith('iq') || ftype === 'iq4_xs' || ftype === 'iq4_nl') return undefined
  const base: GgmlTypeName = ggufFileTypes[ftype]
  const {index: i, of: n} = tensor
  const twoBitS = ftype === 'iq2_s' || ftype === 'iq2_m'
  const oneBit = ftype === 'iq1_s' || ftype === 'iq1_m'
  switch (tensor.role) {
    case 'output':
      return lowIq.has(ftype) || ftype === 'iq3_xxs' ? 'q5_k' : 'q6_k'
    case 'token_embd':
      if (lowIq.has(ftype)) return twoBitS ? 'iq3_s' : 'q2_k'
      if (ftype === 'iq3_xxs') return 'iq3_s'
      return base
  }
  if (lowIq.has(ftype)) {
    switch (tensor.role) {
      case 'attn_v':
        if (context.gqa >= 4 || context.experts >= 4) return 'q4_k'
        return twoBitS ? 'iq3_s' : 'q2_k'
      case 'attn_k':
        return context.experts === 8 ? 'q4_k' : base
      case 'ffn_down':
        return i < n / 8 ? (twoBitS ? 'iq3_s' : 'q2_k') : base
      case 'attn_output':
        if (context.experts === 8) return 'q5_k'
        return oneBit ? 'iq2_xxs' : twoBitS ? 'iq3_s' : base
      default:
        return base
    }
  }
  // IQ3_XXS, IQ3_XS, IQ3_S, IQ3_M.
  switch (tensor.role) {
    case 'attn_v': {
      let type: GgmlTypeName = base
      if (ftype === 'iq3_xxs') type = context.gqa >= 4 ? 'q4_k' : 'iq3_xxs'
      else if ((ftype === 'iq3_xs' || ftype === 'iq3_s') && context.gqa >= 4) type = 'q4_k'
      else if (ftype === 'iq3_m') type = 'q4_k'
      if (context.seventyB && type === 'q4_k') type = 'q5_k'
      if (context.experts === 8) type = 'q8_0'
      return type
    }
    case 'attn_k':
      if (context.experts === 8) return 'q8_0'
      return ftype === 'iq3_xs' ? 'iq3_xxs' : ftype === 'iq3_xxs' ? 'iq2_s' : base
    case 'attn_q':
      return ftype === 'iq3_xs' ? 'iq3_xxs' : ftype === 'iq3_xxs' ? 'iq2_s' : base
    case 'ffn_down':
      if (ftype === 'iq3_m' && (i < n / 8 || (context.experts === 8 && useMoreBits(i, n))))
        return 'q4_k'
      return base
    case 'attn_output':
      if (context.experts === 8)
        return ftype === 'iq3_xxs' || ftype === 'iq3_xs' || ftype === 'iq3_s' || ftype === 'iq3_m'
          ? 'q5_k'
          : base
      return ftype === 'iq3_xxs' ? 'iq3_s' : ftype === 'iq3_m' ? 'q4_k' : base
    case 'attn_qkv':
      return ftype === 'iq3_m' ? 'q4_k' : base
    case 'ffn_gate':
    case 'ffn_up': {
      const layer = tensor.layer ?? 0
      return ftype === 'iq3_xs' && layer >= context.layers / 8 && layer < (7 * context.layers) / 8
        ? 'iq3_xxs'
        : base
    }
    default:
      return base
  }
}

/** The ggml type llama.cpp gives `tensor` in file type `ftype` (before the block-size fallback). */
function tensorType(ftype: GgufFileType, tensor: Tensor, context: MixContext): GgmlTypeName {
  const base: GgmlTypeName = ggufFileTypes[ftype]
  if (tensor.role === 'f32') return 'f32'
  if (ftype === 'mxfp4_moe') return tensor.routed ? 'mxfp4' : 'q8_0'
  const iq = iqTensorType(ftype, tensor, context)
  if (iq) return iq
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
    case 'attn_qkv':
      // A fused QKV matrix (GPT-NeoX, Phi, Falcon, BLOOM, MPT, GPT-2 conversions).
      if (ftype === 'q3_k_m' || ftype === 'q3_k_l') return 'q4_k'
      if (ftype === 'q4_k_m') return 'q5_k'
      if (ftype === 'q5_k_m') return 'q6_k'
      return base
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
    iq3_s: 'iq4_nl',
    iq3_xxs: 'iq4_nl',
    iq2_s: 'iq4_nl',
    iq2_xs: 'iq4_nl',
    iq2_xxs: 'iq4_nl',
    iq1_m: 'iq4_nl',
    iq1_s: 'iq4_nl',
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

/** Architectures whose GGUF conversion stores Q, K and V as one `attn_qkv` matrix (convert_hf_to_gguf.py). */
const fusedQkv = new Set([
  'gpt_neox',
  'phi3',
  'phi',
  'falcon',
  'bloom',
  'mpt',
  'gpt2',
  'gpt_bigcode',
])

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
  const fused = fusedQkv.has(architecture.modelType ?? '')
  const isQkv = (group: ParamGroup) =>
    fused &&
    group.shape !== undefined &&
    (group.name === 'attn.q_proj' || group.name === 'attn.k_proj' || group.name === 'attn.v_proj')
  if (fused) {
    // No separate attn_v tensors: `use_more_bits` counts none.
    totalV = 0
  }
  for (let layer = 0; layer < layers; layer++) {
    if (fused) {
      const parts = perLayer.filter((group) => inLayer(group, layer) && isQkv(group))
      if (parts.length > 0) {
        const elements = parts.reduce((sum, group) => sum + group.elements * group.count, 0)
        const rowLength = parts[0]?.shape?.[1] ?? elements
        tensors.push({role: 'attn_qkv', elements, rowLength, index: 0, of: 0, routed: false, layer})
      }
    }
    for (const group of perLayer) {
      if (!inLayer(group, layer) || isQkv(group)) continue
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
        tensors.push({role, elements, rowLength, index, of, routed, layer})
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
    layers: architecture.layers ?? 0,
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

/** Where llama.cpp's loader assigns a tensor: a block, the input (token embedding) or the output. */
export type TensorSite = number | 'input' | 'output'

/** One tensor of a GGUF file as llama.cpp loads it: its site, its ggml type and its bytes. */
export interface SitedTensor {
  site: TensorSite
  type: GgmlTypeName | string
  elements: number
  /** Bytes of its data (ggml blocks, before any buffer alignment). */
  bytes: number
  /** `output` when the tied embedding serves as the LM head (llama.cpp duplicates it there). */
  role: string
  /** Row length (ggml `ne[0]`), when known. */
  rowLength?: number | undefined
}

/**
 * The tensors of `ftype` for this model, each with the block it belongs to, as
 * llama.cpp's `llama-quantize` would write them (the mix of
 * `llama_tensor_get_type`). A tied embedding yields one tensor: llama.cpp
 * loads it as `token_embd` on the input device and again as the output matrix
 * when the output layer is offloaded (`TENSOR_DUPLICATED`).
 */
export function ggufSitedTensors(
  architecture: Architecture,
  inventory: ParamInventory,
  ftype: GgufFileType | 'f16' | 'f32',
): SitedTensor[] {
  const heads = architecture.heads ?? 1
  const context: MixContext = {
    gqa: heads / Math.max(1, architecture.kvHeads ?? heads),
    experts: architecture.moe?.experts ?? 0,
    seventyB: architecture.layers === 80 && !architecture.moe,
    layers: architecture.layers ?? 0,
  }
  return ggufTensors(architecture, inventory).map((tensor) => {
    const type: GgmlTypeName =
      tensor.role === 'f32'
        ? 'f32'
        : ftype === 'f16' || ftype === 'f32'
          ? ftype
          : fallback(tensorType(ftype, tensor, context), tensor.rowLength)
    const t = ggmlTypes[type]
    const site: TensorSite =
      tensor.layer !== undefined ? tensor.layer : tensor.role === 'token_embd' ? 'input' : 'output'
    return {
      site,
      type,
      elements: tensor.elements,
      bytes: Math.ceil(tensor.elements / t.block) * t.bytes,
      role: tensor.role,
      rowLength: tensor.rowLength,
    }
  })
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
