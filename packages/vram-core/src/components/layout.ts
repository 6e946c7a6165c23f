/**
 * The parallel layout: how many devices a scenario uses, which ranks hold a
 * replica of what, how the layers split into pipeline stages, and how many
 * micro-batches each stage keeps in flight.
 */
import type {Architecture, ParamInventory} from '../model/architecture.js'
import type {Scenario} from '../types.js'

/**
 * Devices in the layout: dp × tp × pp × cp. Expert parallelism adds none: as in
 * Megatron-Core (`initialize_model_parallel`: data-parallel size = world / (tp·pp·cp),
 * expert-data-parallel size = world / (etp·ep·pp)), DeepSpeed-MoE and vLLM, the
 * expert-parallel ranks are carved out of the data-, context- and tensor-parallel ones.
 */
export function deviceCount(scenario: Scenario): number {
  const p = scenario.parallel
  return p.dp * p.tp * p.pp * p.cp
}

/** Ranks holding a replica of the dense (non-expert) parameters: what ZeRO shards over (dp × cp). */
export function denseReplicas(scenario: Scenario): number {
  const p = scenario.parallel
  return p.dp * p.cp
}

/**
 * Ranks holding a replica of one expert shard: Megatron's expert-data-parallel
 * size, world / (etp·ep·pp) = dp·cp·tp / (etp·ep).
 */
export function expertReplicas(scenario: Scenario): number {
  const p = scenario.parallel
  return (p.dp * p.cp * p.tp) / (p.etp * p.ep)
}

/** Layers of one kind or another, and whether they hold the model's ends. */
interface LayerSpan {
  layers: number
  denseLayers: number
  moeLayers: number
  slidingLayers: number
  /** Holds the input embedding (virtual stage 0). */
  first: boolean
  /** Holds the output head and the loss (the last virtual stage). */
  last: boolean
}

/**
 * A model chunk: with an interleaved schedule (`vpp` > 1) each rank runs vpp
 * chunks; chunk k of rank r is virtual stage k·pp + r (Megatron's layer offset).
 */
export type Chunk = LayerSpan

/** One pipeline stage (one rank of the pipeline): the layers of all its chunks. */
export interface Stage extends LayerSpan {
  /** 0-based pipeline rank. */
  index: number
  /** Its model chunks in order (one without interleaving). */
  chunks: Chunk[]
}

/**
 * The layers the pipeline splits: the model's, or for a model given only by
 * `params` without `layers`, one virtual layer per virtual stage.
 */
export function layerCount(model: Architecture, virtualStages: number): number {
  return model.layers ?? virtualStages
}

/**
 * Layers per pipeline stage: the layers split evenly over pp × vpp virtual
 * stages, earlier ones taking the remainder (Megatron's default); rank r runs
 * virtual stages r, r + pp, r + 2·pp, …
 */
export function pipelineStages(
  model: Architecture,
  inventory: ParamInventory,
  pp: number,
  vpp = 1,
): Stage[] {
  const virtualStages = pp * vpp
  const layers = layerCount(model, virtualStages)
  // A model given by `params` has one kind of layer; its parameters spread evenly over them.
  const denseTotal = inventory.given ? layers : inventory.denseLayers
  const spans: LayerSpan[] = []
  let start = 0
  for (let index = 0; index < virtualStages; index++) {
    const count = Math.floor(layers / virtualStages) + (index < layers % virtualStages ? 1 : 0)
    const end = start + count
    const dense = Math.max(0, Math.min(end, denseTotal) - Math.min(start, denseTotal))
    const sliding = slidingIn(model, start, end)
    spans.push({
      layers: count,
      denseLayers: dense,
      moeLayers: count - dense,
      slidingLayers: sliding,
      first: index === 0,
      last: index === virtualStages - 1,
    })
    start = end
  }
  // One chunk per rank: the stage is its span (the common case; kept cheap for the solver's probes).
  if (vpp === 1)
    return spans.map((span, index) => ({
      index,
      chunks: [span],
      layers: span.layers,
      denseLayers: span.denseLayers,
      moeLayers: span.moeLayers,
      slidingLayers: span.slidingLayers,
      first: span.first,
      last: span.last,
    }))
  const stages: Stage[] = []
  for (let index = 0; index < pp; index++) {
    const chunks = Array.from({length: vpp}, (_, k) => spans[k * pp + index] as LayerSpan)
    const sum = (key: 'layers' | 'denseLayers' | 'moeLayers' | 'slidingLayers') =>
      chunks.reduce((total, chunk) => total + chunk[key], 0)
    stages.push({
      index,
      chunks,
      layers: sum('layers'),
      denseLayers: sum('denseLayers'),
      moeLayers: sum('moeLayers'),
      slidingLayers: sum('slidingLayers'),
      first: index === 0,
      last: index === pp - 1,
    })
  }
  return stages
}

/**
 * The stages of `pipelineStages` as runs of consecutive stages alike in their
 * layers and ends: the first stage of each run and how many stages it stands
 * for. Without interleaving, a thousand stages make a handful of runs, and no
 * object is built for the stages inside a run (the device search probes deep
 * pipelines many times).
 */
export function stageRuns(
  model: Architecture,
  inventory: ParamInventory,
  pp: number,
  vpp = 1,
): Array<{stage: Stage; count: number}> {
  if (vpp !== 1)
    return pipelineStages(model, inventory, pp, vpp).map((stage) => ({stage, count: 1}))
  const layers = layerCount(model, pp)
  const denseTotal = inventory.given ? layers : inventory.denseLayers
  const runs: Array<{stage: Stage; count: number}> = []
  let run: {stage: Stage; count: number} | undefined
  let start = 0
  for (let index = 0; index < pp; index++) {
    const count = Math.floor(layers / pp) + (index < layers % pp ? 1 : 0)
    const end = start + count
    const dense = Math.max(0, Math.min(end, denseTotal) - Math.min(start, denseTotal))
    const sliding = slidingIn(model, start, end)
    const first = index === 0
    const last = index === pp - 1
    const previous = run?.stage
    if (
      run &&
      previous &&
      previous.layers === count &&
      previous.denseLayers === dense &&
      previous.slidingLayers === sliding &&
      previous.first === first &&
      previous.last === last
    )
      run.count++
    else {
      const span: LayerSpan = {
        layers: count,
        denseLayers: dense,
        moeLayers: count - dense,
        slidingLayers: sliding,
        first,
        last,
      }
      run = {stage: {...span, index, chunks: [span]}, count: 1}
      runs.push(run)
    }
    start = end
  }
  return runs
}

/** Whether layer `index` uses sliding-window attention: all, alternating (Gemma 2, gpt-oss) or the first ones. */
export function isSliding(model: Architecture, index: number): boolean {
  const window = model.slidingWindow
  const layers = model.layers ?? 0
  if (!window || window.layers === 0) return false
  if (window.layers >= layers) return true
  if (window.layers * 2 === layers) return index % 2 === 0
  return index < window.layers
}

/** How many of layers [start, end) use sliding-window attention (`isSliding` counted in closed form). */
function slidingIn(model: Architecture, start: number, end: number): number {
  const window = model.slidingWindow
  const layers = model.layers ?? 0
  if (!window || window.layers === 0 || end <= start) return 0
  if (window.layers >= layers) return end - start
  if (window.layers * 2 === layers) return Math.ceil(end / 2) - Math.ceil(start / 2)
  return Math.max(0, Math.min(end, window.layers) - start)
}

/** A bound on the schedule steps simulated: the steady state repeats after one round of groups. */
const scheduleRounds = 4

/**
 * How many micro-batches of each of a stage's chunks hold their activations at
 * the stage's peak (training), the peak being the moment the chunks' `weights`
 * (bytes per micro-batch) sum highest.
 *
 * Follows Megatron-LM's schedules (`megatron/core/pipeline_parallel/schedules.py`,
 * `get_pp_rank_microbatches` and `get_schedule_table`): rank r runs
 * `pp − r − 1` warm-up forwards without interleaving, and
 * `(pp − r − 1)·2 + (vpp − 1)·pp` warm-up chunk forwards with it (micro-batches
 * taken in groups of pp per chunk, backward in reverse chunk order), capped at
 * m·vpp; then one forward and one backward per step. A forward's activations
 * are held until its backward.
 */
export function heldAtPeak(scenario: Scenario, stage: Stage, weights: readonly number[]): number[] {
  const {pp} = scenario.parallel
  const vpp = stage.chunks.length
  const m = scenario.gradAccum
  if (pp === 1) return stage.chunks.map(() => 1)
  if (vpp === 1) return [Math.min(pp - stage.index, m)]
  const total = m * vpp
  const warmup = Math.min((pp - stage.index - 1) * 2 + (vpp - 1) * pp, total)
  // The schedule table: groups of pp micro-batches, each run through every chunk in turn.
  const chunkOf = (step: number): number => Math.floor((step % (pp * vpp)) / pp)
  const held = stage.chunks.map(() => 0)
  let best = [...held]
  let peak = -1
  const forward = (step: number) => {
    held[chunkOf(step)] = (held[chunkOf(step)] ?? 0) + 1
    const bytes = held.reduce((sum, count, chunk) => sum + count * (weights[chunk] ?? 0), 0)
    if (bytes > peak) {
      peak = bytes
      best = [...held]
    }
  }
  const backward = (step: number) => {
    const chunk = vpp - 1 - chunkOf(step)
    held[chunk] = (held[chunk] ?? 0) - 1
  }
  const steps = Math.min(total, warmup + scheduleRounds * pp * vpp)
  for (let step = 0; step < warmup; step++) forward(step)
  for (let step = 0; warmup + step < steps; step++) {
    forward(warmup + step)
    backward(step)
  }
  return best
}
