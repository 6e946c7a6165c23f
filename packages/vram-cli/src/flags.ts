import type {ParseArgsConfig} from 'node:util'
import {blockKeys, isRecord, parallelKeys, parseBlockSource, type YamlPath} from 'vram-core'

type OptionSpec = NonNullable<ParseArgsConfig['options']>

/**
 * `vram calc` flags that set block keys: every top-level key (`--model`,
 * `--batch`, `--kv_dtype` or `--kv-dtype`, ...) and each `parallel` sub-key as a
 * shortcut (`--tp 2`, `--zero 3`, `--sp`).
 */
export function blockFlagOptions(): OptionSpec {
  const options: OptionSpec = {}
  for (const key of blockKeys) {
    options[key] = {type: 'string'}
    if (key.includes('_')) options[key.replaceAll('_', '-')] = {type: 'string'}
  }
  for (const key of parallelKeys) {
    options[key] = key === 'sp' ? {type: 'boolean'} : {type: 'string'}
  }
  return options
}

/**
 * A flag value read as YAML, so `--batch 8` is the number 8, `--model '{params: 7B}'`
 * a mapping and `--vary '{dtype: [fp16, int8]}'` a sweep; text that is not valid
 * YAML stays a string.
 */
export function flagValue(text: string): unknown {
  const parsed = parseBlockSource(text)
  if (parsed.diagnostics.length > 0 || parsed.value === null || parsed.value === undefined) {
    return text
  }
  return parsed.value
}

export interface FlagBlock {
  /** The block with the flags applied on top of `base`. */
  block: unknown
  /** Whether any block flag was given. */
  given: boolean
  /** The flag that set a YAML path (`parallel.tp` → `--tp`), for diagnostics. */
  flagFor(path: YamlPath): string | undefined
}

/** Applies block flags (parsed by `parseArgs`) on top of a block read from a file, or `{}`. */
export function applyBlockFlags(base: unknown, values: Record<string, unknown>): FlagBlock {
  const setBy = new Map<string, string>()
  const flags: Array<[string, unknown, string]> = []
  for (const key of blockKeys) {
    for (const spelling of new Set([key, key.replaceAll('_', '-')])) {
      const raw = values[spelling]
      if (typeof raw === 'string') flags.push([key, flagValue(raw), `--${spelling}`])
    }
  }
  const parallel: Array<[string, unknown, string]> = []
  for (const key of parallelKeys) {
    const raw = values[key]
    if (raw === undefined) continue
    parallel.push([key, typeof raw === 'string' ? flagValue(raw) : raw, `--${key}`])
  }
  const given = flags.length > 0 || parallel.length > 0
  let block: unknown = base
  // A file whose body is not a mapping is left alone, so the engine reports it.
  if (given && (base === undefined || isRecord(base))) {
    const merged: Record<string, unknown> = isRecord(base) ? {...base} : {}
    for (const [key, value, flag] of flags) {
      merged[key] = value
      setBy.set(key, flag)
    }
    if (parallel.length > 0) {
      const inner: Record<string, unknown> = isRecord(merged.parallel) ? {...merged.parallel} : {}
      for (const [key, value, flag] of parallel) {
        inner[key] = value
        setBy.set(`parallel.${key}`, flag)
      }
      merged.parallel = inner
    }
    block = merged
  }
  return {
    block,
    given,
    flagFor(path) {
      for (let length = path.length; length > 0; length--) {
        const flag = setBy.get(path.slice(0, length).join('.'))
        if (flag) return flag
      }
      return undefined
    },
  }
}
