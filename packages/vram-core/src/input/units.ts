import type {unitNames} from './values.js'

export const GB = 1e9
export const GiB = 2 ** 30

const sizeUnits: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
}

const sizePattern = /^\s*~?\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([kmgt]i?b|b)?\s*$/i

/**
 * A byte size as a writer types it: `80 GB`, `79.6 GiB`, `512 MiB`, `0`, or a
 * bare number of bytes. Decimal units are 10^n (the article's and vendors'
 * GB); binary units are 2^n (nvidia-smi's MiB). `undefined` when unreadable.
 */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = sizePattern.exec(value)
  if (!match) return undefined
  const amount = Number(match[1])
  const unit = sizeUnits[(match[2] ?? 'b').toLowerCase()]
  if (unit === undefined || !Number.isFinite(amount)) return undefined
  const bytes = amount * unit
  return Number.isFinite(bytes) ? bytes : undefined
}

/** Whether `value` is written as a size (`1e308 GB`), even one too large to be a finite number. */
export function isSizeText(value: unknown): boolean {
  return typeof value === 'number' || (typeof value === 'string' && sizePattern.test(value))
}

/**
 * The precision a writer meant by a rounded size: half a unit of the last
 * digit written (`15.2 GB` → 0.05 GB), in bytes. Used as the default `expect`
 * tolerance.
 */
export function writtenPrecision(value: unknown): number {
  if (typeof value !== 'string') return 0.5
  const match = sizePattern.exec(value)
  if (!match) return 0.5
  const digits = (match[1] as string).split('.')[1]?.replace(/e.*$/i, '').length ?? 0
  const unit = sizeUnits[(match[2] ?? 'b').toLowerCase()] ?? 1
  return 0.5 * 10 ** -digits * unit
}

/** Bytes in one display unit. */
/** Units a block's sizes are shown in. */
export type Units = (typeof unitNames)[number]

export function unitBytes(units: Units): number {
  return units === 'GiB' ? GiB : GB
}

/** A fraction written as `0.9`, `90%` or `90 %`. */
export function parseFraction(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(value)
  if (!match) return undefined
  const amount = Number(match[1])
  return match[2] ? amount / 100 : amount
}
