import {compute, deviceCount} from '../components/compute.js'
import {adviseLocal} from '../engines/advice.js'
import {dtype} from '../model/dtypes.js'
import type {Advice, AdviceEdge, AdviceNode, Result, Scenario} from '../types.js'
import {adviceAsIs} from './advice-as-is.js'
import {adviseSingleGpu} from './advice-finetune.js'

type Change = Record<string, string | number | boolean>

/** A remedy: candidate configurations in order, mildest first. */
interface Remedy {
  label: string
  candidates: (
    s: Scenario,
  ) => Array<{scenario: Scenario; change: Change; params: Record<string, string | number>}>
}

function withParallel(s: Scenario, patch: Partial<Scenario['parallel']>): Scenario {
  return {...s, parallel: {...s.parallel, ...patch}}
}

function tpDegrees(s: Scenario): number[] {
  const heads = s.model.heads ?? 1
  const kv = s.model.mla ? heads : (s.model.kvHeads ?? heads)
  return [2, 4, 8].filter(
    (tp) => tp > s.parallel.tp && heads % tp === 0 && (kv % tp === 0 || tp % kv === 0),
  )
}

const remedies: Record<string, Remedy> = {
  t3: {
    label: 'advice.enableZero',
    // ZeRO shards over data-parallel replicas: with one replica it changes nothing.
    candidates: (s) =>
      ([1, 2] as const)
        .filter((stage) => stage > s.parallel.zero && s.parallel.dp * s.parallel.cp > 1)
        .map((stage) => ({
          scenario: withParallel(s, {zero: stage}),
          change: {'parallel.zero': stage},
          params: {stage},
        })),
  },
  t5: {
    label: 'advice.recompute',
    candidates: (s) =>
      (['selective', 'full'] as const)
        .filter(
          (mode) => !(mode === 'selective' && s.attention === 'flash') && mode !== s.recompute,
        )
        .map((recompute) => ({
          scenario: {...s, recompute},
          change: {recompute},
          params: {recompute},
        })),
  },
  t6: {
    label: 'advice.moreTpPp',
    candidates: (s) => {
      const out = tpDegrees(s).map((tp) => ({
        scenario: withParallel(s, {tp, etp: tp, sp: true}),
        change: {'parallel.tp': tp, 'parallel.sp': true} as Change,
        params: {tp, pp: s.parallel.pp} as Record<string, string | number>,
      }))
      const tp = Math.max(s.parallel.tp, ...tpDegrees(s))
      for (let pp = s.parallel.pp * 2; pp <= (s.model.layers ?? 1); pp *= 2) {
        out.push({
          scenario: withParallel(s, {tp, etp: tp, sp: tp > 1, pp}),
          change: {'parallel.tp': tp, 'parallel.pp': pp, ...(tp > 1 ? {'parallel.sp': true} : {})},
          params: {tp, pp},
        })
      }
      return out
    },
  },
  i2: {
    label: 'advice.quantize',
    candidates: (s) =>
      (['int8', 'int4'] as const)
        .filter((name) => dtype(name).bits < s.dtype.bits)
        .map((name) => ({
          scenario: {...s, dtype: dtype(name)},
          change: {dtype: name},
          params: {dtype: name},
        })),
  },
  i4: {
    label: 'advice.switchGqa',
    candidates: (s) => {
      const heads = s.model.heads
      if (heads === undefined || heads % 8 !== 0 || s.model.mla) return []
      const kvHeads = heads / 8
      return [
        {
          scenario: {...s, model: {...s.model, kvHeads}},
          change: {'model.kv_heads': kvHeads},
          params: {kvHeads},
        },
      ]
    },
  },
  i5: {
    label: 'advice.shrinkKv',
    candidates: (s) => {
      const out: ReturnType<Remedy['candidates']> = []
      const kv = s.kvDtype.bits > 8 ? {...s, kvDtype: dtype('fp8')} : s
      if (kv !== s)
        out.push({scenario: kv, change: {kv_dtype: 'fp8'}, params: {kvDtype: 'fp8', seq: s.seq}})
      for (let seq = Math.floor(s.seq / 2); seq >= 1024; seq = Math.floor(seq / 2)) {
        out.push({
          scenario: {...kv, seq},
          change: {...(kv !== s ? {kv_dtype: 'fp8'} : {}), seq},
          params: {kvDtype: kv.kvDtype.name, seq},
        })
      }
      return out
    },
  },
  i6: {
    label: 'advice.moreTp',
    candidates: (s) =>
      tpDegrees(s).map((tp) => ({
        scenario: withParallel(s, {tp, etp: tp}),
        change: {'parallel.tp': tp},
        params: {tp},
      })),
  },
}

/** The article's §8 chart: node ids, kinds and label keys, and its edges. */
const chart: Array<Omit<AdviceNode, 'total' | 'fits'>> = [
  {id: 'start', kind: 'start', label: 'advice.start'},
  {id: 'q1', kind: 'question', label: 'advice.trainingOrInference'},
  {id: 't1', kind: 'action', label: 'advice.checkOptimizer'},
  {id: 't2', kind: 'question', label: 'advice.usesZero'},
  {id: 't3', kind: 'action', label: 'advice.enableZero'},
  {id: 't4', kind: 'question', label: 'advice.activationsLarge'},
  {id: 't5', kind: 'action', label: 'advice.recompute'},
  {id: 't6', kind: 'action', label: 'advice.moreTpPp'},
  {id: 'i1', kind: 'question', label: 'advice.bottleneck'},
  {id: 'i2', kind: 'action', label: 'advice.quantize'},
  {id: 'i3', kind: 'question', label: 'advice.usesGqa'},
  {id: 'i4', kind: 'action', label: 'advice.switchGqa'},
  {id: 'i5', kind: 'action', label: 'advice.shrinkKv'},
  {id: 'i6', kind: 'action', label: 'advice.moreTp'},
]

const chartEdges: AdviceEdge[] = [
  {from: 'start', to: 'q1'},
  {from: 'q1', to: 't1', label: 'advice.edge.training'},
  {from: 't1', to: 't2'},
  {from: 't2', to: 't3', label: 'advice.edge.no'},
  {from: 't2', to: 't4', label: 'advice.edge.yes'},
  {from: 't4', to: 't5', label: 'advice.edge.yes'},
  {from: 't4', to: 't6', label: 'advice.edge.no'},
  {from: 'q1', to: 'i1', label: 'advice.edge.inference'},
  {from: 'i1', to: 'i2', label: 'advice.edge.weights'},
  {from: 'i1', to: 'i3', label: 'advice.edge.kv'},
  {from: 'i3', to: 'i4', label: 'advice.edge.no'},
  {from: 'i3', to: 'i5', label: 'advice.edge.yes'},
  {from: 'i1', to: 'i6', label: 'advice.edge.both'},
]

/**
 * Walks the article's §8 decision tree for one scenario. Every remedy node is
 * recomputed: on the path taken, remedies accumulate (ZeRO, then recompute,
 * then TP/PP) and each node carries the per-device total after it; nodes off
 * the path carry what their remedy alone would give. Where the article's chart
 * ends but the configuration still does not fit, the walk continues to the
 * next remedy ("still too big" edges). The leaf names the first configuration
 * that fits.
 */
export function advise(scenario: Scenario): Advice {
  const safe = (candidate: Scenario): Result | undefined => {
    try {
      return compute(candidate)
    } catch {
      return undefined
    }
  }
  const base = compute(scenario)
  // A local engine: its own steps (quantized KV, shorter context, fewer GPU layers, smaller quant).
  if (scenario.engine && scenario.engine.engine !== 'sglang' && scenario.gpu && !base.fits)
    return adviseLocal(scenario, base, safe)
  // One GPU, or adapter replicas (nothing an adapter block shards): the fine-tuning chart instead.
  if (scenario.mode === 'training' && (deviceCount(scenario) === 1 || scenario.adapter))
    return adviseSingleGpu(scenario, base, safe)
  const nodes: AdviceNode[] = chart.map((entry) => ({...entry}))
  const edges: AdviceEdge[] = chartEdges.map((entry) => ({...entry}))
  const byId = (id: string) => nodes.find((entry) => entry.id === id) as AdviceNode
  const path: string[] = ['start']
  Object.assign(byId('start'), {total: base.perDevice.total, fits: base.fits})

  // Off-path figures: each remedy alone, on the writer's configuration.
  // Only the branch of this mode: quantizing weights says nothing about a training job.
  const branch = scenario.mode === 'training' ? 't' : 'i'
  for (const [id, remedy] of Object.entries(remedies)) {
    if (!id.startsWith(branch)) continue
    const options = remedy.candidates(scenario)
    const best = options
      .map((option) => ({option, result: safe(option.scenario)}))
      .filter((entry) => entry.result)
    const pick = best.find((entry) => entry.result?.fits) ?? best[best.length - 1]
    if (pick?.result)
      Object.assign(byId(id), {
        total: pick.result.perDevice.total,
        fits: pick.result.fits,
        params: pick.option.params,
        change: pick.option.change,
      })
  }

  let solution: Advice['solution']
  const finish = (from: string, result: Result, change: Change) => {
    solution = {change, total: result.perDevice.total, devices: result.devices}
    nodes.push({
      id: 'leaf',
      kind: 'leaf',
      label: 'advice.solution',
      total: result.perDevice.total,
      fits: true,
      change,
      params: {devices: result.devices},
    })
    edges.push({from, to: 'leaf'})
    path.push('leaf')
  }
  if (!scenario.gpu || base.fits) return adviceAsIs(scenario, base, {nodes, edges, path})

  let current = scenario
  let change: Change = {}
  let previous = 'start'
  const visit = (id: string, params?: Record<string, string | number>) => {
    if (!edges.some((entry) => entry.from === previous && entry.to === id)) {
      edges.push({from: previous, to: id, label: 'advice.edge.stillTooBig'})
    }
    path.push(id)
    previous = id
    if (params) byId(id).params = {...byId(id).params, ...params}
  }
  /** Applies a remedy's candidates in order until one fits; returns true when solved. */
  const apply = (id: string): boolean => {
    visit(id)
    const remedy = remedies[id] as Remedy
    let last: {result: Result; option: ReturnType<Remedy['candidates']>[number]} | undefined
    for (const option of remedy.candidates(current)) {
      const result = safe(option.scenario)
      if (!result) continue
      last = {result, option}
      if (result.fits) break
    }
    const node = byId(id)
    if (!last) {
      Object.assign(node, {
        total: safe(current)?.perDevice.total,
        fits: false,
        skipped: true,
        change: undefined,
      })
      return false
    }
    current = last.option.scenario
    change = {...change, ...last.option.change}
    Object.assign(node, {
      total: last.result.perDevice.total,
      fits: last.result.fits,
      params: last.option.params,
      change: {...change},
    })
    if (last.result.fits) {
      finish(id, last.result, change)
      return true
    }
    return false
  }

  visit('q1')
  if (scenario.mode === 'training') {
    visit('t1')
    const usesZero = scenario.parallel.zero > 0
    visit('t2', {answer: usesZero ? 'yes' : 'no'})
    if (!usesZero && apply('t3')) return {nodes, edges, path, solution}
    const now = safe(current) ?? base
    const large = now.perDevice.activations / now.perDevice.total >= 0.3
    visit('t4', {
      answer: large ? 'yes' : 'no',
      share: Math.round((100 * now.perDevice.activations) / now.perDevice.total),
    })
    if (large && apply('t5')) return {nodes, edges, path, solution}
    if (apply('t6')) return {nodes, edges, path, solution}
  } else {
    const weights = base.perDevice.weights
    const kv = base.perDevice.kvCache
    const bottleneck = weights > 2 * kv ? 'weights' : kv > 2 * weights ? 'kvCache' : 'both'
    visit('i1', {answer: bottleneck})
    const order =
      bottleneck === 'weights'
        ? ['i2', 'i6']
        : bottleneck === 'kvCache'
          ? ['i3', 'i5', 'i6']
          : ['i6', 'i2']
    if (bottleneck === 'kvCache') {
      const gqa =
        current.model.mla !== undefined ||
        (current.model.kvHeads ?? current.model.heads ?? 1) < (current.model.heads ?? 1)
      visit('i3', {answer: gqa ? 'yes' : 'no'})
      if (!gqa && apply('i4')) return {nodes, edges, path, solution}
      order.shift()
    }
    for (const id of order) if (apply(id)) return {nodes, edges, path, solution}
  }
  nodes.push({
    id: 'leaf',
    kind: 'leaf',
    label: 'advice.noSolution',
    total: safe(current)?.perDevice.total,
    fits: false,
  })
  edges.push({from: previous, to: 'leaf'})
  path.push('leaf')
  return {nodes, edges, path, solution}
}
