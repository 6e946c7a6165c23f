import type {Formula} from '../types.js'

/** A number for LaTeX: integers grouped with thin spaces, others to 4 significant digits. */
export function tex(value: number): string {
  if (Number.isInteger(value)) return value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\\,')
  return Number(value.toPrecision(4)).toString()
}

/** Bytes per element of a `bits`-wide dtype, for LaTeX. */
export const byteWidth = (bits: number): string => tex(bits / 8)

/** `name = a + b + …`, both forms; `0` when there are no terms. */
export function joinTerms(name: string, terms: readonly Formula[], suffix = ''): Formula {
  return {
    symbolic: `${name} = ${terms.map((entry) => entry.symbolic).join(' + ') || '0'}`,
    substituted: (terms.map((entry) => entry.substituted).join(' + ') || '0') + suffix,
  }
}

/** What one component holds on one device of one pipeline stage. */
export interface ComponentMemory {
  /** Bytes on the GPU. */
  bytes: number
  formula: Formula
  /** Bytes the component keeps in host memory (offload). */
  offloaded?: number | undefined
  note?: string | undefined
}

/** A component that does not apply. */
export function absent(symbol: string): ComponentMemory {
  return {bytes: 0, formula: {symbolic: `${symbol} = 0`, substituted: '0'}}
}
