/**
 * Optimizer states (training), with the fp32 master copy of the weights under
 * mixed precision: K bytes per parameter (12 for mixed-precision Adam, the ZeRO
 * paper's K), sharded from ZeRO-1 on.
 */
import {absent, type ComponentMemory, joinTerms, tex} from '../output/formula.js'
import {zeroPaper} from '../output/sources.js'
import type {Formula, Scenario, Source} from '../types.js'
import {type GroupShare, modelStateTerm, type StageParams} from './model-states.js'

/** The ZeRO paper's K = 12 bytes per parameter for mixed-precision Adam (§3.1). */
export const optimizerSource: Source = {...zeroPaper, locator: '§3.1'}

/** Optimizer-state bytes per parameter (master copy excluded), and the states' description. */
export function optimizerStateBytes(scenario: Scenario): {bytes: number; terms: string[]} {
  // PyTorch creates Adam/Lion/momentum states in the parameter's dtype: fp32 under
  // mixed precision (they follow the fp32 master copy) and in fp32 training, 16-bit in pure bf16.
  const state = scenario.precision === 'bf16' ? 2 : 4
  switch (scenario.optimizer) {
    case 'adam':
    case 'adamw':
    // bitsandbytes' paged optimizers keep the same states in unified memory, which the
    // driver pages to the CPU only under memory pressure: the same bytes while the job fits.
    case 'paged-adamw':
      return {bytes: 2 * state, terms: [`${state}`, `${state}`]}
    case 'adamw-8bit':
    case 'paged-adamw-8bit':
      // bitsandbytes: two 8-bit states, one fp32 absmax per 2048-element block each.
      return {bytes: 2 + 8 / 2048, terms: ['1', '1', '8/2048']}
    case 'sgd':
      return {bytes: 0, terms: []}
    case 'sgd-momentum':
    case 'lion':
      return {bytes: state, terms: [`${state}`]}
    case 'adafactor':
      // Factored second moment (row + column statistics); computed per matrix below.
      return {bytes: 0, terms: []}
  }
}

/** Adafactor's factored state for one group's share: rows + columns per matrix, full size for vectors (fp32). */
function adafactorElements(share: GroupShare): number {
  const {group} = share
  if (!group.shape) return share.elements
  const instances = share.elements / group.elements
  const [rows, cols] = group.shape
  return instances * (rows + cols)
}

export function optimizerMemory(scenario: Scenario, params: StageParams): ComponentMemory {
  if (scenario.mode !== 'training') return absent('M_{optim}')
  const {zero, offload} = scenario.parallel
  const master = scenario.precision === 'mixed' ? 4 : 0
  const sharded = zero >= 1
  const elements = sharded ? params.partition : params.onDevice
  const suffix = offload !== 'none' ? '\\ (\\text{offloaded})' : ''
  let bytes: number
  let formula: Formula
  if (scenario.optimizer === 'adafactor') {
    // Factored second moments: F = Σ (rows + columns) per matrix, full size for vectors.
    const factored = params.shares.reduce((sum, share) => sum + adafactorElements(share), 0)
    const divide = sharded ? params.denseReplicas : 1
    bytes = Math.ceil((factored * 4) / divide) + Math.ceil(elements * master)
    const stats: Formula = sharded
      ? {
          symbolic: '\\frac{F_{dev}}{N_{dp}} \\times 4',
          substituted: `\\frac{${tex(factored)}}{${tex(params.denseReplicas)}} \\times 4`,
        }
      : {symbolic: 'F_{dev} \\times 4', substituted: `${tex(factored)} \\times 4`}
    formula = joinTerms(
      'M_{optim}',
      [stats, ...(master ? [modelStateTerm(params, sharded, '4', '4')] : [])],
      suffix,
    )
  } else {
    const {bytes: stateBytes, terms} = optimizerStateBytes(scenario)
    bytes = Math.ceil(elements * (stateBytes + master))
    const factor = [...(master ? ['4'] : []), ...terms].join(' + ') || '0'
    formula = joinTerms(
      'M_{optim}',
      [modelStateTerm(params, sharded, tex(stateBytes + master), `(${factor})`)],
      suffix,
    )
  }
  if (offload !== 'none') return {bytes: 0, formula, offloaded: bytes}
  return {bytes, formula}
}
