/**
 * Model presets: lookup by id and "did you mean" within the catalogue
 * (`../catalogue/models.ts` holds the data and each entry's source).
 */
import {type HfConfig, type ModelRecord, modelRecords} from '../catalogue/models.js'

export type {HfConfig}
export type ModelPreset = ModelRecord

export const modelPresets: readonly ModelPreset[] = modelRecords

const HF_URL_PREFIX = /^(?:https?:\/\/)?(?:huggingface\.co|hf\.co)\//i

/** Longest model name a lookup or suggestion reads: longer values name no model. */
const maxNameLength = 200

/** Fine-tuned variants with the base model's shape: `-Instruct`, `-it`, `-chat`, `-base`, `-pt`. */
const VARIANT_SUFFIX = /-(?:instruct|it|chat|base|pt)$/

const presetIndex = new Map<string, ModelPreset>()
for (const preset of modelPresets) {
  for (const key of [preset.short, preset.id, ...preset.aliases]) {
    presetIndex.set(key.toLowerCase(), preset)
  }
}

function cleanName(name: string): string {
  return name.trim().replace(HF_URL_PREFIX, '').replace(/\/+$/, '').toLowerCase()
}

/**
 * A preset by short id, alias or Hugging Face repo id, case-insensitive
 * (`llama-2-7b`, `META-LLAMA/Llama-2-7b-hf`, `https://huggingface.co/Qwen/Qwen3-8B`).
 * An `-Instruct`, `-it`, `-chat`, `-base` or `-pt` id resolves to the preset of
 * the same shape (`Qwen/Qwen2.5-7B-Instruct` → `Qwen/Qwen2.5-7B`).
 */
export function findModelPreset(name: string): ModelPreset | undefined {
  if (name.length > maxNameLength) return undefined
  const key = cleanName(name)
  const found = presetIndex.get(key)
  if (found) return found
  const base = key.replace(VARIANT_SUFFIX, '')
  return base === key ? undefined : presetIndex.get(base)
}

/** Every name a preset answers to: short ids first, then repo ids. */
export function modelPresetNames(): string[] {
  return [...modelPresets.map((preset) => preset.short), ...modelPresets.map((preset) => preset.id)]
}

/**
 * Models the engine knows and cannot count (state-space and hybrid stacks):
 * named, so a writer gets the reason rather than "unknown model".
 */
export const uncountableModels: ReadonlyArray<{ids: readonly string[]; reason: string}> = []

export function uncountableModel(name: string): string | undefined {
  if (name.length > maxNameLength) return undefined
  const key = cleanName(name)
  return uncountableModels.find((entry) => entry.ids.some((id) => id.toLowerCase() === key))?.reason
}

/** Letters and digits only: `Llama 3.1` and `llama-3.1` compare equal. */
const squash = (text: string): string => text.toLowerCase().replace(/[^a-z0-9.]/g, '')

/** The size appears in the name as its own token: `14` or `14b` in `qwen2.5-14b-foo`, not in `140b`. */
function namesSize(name: string, size: string): boolean {
  const wanted = size.toLowerCase()
  const escaped = wanted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const number = /^(\d+(?:\.\d+)?)[bm]$/.exec(wanted)?.[1]
  const pattern = number
    ? `(?:^|[^0-9.])${number.replace('.', '\\.')}[bm]?(?![0-9.])`
    : `(?:^|[^a-z0-9])${escaped}(?![a-z0-9])`
  return new RegExp(pattern).test(name)
}

/** Smallest first: `360M` < `0.5B` < `7B` < `8x7B`; names without a number keep their order. */
function bySize(presets: readonly ModelPreset[]): ModelPreset[] {
  const value = (size: string): number => {
    const match = /^(\d+(?:\.\d+)?)(?:x(\d+))?\s*([bmt])/i.exec(size)
    if (!match) return Number.POSITIVE_INFINITY
    const unit = {m: 1e-3, b: 1, t: 1e3}[(match[3] as string).toLowerCase() as 'm' | 'b' | 't']
    return Number(match[1]) * (match[2] ? Number(match[2]) : 1) * unit
  }
  return [...presets].sort((a, b) => value(a.size) - value(b.size))
}

const QUANTIZED_MARK = /(?:awq|gptq|fp8|int4|int8|gguf|bnb|4bit|8bit|mxfp4|exl2)/

/**
 * "Did you mean" for an unknown model name, never a different model: a
 * suggestion has the same family (`Qwen2.5`) and the same size (`14B`). When
 * the family is in the catalogue without that size, the message lists its
 * sizes instead; when the family is not, it says so and how to point at the
 * model's own config.
 */
export function modelSuggestion(name: string): string {
  const outside =
    'the catalogue has no such model (`vram models` lists it); point at its config.json instead: `model: {config: ./config.json}`, or give `model: {params: 7B}` for weights only'
  if (name.length > maxNameLength) return outside
  const key = cleanName(name)
  const bare = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key
  const squashed = squash(bare)
  // The most specific family the name starts with (`DeepSeek-R1-Distill-Qwen` over `DeepSeek`).
  let family: string | undefined
  for (const preset of modelPresets) {
    const candidate = squash(preset.family)
    if (
      squashed.startsWith(candidate) &&
      (family === undefined || candidate.length > family.length)
    )
      family = candidate
  }
  if (family === undefined) return outside
  const members = modelPresets.filter((preset) => squash(preset.family) === family)
  const sameSize = members.filter((preset) => namesSize(bare, preset.size))
  const quantized = QUANTIZED_MARK.test(bare)
    ? ' (this preset is the original checkpoint: set `dtype` to the quantized format)'
    : ''
  if (sameSize.length > 0 && sameSize.length <= 4) {
    const names = sameSize.map((preset) => `\`${preset.short}\``)
    return `did you mean ${names.join(' or ')}?${quantized}`
  }
  const familyName = (members[0] as ModelPreset).family
  const sizes = [...new Set(bySize(members).map((preset) => preset.size))]
  return `the catalogue has ${familyName} only in ${sizes.join(', ')} (${bySize(members)
    .map((preset) => `\`${preset.short}\``)
    .join(', ')}); for another size point at its config.json: \`model: {config: ./config.json}\``
}
