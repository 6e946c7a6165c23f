import {type ReferenceValue, shareFormatName, shareFormats, type Units} from 'vram-core'
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

/** The number formats a formatter uses besides sizes, by name. */
const formats = {
  integer: {maximumFractionDigits: 0},
  number: {maximumFractionDigits: 3},
  compact: {notation: 'compact', maximumSignificantDigits: 3},
  mantissa: {maximumSignificantDigits: 3},
  // A share's two formats, as vram-core's presentation declares them.
  smallPercent: shareFormats.small,
  percent: shareFormats.whole,
  factor: {minimumFractionDigits: 2, maximumFractionDigits: 2},
} satisfies Record<string, Intl.NumberFormatOptions>

type FormatName = keyof typeof formats | 'size'

/** Formats the figures of one block in one locale and unit. */
export class Formatter {
  readonly dictionary: LocaleDictionary
  readonly units: Units
  readonly #sizes: Intl.NumberFormatOptions
  /** This formatter's number formats, looked up once each (no key built per number). */
  readonly #formats: Map<FormatName, Intl.NumberFormat>

  constructor(
    dictionary: LocaleDictionary,
    units: Units,
    sizes: Intl.NumberFormatOptions,
    known: Map<FormatName, Intl.NumberFormat> = new Map(),
  ) {
    this.dictionary = dictionary
    this.units = units
    this.#sizes = sizes
    this.#formats = known
  }

  #format(name: FormatName): Intl.NumberFormat {
    let format = this.#formats.get(name)
    if (!format) {
      const options = name === 'size' ? this.#sizes : formats[name]
      format = numberFormat(this.dictionary.intl, options)
      this.#formats.set(name, format)
    }
    return format
  }

  /** The same formatter in another unit. */
  withUnits(units: Units): Formatter {
    return units === this.units
      ? this
      : new Formatter(this.dictionary, units, this.#sizes, this.#formats)
  }

  /** A size as a bare number in the formatter's unit: `15.2`. */
  size(bytes: number): string {
    return this.#format('size').format(bytes / unitSize[this.units])
  }

  /** A size with its unit: `15.2 GB`. */
  sizeWithUnit(bytes: number): string {
    return `${this.size(bytes)} ${this.units}`
  }

  /** An exact whole number with grouping: `32,768`. */
  integer(value: number): string {
    return this.#format('integer').format(value)
  }

  /** A plain number, up to three decimals: `0.9`. */
  number(value: number): string {
    return this.#format('number').format(value)
  }

  /** A parameter count: `7.62B` (or the locale's compact notation). */
  count(value: number): string {
    if (Math.abs(value) < 1e4) return this.integer(value)
    if (this.dictionary.count === 'compact') {
      return this.#format('compact').format(value)
    }
    const steps: Array<[number, string]> = [
      [1e12, 'T'],
      [1e9, 'B'],
      [1e6, 'M'],
      [1e3, 'K'],
    ]
    const [scale, suffix] = steps.find(([step]) => Math.abs(value) >= step) ?? [1, '']
    const mantissa = this.#format('mantissa').format(value / scale)
    return `${mantissa}${suffix}`
  }

  /** A share, as vram-core's presentation writes it (`shareFormat`): `55%`, `0.52%`. */
  percent(ratio: number): string {
    // vram-core chooses the format; the formatter builds each one once.
    return this.#format(shareFormatName(ratio) === 'small' ? 'smallPercent' : 'percent').format(
      ratio,
    )
  }

  /** A multiple as vLLM logs concurrency (`%.2fx`): `5.73×`. */
  factor(value: number): string {
    return `${this.#format('factor').format(value)}×`
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
