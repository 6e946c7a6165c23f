/**
 * Advice for a local engine (llama.cpp, Ollama) that does not fit: the steps
 * that matter there, mildest first — a quantized KV cache, a shorter context,
 * fewer layers on the GPU (the rest runs on the CPU, slower), a smaller quant
 * of the weights. Never tensor parallelism or ZeRO: one machine runs the model.
 * Each step is recomputed with the engine's own budget; they accumulate.
 */
import {dtype as namedDtype} from '../model/dtypes.js'
import {ggufDtype, isGgufFileType} from '../model/gguf.js'
import type {Advice, AdviceEdge, AdviceNode, Result, Scenario} from '../types.js'
import type {KvCacheType, LlamaCppSettings} from './llama-cpp/settings.js'
import type {OllamaSettings} from './ollama/settings.js'

type Change = Record<string, string | number | boolean>
type Step = {scenario: Scenario; change: Change; params: Record<string, string | number>}

/** Smaller GGUF mixes, in the order llama.cpp's quantize list gives them. */
const smallerQuants = ['q6_k', 'q5_k_m', 'q4_k_m', 'q3_k_m', 'q2_k', 'iq2_xs']

function withEngine(s: Scenario, patch: Partial<LlamaCppSettings>): Scenario {
  return {...s, engine: {...(s.engine as LlamaCppSettings), ...patch}}
}

function kvSteps(s: Scenario): Step[] {
  const settings = s.engine as LlamaCppSettings
  const types: KvCacheType[] = ['q8_0', 'q4_0']
  const bits = (t: KvCacheType) => (t === 'q8_0' ? 8.5 : t === 'q4_0' ? 4.5 : 16)
  return types
    .filter((t) => bits(t) < bits(settings.cacheTypeK))
    .map((t) => ({
      // Ollama and llama.cpp quantize the V cache only with flash attention.
      scenario: withEngine(s, {cacheTypeK: t, cacheTypeV: t, flashAttn: true}),
      change: {'serve.cache_type': t},
      params: {type: t},
    }))
}

function ctxSteps(s: Scenario): Step[] {
  const settings = s.engine as LlamaCppSettings
  const out: Step[] = []
  const ollama = settings.engine === 'ollama'
  const slots = settings.parallel
  let ctx = ollama ? (settings as OllamaSettings).ollama.numCtx : settings.ctxAsked
  while (ctx > 2048 && out.length < 8) {
    ctx = Math.max(2048, Math.floor(ctx / 2 / 256) * 256)
    const total = ollama ? ctx * slots : ctx
    const patch: Partial<OllamaSettings> = {ctxAsked: total, nCtx: Math.ceil(total / 256) * 256}
    if (ollama) patch.ollama = {...(settings as OllamaSettings).ollama, numCtx: ctx}
    out.push({
      scenario: withEngine(s, patch),
      change: {'serve.ctx_size': ctx},
      params: {ctx},
    })
  }
  return out
}

function layerSteps(s: Scenario): Step[] {
  const settings = s.engine as LlamaCppSettings
  const out: Step[] = []
  for (let n = settings.nGpuLayers - 1; n >= 0; n--)
    out.push({
      scenario: withEngine(s, {nGpuLayers: n, fitted: false}),
      change: {'serve.n_gpu_layers': n},
      params: {layers: n},
    })
  return out
}

function quantSteps(s: Scenario): Step[] {
  const name = s.dtype.name
  const start = smallerQuants.indexOf(name)
  const from = start >= 0 ? start + 1 : isGgufFileType(name) ? smallerQuants.length : 0
  return smallerQuants
    .slice(from)
    .filter((q) => isGgufFileType(q))
    .map((q) => ({
      scenario: {...s, dtype: ggufDtype(s.model, q as never) ?? namedDtype('int4')},
      change: {dtype: q},
      params: {dtype: q},
    }))
}

const steps: Array<{id: string; label: string; candidates: (s: Scenario) => Step[]}> = [
  {id: 'l1', label: 'advice.localKv', candidates: kvSteps},
  {id: 'l2', label: 'advice.localCtx', candidates: ctxSteps},
  {id: 'l3', label: 'advice.localLayers', candidates: layerSteps},
  {id: 'l4', label: 'advice.localQuant', candidates: quantSteps},
]

export function adviseLocal(
  scenario: Scenario,
  base: Result,
  safe: (s: Scenario) => Result | undefined,
): Advice {
  const nodes: AdviceNode[] = [
    {
      id: 'start',
      kind: 'start',
      label: 'advice.start',
      total: base.perDevice.total,
      fits: base.fits,
    },
  ]
  const edges: AdviceEdge[] = []
  const path = ['start']
  let previous = 'start'
  let current = scenario
  let change: Change = {}
  let solution: Advice['solution']
  for (const step of steps) {
    const node: AdviceNode = {id: step.id, kind: 'action', label: step.label}
    nodes.push(node)
    edges.push({
      from: previous,
      to: step.id,
      label: previous === 'start' ? undefined : 'advice.edge.stillTooBig',
    })
    path.push(step.id)
    previous = step.id
    let last: {result: Result; step: Step} | undefined
    for (const candidate of step.candidates(current)) {
      const result = safe(candidate.scenario)
      if (!result) continue
      last = {result, step: candidate}
      if (result.fits) break
    }
    if (!last) {
      Object.assign(node, {skipped: true, fits: false, total: safe(current)?.perDevice.total})
      continue
    }
    current = last.step.scenario
    change = {...change, ...last.step.change}
    Object.assign(node, {
      total: last.result.perDevice.total,
      fits: last.result.fits,
      params: last.step.params,
      change: last.step.change,
    })
    if (last.result.fits) {
      solution = {change, total: last.result.perDevice.total, devices: last.result.devices}
      nodes.push({
        id: 'leaf',
        kind: 'leaf',
        label: 'advice.solution',
        total: last.result.perDevice.total,
        fits: true,
        change,
      })
      edges.push({from: previous, to: 'leaf'})
      path.push('leaf')
      return {nodes, edges, path, solution}
    }
  }
  nodes.push({id: 'leaf', kind: 'leaf', label: 'advice.noSolution', fits: false})
  edges.push({from: previous, to: 'leaf'})
  path.push('leaf')
  return {nodes, edges, path}
}
