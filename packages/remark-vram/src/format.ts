import {type ReferenceValue, shareFormat, type Units} from 'vram-core'
import type {LocaleDictionary} from './locale.js'

/** Bytes in one display unit. */
const unitSize: Record<Units, number> = {GB: 1e9, GiB: 2 ** 30}

/** Default formatting of sizes: three significant digits (`15.2`, `47.3`, `140`). */
export const defaultNumberFormat: Readonly<Intl.NumberFormatOptions> = {
  maximumSignificantDigits: 3,
}

const cache = new Map<string, Intl.NumberFormat>()

/** Where the dictionary keeps the words for a key's values (the caption's, where it has them). */
const valuePrefix: Readonly<Record<string, string>> = {
  mode: 'caption.',
  precision: 'caption.precision.',
  optimizer: 'caption.optimizer.',
}

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}\u0000${JSON.stringify(options)}`
  let format = cache.get(key)
  if (!format) {
    format = new Intl.NumberFormat(locale, options)
    cache.set(key, format)
  }
  return format
}

/** Formats the figures of one block in one locale and unit. */
export class Formatter {
  readonly dictionary: LocaleDictionary
  readonly units: Units
  readonly #sizes: Intl.NumberFormatOptions

  constructor(dictionary: LocaleDictionary, units: Units, sizes: Intl.NumberFormatOptions) {
    this.dictionary = dictionary
    this.units = units
    this.#sizes = sizes
  }

  /** The same formatter in another unit. */
  withUnits(units: Units): Formatter {
    return units === this.units ? this : new Formatter(this.dictionary, units, this.#sizes)
  }

  /** A size as a bare number in the formatter's unit: `15.2`. */
  size(bytes: number): string {
    return numberFormat(this.dictionary.intl, this.#sizes).format(bytes / unitSize[this.units])
  }

  /** A size with its unit: `15.2 GB`. */
  sizeWithUnit(bytes: number): string {
    return `${this.size(bytes)} ${this.units}`
  }

  /** An exact whole number with grouping: `32,768`. */
  integer(value: number): string {
    return numberFormat(this.dictionary.intl, {maximumFractionDigits: 0}).format(value)
  }

  /** A plain number, up to three decimals: `0.9`. */
  number(value: number): string {
    return numberFormat(this.dictionary.intl, {maximumFractionDigits: 3}).format(value)
  }

  /** A parameter count: `7.62B` (or the locale's compact notation). */
  count(value: number): string {
    if (Math.abs(value) < 1e4) return this.integer(value)
    if (this.dictionary.count === 'compact') {
      return numberFormat(this.dictionary.intl, {
        notation: 'compact',
        maximumSignificantDigits: 3,
      }).format(value)
    }
    const steps: Array<[number, string]> = [
      [1e12, 'T'],
      [1e9, 'B'],
      [1e6, 'M'],
      [1e3, 'K'],
    ]
    const [scale, suffix] = steps.find(([step]) => Math.abs(value) >= step) ?? [1, '']
    const mantissa = numberFormat(this.dictionary.intl, {maximumSignificantDigits: 3}).format(
      value / scale,
    )
    return `${mantissa}${suffix}`
  }

  /** A share, as vram-core's presentation writes it (`shareFormat`): `55%`, `0.52%`. */
  percent(ratio: number): string {
    return numberFormat(this.dictionary.intl, shareFormat(ratio)).format(ratio)
  }

  /** A multiple as vLLM logs concurrency (`%.2fx`): `5.73×`. */
  factor(value: number): string {
    return `${numberFormat(this.dictionary.intl, {minimumFractionDigits: 2, maximumFractionDigits: 2}).format(value)}×`
  }

  /** A key's value in words (`recompute: full` → `完全`), or the value as it is. */
  value(key: string, value: string): string {
    const label = `${valuePrefix[key] ?? `value.${key}.`}${value}` as keyof LocaleDictionary
    const words = this.dictionary[label]
    return typeof words === 'string' ? words : value
  }

  boolean(value: boolean): string {
    return value ? this.dictionary.yes : this.dictionary.no
  }

  /** An inline reference's value; counts other than parameters are written in full. */
  reference(value: ReferenceValue, path: string): string {
    switch (value.kind) {
      case 'bytes':
        return this.sizeWithUnit(value.value)
      case 'count':
        return /(^|\.)(active_)?params$/.test(path)
          ? this.count(value.value)
          : this.integer(value.value)
      case 'ratio':
        return this.percent(value.value)
      case 'factor':
        return this.factor(value.value)
      case 'boolean':
        return this.boolean(value.value)
      default:
        return value.value
    }
  }
}
