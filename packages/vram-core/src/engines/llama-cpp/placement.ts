/**
 * Where llama.cpp puts each tensor (`llama_model::load_tensors`,
 * src/llama-model.cpp at ggml-org/llama.cpp@3514e9f): the token embedding on
 * the CPU (`dev_input` is always the CPU), the last `n_gpu_layers` blocks on the
 * GPU (`i_gpu_start = max(n_layer − n_gpu_layers, 0)`), the output layer (final
 * norm and output matrix) on the GPU only when `n_gpu_layers > n_layer`; a tied
 * embedding is loaded a second time as the output matrix
 * (`TENSOR_DUPLICATED`). The tensors and their types are the file's own when
 * the model is a local `.gguf`, otherwise llama-quantize's mix for the dtype.
 */
import type {Architecture} from '../../model/architecture.js'
import {
  type GgufFileType,
  ggufSitedTensors,
  isGgufFileType,
  type SitedTensor,
  type TensorSite,
} from '../../model/gguf.js'
import {ggmlBlocks} from '../../model/gguf-file.js'
import {paramInventory} from '../../model/params.js'
import type {Dtype} from '../../types.js'

/** The tensors of a local GGUF file, sited by their names (`blk.N.…`, `token_embd`, `output…`). */
function fileTensors(
  tensors: NonNullable<Architecture['ggufTensors']>,
  tied: boolean,
): SitedTensor[] {
  return tensors.map((tensor) => {
    const block = ggmlBlocks[tensor.type] ?? [1, 2]
    const match = /^blk\.(\d+)\./.exec(tensor.name)
    const site: TensorSite = match
      ? Number(match[1])
      : tensor.name.startsWith('token_embd')
        ? 'input'
        : 'output'
    const role = tensor.name.startsWith('token_embd.weight') && tied ? 'output' : tensor.name
    return {
      site,
      type: String(tensor.type),
      elements: tensor.elements,
      bytes: Math.ceil(tensor.elements / block[0]) * block[1],
      role,
    }
  })
}

/**
 * The model's tensors as llama.cpp loads them. A GGUF file type (`q4_k_m`) is
 * llama-quantize's mix; a 16- or 32-bit dtype is an F16/F32 conversion.
 * Other dtypes have no GGUF file: `undefined`.
 */
export function llamaCppTensors(model: Architecture, weights: Dtype): SitedTensor[] | undefined {
  if (model.ggufTensors) return fileTensors(model.ggufTensors, model.tiedEmbeddings)
  const inventory = paramInventory(model)
  const name = weights.name
  if (isGgufFileType(name)) return ggufSitedTensors(model, inventory, name as GgufFileType)
  if (name === 'fp16' || name === 'bf16') return ggufSitedTensors(model, inventory, 'f16')
  if (name === 'fp32') return ggufSitedTensors(model, inventory, 'f32')
  // Another dtype (an estimate in bits per weight): the F16 layout at that width.
  const f16 = ggufSitedTensors(model, inventory, 'f16')
  const bits = weights.bits
  return f16.map((tensor) =>
    tensor.type === 'f32'
      ? tensor
      : {...tensor, bytes: Math.ceil((tensor.elements * bits) / 8), type: name},
  )
}

export interface Placement {
  /** Blocks on the GPU(s): the last `gpuBlocks` of them. */
  gpuBlocks: number
  /** First block on the GPU (`i_gpu_start`). */
  firstGpuBlock: number
  outputOnGpu: boolean
  /** Model buffer bytes per device: GPU (all GPUs together) and CPU. */
  gpuBytes: number
  cpuBytes: number
  /** Bytes of each block (all its tensors). */
  blockBytes: number[]
  inputBytes: number
  outputBytes: number
  /** The largest weight matrix left on the CPU (the scheduler copies it to the GPU for large batches). */
  largestCpuMatrix: number
  /** The output matrix's bytes (the LM head, or the tied embedding). */
  outputMatrixBytes: number
}

/** Places the tensors for `nGpuLayers` (blocks + output layer, as llama.cpp counts them). */
export function place(tensors: SitedTensor[], blocks: number, nGpuLayers: number): Placement {
  const firstGpuBlock = Math.max(blocks - nGpuLayers, 0)
  const outputOnGpu = nGpuLayers > blocks
  const blockBytes = new Array<number>(blocks).fill(0)
  let inputBytes = 0
  let outputBytes = 0
  let gpuBytes = 0
  let cpuBytes = 0
  let largestCpuMatrix = 0
  let outputMatrixBytes = 0
  for (const tensor of tensors) {
    const {site, bytes} = tensor
    if (typeof site === 'number') {
      if (site < blocks) blockBytes[site] = (blockBytes[site] ?? 0) + bytes
      if (site >= firstGpuBlock) gpuBytes += bytes
      else {
        cpuBytes += bytes
        if (tensor.type !== 'f32' && tensor.type !== '0')
          largestCpuMatrix = Math.max(largestCpuMatrix, bytes)
      }
      continue
    }
    if (site === 'input') {
      inputBytes += bytes
      cpuBytes += bytes
      continue
    }
    // The output layer; a tied embedding also serves as the input on the CPU.
    const matrix = tensor.role === 'output' || tensor.role.startsWith('output.weight')
    if (matrix) outputMatrixBytes = Math.max(outputMatrixBytes, bytes)
    const tiedInput = tensor.role === 'output' && !tensors.some((t) => t.site === 'input')
    if (tiedInput) {
      inputBytes += bytes
      cpuBytes += bytes
    }
    outputBytes += bytes
    if (outputOnGpu) gpuBytes += bytes
    else if (!tiedInput) {
      cpuBytes += bytes
      if (matrix) largestCpuMatrix = Math.max(largestCpuMatrix, bytes)
    } else if (matrix) largestCpuMatrix = Math.max(largestCpuMatrix, bytes)
  }
  return {
    gpuBlocks: blocks - firstGpuBlock,
    firstGpuBlock,
    outputOnGpu,
    gpuBytes,
    cpuBytes,
    blockBytes,
    inputBytes,
    outputBytes,
    largestCpuMatrix,
    outputMatrixBytes,
  }
}
