/**
 * Model states where the framework's parameters are themselves fp32 under
 * mixed precision (`fp32Parameters`): FSDP keeps fp32 shards (they are the
 * master copy) and all-gathers 16-bit units (`MixedPrecision(param_dtype=bf16)`,
 * gradients reduced in bf16 and kept sharded in fp32); HF Trainer's autocast
 * trains an fp32 model with fp32 gradients. Neither keeps a separate master
 * copy, so the optimizer holds only its states (fp32, like the parameters).
 */

import {modelStateTerm, type StageParams, zeroSharding} from '../../components/model-states.js'
import {optimizerMemory} from '../../components/optimizer.js'
import {type Gather, gatherTerms} from '../../components/zero3-gather.js'
import {type ComponentMemory, joinTerms, tex} from '../../output/formula.js'
import type {Scenario, Source} from '../../types.js'
import {fsdpSource} from './conventions.js'

export interface FrameworkStates {
  weights: ComponentMemory & {source?: Source | undefined}
  gradients: ComponentMemory & {source?: Source | undefined}
  optimizer: ComponentMemory
}

const transformersSource: Source = {
  title:
    'transformers Trainer (TrainingArguments bf16/fp16: torch.autocast over an fp32 model; torch.optim.AdamW states like the parameters)',
  short: 'transformers Trainer',
  url: 'https://github.com/huggingface/transformers/blob/main/src/transformers/trainer.py',
}

/** fp32 parameters, 16-bit gathered units, fp32 gradient shards; `undefined` when not applicable. */
export function fp32ParameterStates(
  scenario: Scenario,
  params: StageParams,
  gather: Gather | undefined,
): FrameworkStates | undefined {
  if (scenario.mode !== 'training' || scenario.precision !== 'mixed') return undefined
  const fsdp = scenario.framework === 'fsdp'
  if (!fsdp && scenario.framework !== 'transformers') return undefined
  const sharding = zeroSharding(scenario)
  const offloadParams = scenario.parallel.offload === 'params'
  const shard = sharding.weights ? params.partition : params.onDevice
  // SHARD_GRAD_OP (zero 2) keeps every unit's 16-bit copy gathered from its forward to its backward.
  const unsharded16 = fsdp && !sharding.weights && sharding.gradients ? params.onDevice : 0
  const gathered16 = fsdp ? (gather?.elements ?? 0) : 0
  const fp32Params = shard * 4
  const weights: FrameworkStates['weights'] = {
    bytes: (offloadParams ? 0 : fp32Params) + (unsharded16 + gathered16) * 2,
    offloaded: offloadParams ? fp32Params : 0,
    formula: joinTerms('M_{params}', [
      modelStateTerm(params, sharding.weights, '4', '4'),
      ...(unsharded16 > 0
        ? [{symbolic: `${params.symbol} \\times 2`, substituted: `${tex(unsharded16)} \\times 2`}]
        : []),
      ...gatherTerms(gather, '2', '2'),
    ]),
    note: fsdp
      ? 'FSDP keeps the sharded parameters in fp32 (the master copy) and all-gathers them in bf16 (MixedPrecision param_dtype)'
      : 'HF Trainer under bf16/fp16 autocast trains an fp32 model',
    source: fsdp ? fsdpSource : transformersSource,
  }
  const gradShard = (sharding.gradients ? params.partition : params.onDevice) * 4
  const unshardedGrads = fsdp ? (gather?.gradientElements ?? 0) : 0
  const offloaded = scenario.parallel.offload !== 'none'
  const gradients: FrameworkStates['gradients'] = {
    bytes: (offloaded ? 0 : gradShard) + unshardedGrads * 2,
    offloaded: offloaded ? gradShard : 0,
    formula: joinTerms('M_{grad}', [
      modelStateTerm(params, sharding.gradients, '4', '4'),
      ...gatherTerms(gather, '2', '2', true),
    ]),
    note: fsdp
      ? 'fp32 gradient shards; each unit’s unsharded gradient in bf16 until its reduce-scatter'
      : 'fp32 gradients of the fp32 parameters',
    source: fsdp ? fsdpSource : transformersSource,
  }
  // States like the fp32 parameters, and no master copy: the optimizer of an fp32 run.
  const optimizer = optimizerMemory({...scenario, precision: 'fp32'}, params)
  return {weights, gradients, optimizer}
}
