/**
 * How a result is presented, framework-free: what the fit line says and how
 * a share is written. remark-vram turns it into mdast (in the page's
 * language), the CLI into a line of text; both read it from here, so the two
 * cannot disagree on the verdict or on the figures.
 *
 * The wording of a share, everywhere: a whole percent (`55%`); below 10 %,
 * two significant digits (`0.52%`, a LoRA's trainable share); no space before
 * the sign, as CLDR writes percentages in English and Chinese.
 */
import type {Result} from '../types.js'

/** The two `Intl.NumberFormat` options a share is written with. */
export const shareFormats = {
  whole: {style: 'percent', maximumFractionDigits: 0},
  small: {style: 'percent', maximumSignificantDigits: 2},
} as const satisfies Record<string, Intl.NumberFormatOptions>

/** Which of `shareFormats` a share takes: below 10 % (and not 0), `small`. */
export function shareFormatName(ratio: number): keyof typeof shareFormats {
  return ratio !== 0 && Math.abs(ratio) < 0.1 ? 'small' : 'whole'
}

/** `Intl.NumberFormat` options of a share (`ratio` 0.553 → `55%`). */
export function shareFormat(ratio: number): Intl.NumberFormatOptions {
  return shareFormats[shareFormatName(ratio)]
}

/** A share in English: `55%`, `0.52%`. */
export function formatPercent(ratio: number): string {
  return new Intl.NumberFormat('en-US', shareFormat(ratio)).format(ratio)
}

/** What the fit line of a result says. */
export type FitVerdict =
  /** The total leaves components out (a params-only model): never "fits". */
  | {kind: 'partial'; total: number}
  /** No GPU: a total, no fit check. */
  | {kind: 'noGpu'; total: number; devices: number}
  | {
      kind: 'fits' | 'over'
      total: number
      capacity: number
      usable: number
      /** total ÷ capacity. */
      share: number
      /** usable − total, 0 when over. */
      headroom: number
      /** total − usable, 0 when it fits. */
      over: number
      /** Several devices: the figures are per device. */
      perDevice: boolean
    }

export function fitVerdict(result: Result): FitVerdict {
  const total = result.perDevice.total
  if (result.missing) return {kind: 'partial', total}
  if (result.capacity === undefined || result.usableCapacity === undefined)
    return {kind: 'noGpu', total, devices: result.devices}
  return {
    kind: result.fits ? 'fits' : 'over',
    total,
    capacity: result.capacity,
    usable: result.usableCapacity,
    share: total / result.capacity,
    headroom: Math.max(0, result.usableCapacity - total),
    over: Math.max(0, total - result.usableCapacity),
    perDevice: result.devices > 1,
  }
}
