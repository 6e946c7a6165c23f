/** Buffers: temporary buffers and the CUDA context, a per-device figure the writer may set. */
import type {ComponentMemory} from './formula.js'
import {tex} from './formula.js'
import type {Scenario, Source} from './types.js'

export const buffersSource: Source = {title: 'article §3.6 ("usually about 1–2 GB")'}

export function buffersMemory(scenario: Scenario): ComponentMemory {
  return {
    bytes: scenario.buffers,
    formula: {symbolic: 'M_{buf}', substituted: tex(scenario.buffers)},
  }
}
