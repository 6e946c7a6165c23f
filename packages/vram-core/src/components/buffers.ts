/** Buffers: temporary buffers and the CUDA context, a per-device figure the writer may set. */
import type {ComponentMemory} from '../output/formula.js'
import {tex} from '../output/formula.js'
import {article} from '../output/sources.js'
import type {Scenario, Source} from '../types.js'

/** The article's allowance ("usually about 1–2 GB"): no framework defines one. */
export const buffersSource: Source = {...article, locator: '§3.6'}

export function buffersMemory(scenario: Scenario): ComponentMemory {
  return {
    bytes: scenario.buffers,
    formula: {symbolic: 'M_{buf}', substituted: tex(scenario.buffers)},
  }
}
