/**
 * The parameters one device of a pipeline stage holds, before and after ZeRO
 * partitioning: what weights, gradients and optimizer states are counted on.
 */
import type {ParamGroup, ParamInventory} from '../model/architecture.js'
import {tex} from '../output/formula.js'
import type {Formula, Scenario} from '../types.js'
import {denseReplicas, deviceCount, expertReplicas, layerCount, type Stage} from './layout.js'

export interface GroupShare {
  group: ParamGroup
  /** Elements of this group on the device. */
  elements: number
}

const kvProjections = ['attn.k_proj', 'attn.v_proj', 'attn.k_proj.bias', 'attn.v_proj.bias']

/**
 * What one tensor-parallel rank holds of a group: 1/tp of a `tp` group, 1/etp of
 * an expert. K and V projections split by whole KV heads: when tp exceeds the KV
 * heads, each rank keeps one whole head (vLLM's `QKVParallelLinear`:
 * `num_kv_head_replicas = tp / total_num_kv_heads`), so they divide by the KV heads.
 */
export function tensorParallelDivisor(group: ParamGroup, scenario: Scenario): number {
  const {model, parallel: p} = scenario
  if (group.sharding === 'expert') return p.etp
  if (group.sharding !== 'tp') return 1
  const kv = model.kvHeads
  if (!model.mla && kv !== undefined && p.tp > kv && kvProjections.includes(group.name)) return kv
  return p.tp
}

/** How many elements of each parameter group one device of `stage` holds, before ZeRO. */
export function stageShares(
  inventory: ParamInventory,
  stage: Stage,
  scenario: Scenario,
): GroupShare[] {
  const p = scenario.parallel
  const shares: GroupShare[] = []
  for (const group of inventory.groups) {
    let instances: number
    if (group.placement === 'first') instances = stage.first ? group.count : 0
    else if (group.placement === 'last') instances = stage.last ? group.count : 0
    else {
      const layers =
        group.layerKind === 'dense'
          ? stage.denseLayers
          : group.layerKind === 'moe'
            ? stage.moeLayers
            : stage.layers
      instances = layers * group.count
    }
    if (instances === 0) continue
    // A params-only model: its one group (count 1) is spread evenly over the layers.
    if (inventory.given && group.placement === 'layer') instances = 1
    let perInstance =
      inventory.given && group.placement === 'layer'
        ? Math.ceil((group.elements * stage.layers) / layerCount(scenario.model, p.pp * p.vpp))
        : group.elements
    perInstance = Math.ceil(perInstance / tensorParallelDivisor(group, scenario))
    if (group.sharding === 'expert') instances = Math.ceil(instances / p.ep)
    shares.push({group, elements: perInstance * instances})
  }
  const copy = embeddingCopy(inventory, stage, scenario)
  if (copy) shares.push(copy)
  return shares
}

/**
 * The last pipeline stage's copy of the input embedding. With tied embeddings
 * (or MTP modules, which read the embedding too) and more than one stage, the
 * output head on the last stage cannot read the first stage's matrix, so the
 * frameworks keep a second copy there, trained with its own gradients and
 * optimizer state: Megatron-LM `setup_embeddings_and_output_layer` ("a second
 * copy of word_embeddings on the last stage"), DeepSpeed's `TiedLayerSpec`, vLLM
 * (`tie_word_embeddings and is_last_rank`).
 */
function embeddingCopy(
  inventory: ParamInventory,
  stage: Stage,
  scenario: Scenario,
): GroupShare | undefined {
  const {model, parallel: p} = scenario
  if (!stage.last || stage.first) return undefined
  const mtp = model.includeMtp && model.mtpLayers > 0
  if (!model.tiedEmbeddings && !mtp) return undefined
  const embedding = inventory.groups.find((group) => group.family === 'embedding')
  if (!embedding) return undefined
  const group: ParamGroup = {
    ...embedding,
    name: 'embed_tokens (last-stage copy)',
    placement: 'last',
  }
  return {group, elements: Math.ceil(embedding.elements / p.tp) * embedding.count}
}

/** The parameters of one device on one stage, and their ZeRO partition. */
export interface StageParams {
  stage: Stage
  stages: number
  shares: GroupShare[]
  /** Dense (non-expert) elements on the device. */
  dense: number
  /** Routed-expert elements on the device. */
  expert: number
  /** dense + expert. */
  onDevice: number
  /** Ranks the dense / expert elements are sharded over by ZeRO. */
  denseReplicas: number
  expertReplicas: number
  /** Elements of this device's ZeRO partition (dense and expert shards). */
  partition: number
  /** `P` on a single device, `P_{dev}` otherwise. */
  symbol: string
}

function sumShares(shares: readonly GroupShare[], expert: boolean): number {
  return shares.reduce(
    (sum, share) => sum + ((share.group.sharding === 'expert') === expert ? share.elements : 0),
    0,
  )
}

export function stageParams(
  scenario: Scenario,
  inventory: ParamInventory,
  stage: Stage,
  stages: number,
): StageParams {
  const shares = stageShares(inventory, stage, scenario)
  const dense = sumShares(shares, false)
  const expert = sumShares(shares, true)
  const zDense = denseReplicas(scenario)
  const zExpert = expertReplicas(scenario)
  return {
    stage,
    stages,
    shares,
    dense,
    expert,
    onDevice: dense + expert,
    denseReplicas: zDense,
    expertReplicas: zExpert,
    partition: Math.ceil(dense / zDense) + Math.ceil(expert / zExpert),
    symbol: stages === 1 && deviceCount(scenario) === 1 ? 'P' : 'P_{dev}',
  }
}

/**
 * One term of a model-state formula: P × width, or its ZeRO shard (dense and
 * expert parameters shard over different data-parallel groups).
 */
export function modelStateTerm(
  params: StageParams,
  sharded: boolean,
  width: string,
  symbol: string,
): Formula {
  const P = params.symbol
  if (!sharded)
    return {
      symbolic: `${P} \\times ${symbol}`,
      substituted: `${tex(params.onDevice)} \\times ${width}`,
    }
  if (!(params.expert > 0 && params.expertReplicas !== params.denseReplicas)) {
    return {
      symbolic: `\\frac{${P}}{N_{dp}} \\times ${symbol}`,
      substituted: `\\frac{${tex(params.onDevice)}}{${tex(params.denseReplicas)}} \\times ${width}`,
    }
  }
  return {
    symbolic: `\\left(\\frac{P_{dense}}{N_{dp}} + \\frac{P_{exp}}{N_{edp}}\\right) \\times ${symbol}`,
    substituted: `\\left(\\frac{${tex(params.dense)}}{${tex(params.denseReplicas)}} + \\frac{${tex(params.expert)}}{${tex(params.expertReplicas)}}\\right) \\times ${width}`,
  }
}

/**
 * Which model states ZeRO shards on a device. ZeRO-1 shards the optimizer
 * states (and master weights), ZeRO-2 the gradients too, ZeRO-3 the weights too.
 *
 * With pipeline parallelism DeepSpeed refuses ZeRO-2/3 (its pipeline engine
 * asserts "ZeRO-2 and ZeRO-3 are incompatible with pipeline parallelism"); FSDP2
 * runs it (TorchTitan), but keeps each stage's parameters gathered between
 * micro-batches (`reshard_after_forward = not pp_enabled`) and accumulates its
 * gradients unsharded until the last micro-batch (PyTorch's pipelining
 * schedules turn gradient sync off until then). So with pp > 1 only the
 * optimizer side stays sharded: the figures are ZeRO-1's.
 */
export function zeroSharding(scenario: Scenario): {
  weights: boolean
  gradients: boolean
  optimizer: boolean
} {
  const zero = scenario.mode === 'training' ? scenario.parallel.zero : 0
  const pipelined = scenario.parallel.pp > 1
  return {
    weights: zero === 3 && !pipelined,
    gradients: zero >= 2 && !pipelined,
    optimizer: zero >= 1,
  }
}
