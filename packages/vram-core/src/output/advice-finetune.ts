/**
 * The decision chart for a training run on one GPU (or an adapter on
 * data-parallel replicas, each of which holds the whole run). Sharding (ZeRO across
 * replicas, tensor or pipeline parallelism) needs more devices, so the article's
 * training branch does not apply; what a writer with one card can do is, mildest
 * first: checkpoint activations, shrink the micro-batch (keeping the batch with
 * gradient accumulation), keep 8-bit optimizer states (bitsandbytes
 * `AdamW8bit`; its paged variant has the same bytes), offload the optimizer to
 * the CPU (DeepSpeed ZeRO-Offload runs on a single GPU), train a LoRA adapter
 * on the frozen model, and quantize the frozen base to 4 bits (QLoRA). Each
 * step is recomputed on top of the previous ones; the leaf names the first
 * configuration that fits.
 */
import {linearModules} from '../engines/adapter/modules.js'
import {dtype} from '../model/dtypes.js'
import {paramInventory} from '../model/params.js'
import type {Advice, AdviceEdge, AdviceNode, Result, Scenario} from '../types.js'
import {adviceAsIs} from './advice-as-is.js'

type Change = Record<string, string | number | boolean>

interface Step {
  id: string
  label: string
  /** The next configuration, or `undefined` when the step does not apply. */
  apply: (
    s: Scenario,
    original: Scenario,
  ) => {scenario: Scenario; change: Change; params: Record<string, string | number>} | undefined
}

/** The LoRA a writer would start with: rank 16 on every linear layer. */
const loraRank = 16

const steps: Step[] = [
  {
    id: 'f1',
    label: 'advice.recompute',
    apply: (s) =>
      s.recompute === 'full'
        ? undefined
        : {
            scenario: {...s, recompute: 'full'},
            change: {recompute: 'full'},
            params: {recompute: 'full'},
          },
  },
  {
    id: 'f2',
    label: 'advice.microBatch',
    apply: (s) => {
      if (s.microBatch <= 1) return undefined
      const gradAccum = s.gradAccum * s.microBatch
      return {
        scenario: {...s, microBatch: 1, gradAccum},
        change: {micro_batch: 1, grad_accum: gradAccum},
        params: {microBatch: 1, gradAccum},
      }
    },
  },
  {
    id: 'f3',
    label: 'advice.optimizer8bit',
    apply: (s) =>
      s.optimizer === 'adam' || s.optimizer === 'adamw' || s.optimizer === 'paged-adamw'
        ? {
            scenario: {...s, optimizer: 'adamw-8bit'},
            change: {optimizer: 'adamw-8bit'},
            params: {optimizer: 'adamw-8bit'},
          }
        : undefined,
  },
  {
    id: 'f4',
    label: 'advice.cpuOffload',
    apply: (s) =>
      s.adapter || s.parallel.offload !== 'none'
        ? undefined
        : {
            scenario: {
              ...s,
              // ZeRO-Offload keeps fp32 states in CPU memory; DeepSpeed's CPU Adam replaces 8-bit Adam.
              optimizer: s.optimizer === 'adamw-8bit' ? 'adamw' : s.optimizer,
              parallel: {
                ...s.parallel,
                zero: Math.max(2, s.parallel.zero) as 2 | 3,
                offload: 'optimizer',
              },
            },
            change: {
              'parallel.zero': Math.max(2, s.parallel.zero),
              'parallel.offload': 'optimizer',
              ...(s.optimizer === 'adamw-8bit' ? {optimizer: 'adamw'} : {}),
            },
            params: {stage: Math.max(2, s.parallel.zero)},
          },
  },
  {
    id: 'f5',
    label: 'advice.lora',
    apply: (s, original) => {
      if (s.adapter) return undefined
      // Back from ZeRO-Offload's CPU Adam to the 8-bit states of step f3, if it applied.
      const eightBit = original.optimizer === 'adam' || original.optimizer === 'adamw'
      const inventory = paramInventory(s.model)
      const modules = linearModules(s.model, inventory)
      if (modules.length === 0) return undefined
      const base: Scenario = {
        ...s,
        optimizer: eightBit ? 'adamw-8bit' : s.optimizer,
        dtype: s.precision === 'fp32' ? s.dtype : s.dtype.bits === 16 ? s.dtype : dtype('bf16'),
        parallel: {...s.parallel, zero: 0, offload: 'none'},
        adapter: {
          type: 'lora',
          rank: loraRank,
          alpha: 2 * loraRank,
          targets: ['all-linear'],
          modules,
          dtype: s.precision === 'bf16' ? dtype('bf16') : dtype('fp32'),
          dropout: 0,
          doubleQuant: false,
        },
      }
      return {
        scenario: base,
        change: {
          adapter: `LoRA r = ${loraRank}, all-linear`,
          'parallel.zero': 0,
          'parallel.offload': 'none',
          ...(eightBit ? {optimizer: 'adamw-8bit'} : {}),
        },
        params: {rank: loraRank, targets: 'all-linear'},
      }
    },
  },
  {
    id: 'f6',
    label: 'advice.qlora',
    apply: (s) =>
      !s.adapter || s.dtype.bits < 16
        ? undefined
        : {scenario: {...s, dtype: dtype('nf4')}, change: {dtype: 'nf4'}, params: {dtype: 'nf4'}},
  },
]

/** A change list without entries that only restore a default (ZeRO 0, no offload). */
function withoutDefaults(change: Change): Change {
  const out: Change = {}
  for (const [key, value] of Object.entries(change)) {
    if (
      (key === 'parallel.zero' && value === 0) ||
      (key === 'parallel.offload' && value === 'none')
    )
      continue
    out[key] = value
  }
  return out
}

/**
 * Walks the single-GPU chart. `compute` is passed in (not imported) so the
 * chart does not depend on the engine's module layout.
 */
export function adviseSingleGpu(
  scenario: Scenario,
  base: Result,
  safe: (candidate: Scenario) => Result | undefined,
): Advice {
  const nodes: AdviceNode[] = [
    {
      id: 'start',
      kind: 'start',
      label: 'advice.start',
      total: base.perDevice.total,
      fits: base.fits,
    },
    {id: 'q1', kind: 'question', label: 'advice.trainingOrInference'},
    {id: 'g1', kind: 'question', label: 'advice.oneGpu'},
  ]
  const edges: AdviceEdge[] = [
    {from: 'start', to: 'q1'},
    {from: 'q1', to: 'g1', label: 'advice.edge.training'},
  ]
  const path = ['start', 'q1', 'g1']
  const leaf = (label: string, result: Result | undefined, change?: Change) => {
    nodes.push({
      id: 'leaf',
      kind: 'leaf',
      label,
      total: result?.perDevice.total,
      fits: result?.fits,
      ...(change ? {change} : {}),
    })
    edges.push({from: path[path.length - 1] as string, to: 'leaf'})
    path.push('leaf')
  }
  if (!scenario.gpu || base.fits) return adviceAsIs(scenario, base, {nodes, edges, path})
  let current = scenario
  let change: Change = {}
  let last = base
  for (const step of steps) {
    const next = step.apply(current, scenario)
    const node: AdviceNode = {id: step.id, kind: 'action', label: step.label}
    nodes.push(node)
    edges.push({
      from: path[path.length - 1] as string,
      to: step.id,
      ...(path.length > 3 ? {label: 'advice.edge.stillTooBig'} : {}),
    })
    path.push(step.id)
    const result = next ? safe(next.scenario) : undefined
    if (!next || !result) {
      Object.assign(node, {skipped: true})
      continue
    }
    current = next.scenario
    change = withoutDefaults({...change, ...next.change})
    last = result
    Object.assign(node, {
      total: result.perDevice.total,
      fits: result.fits,
      params: next.params,
      change: {...change},
    })
    if (result.fits) {
      leaf('advice.solution', result, change)
      return {
        nodes,
        edges,
        path,
        solution: {change, total: result.perDevice.total, devices: result.devices},
      }
    }
  }
  leaf('advice.noSolution', last)
  return {nodes, edges, path}
}
