/**
 * The block's `adapter:` mapping → `Adapter`, with diagnostics at the key.
 *
 * Keys follow PEFT's `LoraConfig`: `type` (`lora`, `dora` = `use_dora`),
 * `rank` (`r`, default 8), `alpha` (`lora_alpha`, default 8; no memory
 * effect), `targets` (`target_modules`), `dropout` (`lora_dropout`, default
 * 0), `dtype` of the adapter weights, and `double_quant`
 * (`bnb_4bit_use_double_quant`, default false as in transformers'
 * `BitsAndBytesConfig`).
 *
 * The adapter dtype defaults to fp32 under `precision: mixed`: PEFT's
 * `get_peft_model(..., autocast_adapter_dtype=True)` upcasts bf16/fp16
 * adapter weights to fp32, and the trainer's autocast runs them in 16-bit.
 * Under `precision: bf16` (everything in bf16) and `fp32` it is that dtype.
 */

import {formatLimit, limits} from '../../input/limits.js'
import type {Architecture, ParamInventory} from '../../model/architecture.js'
import {dtype, dtypeNames, isFloat, parseDtype} from '../../model/dtypes.js'
import {closest, type Diagnostic, diagnostic, display} from '../../output/diagnostics.js'
import type {Adapter, AdapterType, Precision} from '../../types.js'
import {linearModules} from './modules.js'
import {defaultTargetsFor, resolveTargets, targetKeywords} from './targets.js'

export const adapterKeys = [
  'type',
  'rank',
  'alpha',
  'targets',
  'dropout',
  'dtype',
  'double_quant',
  'bnb_version',
] as const

export const adapterTypes: readonly AdapterType[] = ['lora', 'dora']

/** Reads `adapter:`; `undefined` (with diagnostics) when it cannot be used. */
export function readAdapter(
  raw: unknown,
  model: Architecture | undefined,
  inventory: ParamInventory | undefined,
  precision: Precision,
  out: Diagnostic[],
): Adapter | undefined {
  const base = ['adapter']
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    out.push(
      diagnostic('invalid-value', '`adapter` must be a mapping such as `{rank: 16}`', base, {
        suggestion: 'for example `adapter: {type: lora, rank: 16, targets: all-linear}`',
      }),
    )
    return undefined
  }
  const entry = raw as Record<string, unknown>
  const before = out.length
  for (const key of Object.keys(entry)) {
    if ((adapterKeys as readonly string[]).includes(key)) continue
    const guess = closest(key, adapterKeys)
    out.push(
      diagnostic('unknown-key', `Unknown adapter key \`${key}\``, [...base, key], {
        onKey: true,
        suggestion: guess
          ? `did you mean \`${guess}\`?`
          : `adapter keys: ${adapterKeys.join(', ')}`,
      }),
    )
  }

  let type: AdapterType = 'lora'
  if (entry.type !== undefined) {
    const text = display(entry.type).trim().toLowerCase()
    const hit = adapterTypes.find((name) => name === text)
    if (hit) type = hit
    else
      out.push(
        diagnostic(
          'invalid-value',
          `\`adapter.type\` must be one of ${adapterTypes.join(', ')}`,
          [...base, 'type'],
          {suggestion: text === 'qlora' ? 'QLoRA is `type: lora` with `dtype: nf4`' : undefined},
        ),
      )
  }

  const positive = (key: string, fallback: number, integer: boolean, limit: number): number => {
    const value = entry[key]
    if (value === undefined || value === null) return fallback
    if (
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value > 0 &&
      value <= limit &&
      (!integer || Number.isInteger(value))
    )
      return value
    const quoted =
      typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
    out.push(
      diagnostic(
        'invalid-value',
        quoted
          ? `\`adapter.${key}\` must be a number, not the string "${value}"`
          : `\`adapter.${key}\` must be ${integer ? 'a whole number' : 'a number'} between 1 and ${formatLimit(limit)}, not \`${display(value)}\``,
        [...base, key],
        {
          suggestion: quoted
            ? `remove the quotes: \`${key}: ${value.trim()}\``
            : `for example \`${key}: ${fallback === 8 ? 16 : fallback}\``,
        },
      ),
    )
    return fallback
  }
  // Ranks beyond the limit exceed any layer's width: no real adapter has them.
  const rank = positive('rank', 8, true, limits.adapterRank)
  const alpha = positive('alpha', 8, false, limits.adapterAlpha)

  let dropout = 0
  if (entry.dropout !== undefined && entry.dropout !== null) {
    const value = entry.dropout
    if (typeof value === 'number' && value >= 0 && value < 1) dropout = value
    else
      out.push(
        diagnostic(
          'invalid-value',
          '`adapter.dropout` is a probability from 0 up to (not including) 1',
          [...base, 'dropout'],
          {suggestion: 'for example `dropout: 0.05`'},
        ),
      )
  }

  let doubleQuant = false
  if (entry.double_quant !== undefined && entry.double_quant !== null) {
    if (typeof entry.double_quant === 'boolean') doubleQuant = entry.double_quant
    else
      out.push(
        diagnostic('invalid-value', '`adapter.double_quant` must be true or false', [
          ...base,
          'double_quant',
        ]),
      )
  }

  // bitsandbytes before 0.43.2 kept every 4-bit layer's input (PR #1270).
  let legacyBnb = false
  if (typeof entry.bnb_version === 'number') {
    // YAML reads `0.50` as the number 0.5: the version the writer meant is lost.
    out.push(
      diagnostic(
        'invalid-value',
        `\`adapter.bnb_version\` is a version, which YAML reads as the number ${display(entry.bnb_version)} when unquoted (\`0.50\` would become 0.5)`,
        [...base, 'bnb_version'],
        {suggestion: 'quote the version as you wrote it, e.g. `bnb_version: "0.45.0"`'},
      ),
    )
  } else if (entry.bnb_version !== undefined && entry.bnb_version !== null) {
    const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(String(entry.bnb_version).trim())
    if (match) {
      const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)]
      legacyBnb = major === 0 && (minor < 43 || (minor === 43 && patch < 2))
    } else
      out.push(
        diagnostic(
          'invalid-value',
          '`adapter.bnb_version` is a bitsandbytes version such as `0.45.0`',
          [...base, 'bnb_version'],
          {suggestion: 'quote it: `bnb_version: "0.41.1"`'},
        ),
      )
  }

  let adapterDtype = precision === 'mixed' || precision === 'fp32' ? dtype('fp32') : dtype('bf16')
  if (entry.dtype !== undefined && entry.dtype !== null) {
    const parsed = parseDtype(entry.dtype)
    if (parsed && isFloat(parsed) && parsed.bits >= 16) adapterDtype = parsed
    else {
      const guess = typeof entry.dtype === 'string' ? closest(entry.dtype, dtypeNames) : undefined
      out.push(
        diagnostic(
          'invalid-value',
          '`adapter.dtype` is the dtype the adapter trains in: fp32, bf16 or fp16',
          [...base, 'dtype'],
          {suggestion: guess && guess !== entry.dtype ? `did you mean \`${guess}\`?` : undefined},
        ),
      )
    }
  }

  // Targets: a list of module names, one keyword, or PEFT's default for the model type.
  let targets: string[] | undefined
  const rawTargets = entry.targets
  if (rawTargets === undefined || rawTargets === null) {
    targets = model ? [...defaultTargetsFor(model.modelType)] : undefined
  } else if (typeof rawTargets === 'string') {
    targets = [rawTargets.trim()]
  } else if (
    Array.isArray(rawTargets) &&
    rawTargets.length > 0 &&
    rawTargets.every((name) => typeof name === 'string' && name.trim() !== '')
  ) {
    targets = rawTargets.map((name: string) => name.trim())
  } else {
    out.push(
      diagnostic(
        'invalid-value',
        '`adapter.targets` is a list of module names or one of all-linear, attention, mlp',
        [...base, 'targets'],
        {suggestion: 'for example `targets: [q_proj, v_proj]` or `targets: all-linear`'},
      ),
    )
  }
  if (
    targets &&
    targets.length > 1 &&
    targets.some((name) => (targetKeywords as readonly string[]).includes(name))
  ) {
    out.push(
      diagnostic(
        'invalid-value',
        `\`${targetKeywords.join('`, `')}\` stand alone in \`adapter.targets\`, not in a list`,
        [...base, 'targets'],
        {suggestion: 'write `targets: all-linear`, or list module names'},
      ),
    )
    targets = undefined
  }

  if (!model || !inventory || !targets || out.length > before) return undefined
  if (inventory.given) {
    out.push(
      diagnostic(
        'missing-field',
        'An adapter needs the model’s shape to size its matrices; a model given only by `params` has none',
        ['model'],
        {
          suggestion:
            'use a preset or give the model its shape (layers, hidden, ffn, heads, vocab)',
        },
      ),
    )
    return undefined
  }
  const modules = linearModules(model, inventory)
  const resolved = resolveTargets(targets, modules)
  if ('unknown' in resolved) {
    for (const {index, name, fusedInto} of resolved.unknown) {
      const guess = fusedInto ? undefined : closest(name, resolved.known)
      const path =
        typeof rawTargets === 'string' || rawTargets === undefined
          ? [...base, 'targets']
          : [...base, 'targets', index]
      out.push(
        diagnostic(
          'invalid-value',
          `${model.name} has no linear module \`${name}\``,
          rawTargets === undefined ? base : path,
          {
            suggestion: `${fusedInto ? `it is part of the fused \`${fusedInto}\`; ` : guess ? `did you mean \`${guess}\`? ` : ''}its modules: ${resolved.known.join(', ')}; or all-linear, attention, mlp`,
          },
        ),
      )
    }
    return undefined
  }
  if (resolved.modules.length === 0) {
    out.push(
      diagnostic('invalid-value', `\`${targets.join(', ')}\` selects no module of ${model.name}`, [
        ...base,
        'targets',
      ]),
    )
    return undefined
  }
  return {
    type,
    rank,
    alpha,
    targets,
    modules: resolved.modules,
    dtype: adapterDtype,
    dropout,
    doubleQuant,
    ...(legacyBnb ? {legacyBnb} : {}),
  }
}

/** The method's usual name: LoRA / DoRA, prefixed with Q on a 4-bit bitsandbytes base. */
export function adapterMethod(adapter: Pick<Adapter, 'type'>, baseDtype: string): string {
  const name = adapter.type === 'dora' ? 'DoRA' : 'LoRA'
  return baseDtype === 'nf4' || baseDtype === 'fp4' ? `Q${name}` : name
}
