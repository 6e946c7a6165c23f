/**
 * Weights: P × b per device, P being the parameters the device holds after
 * tensor, pipeline and expert parallelism (its ZeRO-3 partition under ZeRO-3).
 * A sub-16-bit dtype may cover only some matrices (`quantize`); the rest stay bf16.
 */
import type {ParamGroup} from '../model/architecture.js'
import {bytesOf} from '../model/dtypes.js'
import {byteWidth, type ComponentMemory, joinTerms, tex} from '../output/formula.js'
import {megatron} from '../output/sources.js'
import type {Scenario, Source} from '../types.js'
import {modelStateTerm, type StageParams, zeroSharding} from './model-states.js'
import {type Gather, gatherBytes, gatherTerms} from './zero3-gather.js'

/** Megatron-LM's weight count per device (TP and PP sharding). */
export const weightsSource: Source = {...megatron, locator: 'compute_weight_and_optimizer_memory'}

const quantizedFamilies: ReadonlyArray<ParamGroup['family']> = [
  'attention',
  'mlp',
  'expert',
  'shared_expert',
  'mtp',
]

/** Whether a group is stored in the low-bit dtype under `quantize: linear | experts`. */
function inQuantizeScope(scenario: Scenario, group: ParamGroup): boolean {
  if (group.shape === undefined) return false
  return scenario.quantize === 'experts'
    ? group.family === 'expert'
    : quantizedFamilies.includes(group.family)
}

export function weightsMemory(
  scenario: Scenario,
  params: StageParams,
  gather: Gather | undefined,
): ComponentMemory {
  const {model, parallel: p} = scenario
  const training = scenario.mode === 'training'
  const zero3 = zeroSharding(scenario).weights
  const offloadParams = training && p.offload === 'params'
  const {onDevice, stage, stages} = params
  const w = scenario.dtype
  const notes: string[] = []

  const scoped = w.bits < 16 && scenario.quantize !== 'all' && !zero3
  const quantized = scoped
    ? params.shares.reduce(
        (sum, share) => sum + (inQuantizeScope(scenario, share.group) ? share.elements : 0),
        0,
      )
    : 0
  let bytes = scoped
    ? bytesOf(quantized, w) + (onDevice - quantized) * 2
    : bytesOf(zero3 ? params.partition : onDevice, w)
  let offloaded = 0
  if (offloadParams) {
    offloaded = bytes
    bytes = 0
  }
  bytes += gatherBytes(gather, w)

  const wb = byteWidth(w.bits)
  const formula = scoped
    ? joinTerms('M_{params}', [
        {symbolic: 'P_{q} \\times b', substituted: `${tex(quantized)} \\times ${wb}`},
        {symbolic: 'P_{16} \\times 2', substituted: `${tex(onDevice - quantized)} \\times 2`},
      ])
    : joinTerms(
        'M_{params}',
        [modelStateTerm(params, zero3, wb, 'b'), ...gatherTerms(gather, wb, 'b')],
        offloadParams ? '\\ (\\text{partition offloaded})' : '',
      )
  if (scoped)
    notes.push(
      `P_q = ${quantized} parameters in ${w.name} (${scenario.quantize === 'experts' ? 'routed-expert matrices' : 'linear-layer matrices'}); the other ${onDevice - quantized} stay bf16`,
    )
  if (params.symbol !== 'P')
    notes.push(
      `P_dev = ${onDevice} parameters on the most loaded device (pipeline stage ${stage.index + 1} of ${stages}, 1/${p.tp} of each tensor-parallel matrix${model.moe ? `, ${Math.ceil(model.moe.experts / p.ep)} of ${model.moe.experts} experts per layer` : ''})`,
    )
  if (gather?.note) notes.push(gather.note)
  return {bytes, formula, offloaded, note: notes.length > 0 ? notes.join('; ') : undefined}
}
