/**
 * `quantization_config` of `quant_method: compressed-tensors` (llm-compressor's
 * checkpoints: RedHatAI / neuralmagic FP8-dynamic, W8A8, W4A16, NVFP4, FP8
 * block), read as vLLM's `CompressedTensorsConfig` reads it: one scheme per
 * `config_groups` entry, applied to the modules its `targets` name (`Linear`:
 * every linear layer) except those in `ignore`.
 *
 * Bits per weight, scales included (compressed-tensors `QuantizationArgs`;
 * scales are stored in the checkpoint's dtype, bf16, except NVFP4's fp8
 * per-16 scales):
 * - `strategy: tensor` / `channel`: `num_bits` (one scale per matrix or per
 *   output row: below 0.05 % of a matrix ≥ 4096 wide, left out);
 * - `strategy: group`: `num_bits` + 16 / `group_size` (+ `num_bits` /
 *   `group_size` for the zero point when not `symmetric`);
 * - `strategy: tensor_group` (NVFP4): 4 + 8 / 16;
 * - `strategy: block` (`block_structure` [r, c]): `num_bits` + 16 / (r·c).
 *
 * `ignore` entries that name the language model's attention or MLP matrices
 * (a first or last layer kept in bf16) would need module-by-module weighing:
 * such a config is reported as not read rather than computed wrongly.
 */
import type {CheckpointReading} from './checkpoint.js'

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const positiveInt = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined

const bitsName = (bits: number): string => `${Number(bits.toFixed(4))}bpw`

/**
 * `ignore` entries that leave the counted linear matrices alone: the output
 * head, embeddings, MoE routers (`mlp.gate`, `shared_expert_gate`), and the
 * vision tower or projector of a multimodal checkpoint (not counted as text).
 */
const harmlessIgnore = [
  /^lm_head$/,
  /(^|\.)embed_tokens$/,
  /(^|[.:*])gate\$?$/,
  /shared_expert_gate/,
  /vision|visual|multi_modal_projector|mm_projector|image/,
  /router/,
]

function harmless(entry: string): boolean {
  const name = entry.startsWith('re:') ? entry.slice(3) : entry
  return harmlessIgnore.some((pattern) => pattern.test(name))
}

export function compressedTensorsCheckpoint(
  q: Readonly<Record<string, unknown>>,
): CheckpointReading {
  const format = typeof q.format === 'string' ? q.format : ''
  // `dense`: saved unquantized (the scheme applies at load time only).
  if (format === 'dense') return {}
  const groups = isRecord(q.config_groups) ? Object.values(q.config_groups).filter(isRecord) : []
  const schemes = groups.map((group) => group.weights).filter(isRecord)
  if (schemes.length === 0) return {unsupported: 'compressed-tensors without a weight scheme'}
  const key = (w: Readonly<Record<string, unknown>>) =>
    JSON.stringify([w.num_bits, w.type, w.strategy, w.group_size, w.block_structure, w.symmetric])
  if (new Set(schemes.map(key)).size > 1) {
    return {unsupported: 'compressed-tensors with several weight schemes'}
  }
  const targets = groups.flatMap((group) => (Array.isArray(group.targets) ? group.targets : []))
  if (!targets.every((target) => target === 'Linear')) {
    return {
      unsupported: `compressed-tensors targeting ${targets.map((t) => `\`${String(t)}\``).join(', ')}`,
    }
  }
  const ignore = Array.isArray(q.ignore)
    ? q.ignore.filter((entry): entry is string => typeof entry === 'string')
    : []
  const kept = ignore.filter((entry) => !harmless(entry))
  if (kept.length > 0) {
    return {
      unsupported: `compressed-tensors keeping linear layers in 16 bits (\`ignore\`: ${kept
        .slice(0, 3)
        .map((entry) => `\`${entry}\``)
        .join(', ')}${kept.length > 3 ? ', …' : ''})`,
    }
  }
  const w = schemes[0] as Readonly<Record<string, unknown>>
  const bits = positiveInt(w.num_bits)
  const type = w.type === 'float' ? 'float' : 'int'
  const strategy = typeof w.strategy === 'string' ? w.strategy : 'tensor'
  if (bits === undefined || bits > 16) return {unsupported: 'compressed-tensors without `num_bits`'}
  const group = positiveInt(w.group_size)
  const block = Array.isArray(w.block_structure) ? w.block_structure.map(positiveInt) : undefined
  let perWeight = bits
  let detail = ''
  if (strategy === 'group' && group) {
    perWeight += 16 / group + (w.symmetric === false ? bits / group : 0)
    detail = `, group ${group}`
  } else if (strategy === 'tensor_group' && group) {
    perWeight += 8 / group
    detail = `, fp8 scale per ${group}`
  } else if (strategy === 'block' && block?.[0] && block[1]) {
    perWeight += 16 / (block[0] * block[1])
    detail = `, ${block[0]}×${block[1]} blocks`
  } else if (strategy === 'tensor' || strategy === 'channel') {
    detail = strategy === 'channel' ? ', per-channel scales' : ', per-tensor scale'
  } else {
    return {unsupported: `compressed-tensors strategy \`${strategy}\``}
  }
  const name =
    type === 'float' && bits === 8 ? 'FP8' : type === 'float' && bits === 4 ? 'FP4' : `INT${bits}`
  const dtypeName =
    perWeight === 8 && type === 'float' ? 'fp8' : perWeight === 8 ? 'int8' : bitsName(perWeight)
  return {
    checkpoint: {
      method: 'compressed-tensors',
      dtype: {name: dtypeName, bits: perWeight},
      scope: 'linear',
      label: `compressed-tensors ${name}${detail}`,
      ...(group && strategy !== 'tensor' && strategy !== 'channel' ? {groupSize: group} : {}),
      ...(block?.[0] && block[1] ? {blockSize: [block[0], block[1]] as const} : {}),
    },
  }
}
