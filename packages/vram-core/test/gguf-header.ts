import {truncateSync, writeFileSync} from 'node:fs'

/** ggml type ids (ggml.h `enum ggml_type`). */
const F32 = 0
const Q4_K = 12
const Q6_K = 14

/**
 * A GGUF v3 header as llama.cpp writes it (gguf.cpp: magic, version, tensor
 * count, KV count, KV pairs, tensor infos), for a Llama-2-7B Q4_K_M: the
 * tensor types llama-quantize gives each tensor. No tensor data follows: the
 * engine reads the header only.
 */
export function llama2Q4KMHeader(): Buffer {
  const parts: Buffer[] = []
  const u32 = (n: number) => {
    const b = Buffer.alloc(4)
    b.writeUInt32LE(n)
    parts.push(b)
  }
  const u64 = (n: number) => {
    const b = Buffer.alloc(8)
    b.writeBigUInt64LE(BigInt(n))
    parts.push(b)
  }
  const str = (s: string) => {
    u64(Buffer.byteLength(s))
    parts.push(Buffer.from(s))
  }
  const kv: Array<[string, 'u32' | 'str', number | string]> = [
    ['general.architecture', 'str', 'llama'],
    ['general.name', 'str', 'Llama 2 7B (test header)'],
    ['general.file_type', 'u32', 15],
    ['llama.context_length', 'u32', 4096],
    ['llama.embedding_length', 'u32', 4096],
    ['llama.block_count', 'u32', 32],
    ['llama.feed_forward_length', 'u32', 11008],
    ['llama.attention.head_count', 'u32', 32],
    ['llama.attention.head_count_kv', 'u32', 32],
    ['llama.vocab_size', 'u32', 32000],
  ]
  const tensors: Array<[string, number[], number]> = []
  const moreBits = (i: number, n: number) => i < n / 8 || i >= (7 * n) / 8 || (i - n / 8) % 3 === 2
  tensors.push(['token_embd.weight', [4096, 32000], Q4_K])
  for (let i = 0; i < 32; i++) {
    const high = moreBits(i, 32) ? Q6_K : Q4_K
    tensors.push([`blk.${i}.attn_norm.weight`, [4096], F32])
    tensors.push([`blk.${i}.attn_q.weight`, [4096, 4096], Q4_K])
    tensors.push([`blk.${i}.attn_k.weight`, [4096, 4096], Q4_K])
    tensors.push([`blk.${i}.attn_v.weight`, [4096, 4096], high])
    tensors.push([`blk.${i}.attn_output.weight`, [4096, 4096], Q4_K])
    tensors.push([`blk.${i}.ffn_norm.weight`, [4096], F32])
    tensors.push([`blk.${i}.ffn_gate.weight`, [4096, 11008], Q4_K])
    tensors.push([`blk.${i}.ffn_up.weight`, [4096, 11008], Q4_K])
    tensors.push([`blk.${i}.ffn_down.weight`, [11008, 4096], high])
  }
  tensors.push(['output_norm.weight', [4096], F32])
  tensors.push(['output.weight', [4096, 32000], Q6_K])

  parts.push(Buffer.from('GGUF'))
  u32(3)
  u64(tensors.length)
  u64(kv.length)
  for (const [key, type, value] of kv) {
    str(key)
    if (type === 'u32') {
      u32(4) // GGUF_TYPE_UINT32
      u32(value as number)
    } else {
      u32(8) // GGUF_TYPE_STRING
      str(value as string)
    }
  }
  // Each tensor's data at its offset from the data section, padded to the
  // alignment (32), as gguf.cpp lays them out.
  let offset = 0
  for (const [name, dims, type] of tensors) {
    str(name)
    u32(dims.length)
    for (const dim of dims) u64(dim)
    u32(type)
    u64(offset)
    const [blockSize, blockBytes] = ggmlBlock[type] as [number, number]
    const elements = dims.reduce((product, dim) => product * dim, 1)
    offset += Math.ceil((Math.ceil(elements / blockSize) * blockBytes) / 32) * 32
  }
  dataBytes = offset
  const header = Buffer.concat(parts)
  return Buffer.concat([header, Buffer.alloc(32 - (header.length % 32))])
}

/** ggml type → [elements per block, bytes per block] (ggml.c `type_traits`, ggml-org/ggml@d99724f). */
const ggmlBlock: Record<number, [number, number]> = {
  [F32]: [1, 4],
  [Q4_K]: [256, 144],
  [Q6_K]: [256, 210],
}

/** Bytes of tensor data after `llama2Q4KMHeader()` (set when it is built). */
let dataBytes = 0

/**
 * Writes the whole `.gguf` file: the header, then its tensor data as a hole
 * (a sparse file: 3.8 GB long, no disk used), so the file is as long as its
 * header says.
 */
export function writeLlama2Q4KM(path: string): void {
  const header = llama2Q4KMHeader()
  writeFileSync(path, header)
  truncateSync(path, header.length + dataBytes)
}

/**
 * A GGUF v3 header (no tensor data) with `keys` (numbers as uint32, strings as
 * strings) and `tensors`, for hostile headers written by hand.
 */
export function ggufHeader(
  keys: ReadonlyArray<readonly [string, number | string]>,
  tensors: ReadonlyArray<{name: string; dims: readonly bigint[]; type: number}>,
): Buffer {
  const parts: Buffer[] = [Buffer.from('GGUF')]
  const u32 = (n: number) => parts.push(Buffer.from(new Uint32Array([n]).buffer))
  const u64 = (n: bigint) => parts.push(Buffer.from(new BigUint64Array([n]).buffer))
  const str = (text: string) => {
    u64(BigInt(Buffer.byteLength(text)))
    parts.push(Buffer.from(text))
  }
  u32(3)
  u64(BigInt(tensors.length))
  u64(BigInt(keys.length))
  for (const [key, value] of keys) {
    str(key)
    if (typeof value === 'number') {
      u32(4) // GGUF_TYPE_UINT32
      u32(value)
    } else {
      u32(8) // GGUF_TYPE_STRING
      str(value)
    }
  }
  for (const tensor of tensors) {
    str(tensor.name)
    u32(tensor.dims.length)
    for (const dim of tensor.dims) u64(dim)
    u32(tensor.type)
    u64(0n) // every tensor at the start of the data: enough for one
  }
  return Buffer.concat(parts)
}
