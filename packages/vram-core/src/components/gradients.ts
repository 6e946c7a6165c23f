/**
 * Gradients (training): P × b_grad per device, sharded from ZeRO-2 on. Under
 * mixed precision with 16-bit gradients, DeepSpeed's optimizer steps on an fp32
 * copy of the gradients (its fp32 partition; Megatron documents 20 B/param for
 * fp16 params with fp16 grads), sharded with the optimizer from ZeRO-1 on. The
 * ZeRO paper omits that copy (`accounting: paper`).
 */
import {bytesOf} from '../model/dtypes.js'
import {absent, byteWidth, type ComponentMemory, joinTerms} from '../output/formula.js'
import {deepspeed} from '../output/sources.js'
import type {Scenario, Source} from '../types.js'
import {modelStateTerm, type StageParams, zeroSharding} from './model-states.js'
import {type Gather, gatherBytes, gatherTerms} from './zero3-gather.js'

/** DeepSpeed's fp32 gradient copy and ZeRO gradient partitions. */
export const gradientsSource: Source = deepspeed

export function gradientsMemory(
  scenario: Scenario,
  params: StageParams,
  gather: Gather | undefined,
): ComponentMemory {
  if (scenario.mode !== 'training') return absent('M_{grad}')
  const {offload} = scenario.parallel
  const sharding = zeroSharding(scenario)
  const g = scenario.gradDtype
  const fp32Copy =
    scenario.accounting === 'deepspeed' && scenario.precision === 'mixed' && g.bits < 32
  const copyElements = sharding.optimizer ? params.partition : params.onDevice
  // ZeRO-3 reduce-scatters 16-bit gradients straight into that fp32 partition (DeepSpeed stage3.py).
  const keep16 = !(sharding.weights && fp32Copy)
  const gradElements = sharding.gradients ? params.partition : params.onDevice
  let onGpu = keep16 ? bytesOf(gradElements, g) : 0
  let copy = fp32Copy ? copyElements * 4 : 0
  let offloaded = 0
  if (offload !== 'none') {
    // Reduced gradient partitions go to the pinned host buffer with the optimizer.
    offloaded += copy
    copy = 0
    if (sharding.gradients) {
      offloaded += onGpu
      onGpu = 0
    }
  }
  const gathered = gatherBytes(gather, g)
  const gb = byteWidth(g.bits)
  const formula = joinTerms('M_{grad}', [
    ...(onGpu > 0 ? [modelStateTerm(params, sharding.gradients, gb, 'b_{grad}')] : []),
    ...(copy > 0 ? [modelStateTerm(params, sharding.optimizer, '4', '4')] : []),
    ...gatherTerms(gather, gb, 'b_{grad}'),
  ])
  return {
    bytes: onGpu + copy + gathered,
    formula,
    offloaded,
    note: fp32Copy ? `${g.name} gradients plus the fp32 copy the optimizer steps on` : undefined,
  }
}
