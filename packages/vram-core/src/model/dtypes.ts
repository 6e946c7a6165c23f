import type {Dtype} from '../types.js'
import {ggmlBits, ggufFileTypes, isGgufFileType} from './gguf.js'

/**
 * Bits per element of each storage format, scale overhead included where the
 * format stores scales. Sources: IEEE 754 / the formats' definitions;
 * bitsandbytes NF4 (block of 64 weights shares one fp32 absmax: 4 + 32/64);
 * OCP MX spec (MXFP4: 32 weights share one 8-bit scale: 4 + 8/32).
 * `int4` and `int8` are the article's idealised 0.5 and 1 byte; a real
 * group-quantised format is written as bits per weight (`4.25bpw`).
 */
export const dtypeBits = {
  fp32: 32,
  // TF32 is a matmul mode: tensors are stored in fp32.
  tf32: 32,
  bf16: 16,
  fp16: 16,
  fp8: 8,
  int8: 8,
  int4: 4,
  nf4: 4 + 32 / 64,
  // bitsandbytes FP4: the same storage as NF4, another code table.
  fp4: 4 + 32 / 64,
  mxfp4: 4 + 8 / 32,
} as const

export type DtypeName = keyof typeof dtypeBits

export const dtypeNames = Object.keys(dtypeBits) as DtypeName[]

/**
 * GGUF file types (`q4_k_m`, `q8_0`, `iq4_xs`, ...) are accepted as dtypes: on
 * their own they carry the bits of the ggml type most matrices get; with a
 * model's shape the scenario replaces them by llama.cpp's per-tensor mix
 * (`model/gguf.ts`).
 */
export const ggufDtypeNames = Object.keys(ggufFileTypes)

const bpwPattern = /^\s*(\d+(?:\.\d+)?)\s*bpw\s*$/i

/** A dtype as written (`bf16`, `BF16`, `4.5bpw`), or `undefined`. */
export function parseDtype(value: unknown): Dtype | undefined {
  if (typeof value !== 'string') return undefined
  const name = value.trim().toLowerCase()
  if (Object.hasOwn(dtypeBits, name)) return {name, bits: dtypeBits[name as DtypeName]}
  if (isGgufFileType(name)) return {name, bits: ggmlBits(ggufFileTypes[name])}
  const match = bpwPattern.exec(name)
  if (match) {
    const bits = Number(match[1])
    if (bits > 0 && bits <= 32) return {name: `${match[1]}bpw`, bits}
  }
  return undefined
}

export function dtype(name: DtypeName): Dtype {
  return {name, bits: dtypeBits[name]}
}

/** Floating-point formats that can hold activations, gradients and KV cache. */
export function isFloat(type: Dtype): boolean {
  return ['fp32', 'tf32', 'bf16', 'fp16', 'fp8'].includes(type.name)
}

/** Bytes for `elements` elements of `type`, rounded up to whole bytes. */
export function bytesOf(elements: number, type: Dtype): number {
  return Math.ceil((elements * type.bits) / 8)
}
