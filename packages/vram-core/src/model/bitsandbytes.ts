/**
 * How bitsandbytes stores a quantized `nn.Linear` weight on the GPU, byte for
 * byte (bitsandbytes `functional.py` `quantize_4bit` / `quantize_blockwise`,
 * `nn/modules.py` `Params4bit` / `Int8Params`, at commit 95f9af3):
 *
 * - 4-bit (`nf4`, `fp4`): two 4-bit codes per byte (`quant_storage` uint8),
 *   one absmax per block of 64 weights (`blocksize=64`), and the 16-entry code
 *   table of the format (fp32). Without double quantization the absmax is fp32
 *   (4 bytes per block). With it (`compress_statistics`, transformers'
 *   `bnb_4bit_use_double_quant`, the QLoRA paper's "double quantization") the
 *   absmaxes minus their mean are quantized blockwise again: one uint8 per
 *   block, one fp32 absmax per 256 blocks, and one fp32 offset; the 256-entry
 *   dynamic code table is shared by every tensor.
 * - 8-bit (`int8`, LLM.int8()): one int8 per weight and one fp32 scale per
 *   output row (`SCB`).
 *
 * Biases are not quantized: they stay in the compute dtype with the rest.
 */

/** bitsandbytes' default 4-bit blocksize (`Params4bit(blocksize=None)` → 64). */
export const blocksize4bit = 64
/** Second-level blocksize of double quantization (`quantize_blockwise(..., blocksize=256)`). */
export const nestedBlocksize = 256
/** The 4-bit code table: 16 fp32 values per quantized tensor. */
const codeBytes = 16 * 4

export type BnbFormat = '4bit' | '8bit'

export interface BnbStorage {
  /** Packed weights. */
  data: number
  /** Scales: absmax (4-bit, with its nested state) or SCB (8-bit). */
  scales: number
  total: number
}

/** Bytes bitsandbytes keeps on the GPU for one `rows × cols` weight. */
export function bnbStorage(
  rows: number,
  cols: number,
  format: BnbFormat,
  doubleQuant = false,
): BnbStorage {
  const elements = rows * cols
  if (format === '8bit') {
    const scales = rows * 4
    return {data: elements, scales, total: elements + scales}
  }
  const data = Math.ceil(elements / 2)
  const blocks = Math.ceil(elements / blocksize4bit)
  const absmax = doubleQuant ? blocks + Math.ceil(blocks / nestedBlocksize) * 4 + 4 : blocks * 4
  const scales = absmax + codeBytes
  return {data, scales, total: data + scales}
}

/**
 * What transformers' `model.get_memory_footprint()` counts for the same
 * weight: parameters only (`nelement() × element_size()`). A `Params4bit`
 * is a uint8 tensor of half the elements; the absmax lives in its
 * `quant_state`, which is neither a parameter nor a buffer, so it is not counted.
 */
export function bnbFootprint(rows: number, cols: number, format: BnbFormat): number {
  const elements = rows * cols
  return format === '8bit' ? elements : Math.ceil(elements / 2)
}

/** Bits per weight of a large 4-bit tensor: 4.5 plain, ≈4.127 double-quantized. */
export function bnbBitsPerWeight(doubleQuant: boolean): number {
  return doubleQuant
    ? 4 + 8 / blocksize4bit + 32 / (blocksize4bit * nestedBlocksize)
    : 4 + 32 / blocksize4bit
}
