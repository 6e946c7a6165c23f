/**
 * `solve: ctx` and `solve: layers` for llama.cpp and Ollama: the longest
 * context that fits the GPU (and the host, with `host_memory`) at the block's
 * slots, and the most layers llama.cpp can put on the GPU. Memory grows with
 * both, so each is a bisection over what the engine accepts: contexts in steps
 * of 256 (llama.cpp pads to 256), layers from 0 to blocks + 1.
 */
import type {Result, Scenario, Solved} from '../types.js'
import type {LlamaCppSettings} from './llama-cpp/settings.js'
import type {OllamaSettings} from './ollama/settings.js'

type Fits = (scenario: Scenario, patch: Partial<Scenario>) => Result | undefined

/** Largest n in [low, high] for which `fits` holds (monotone: true, then false). */
function largest(low: number, high: number, fits: (n: number) => boolean): number | undefined {
  if (!fits(low)) return undefined
  let good = low
  let bad = high + 1
  if (fits(high)) return high
  bad = high
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2)
    if (fits(middle)) good = middle
    else bad = middle
  }
  return good
}

export function solveEngine(scenario: Scenario, target: 'ctx' | 'layers', fitsWith: Fits): Solved {
  const engine = scenario.engine
  if (!engine || engine.engine === 'sglang')
    return {
      target,
      reason: '`solve: ctx` and `solve: layers` need `serve: {engine: llama.cpp}` or `ollama`',
    }
  const blocks = scenario.model.layers ?? 0
  if (target === 'layers') {
    if (engine.engine === 'ollama')
      return {
        target,
        reason:
          'Ollama decides the layers itself when `num_gpu` is not given; remove `num_gpu` and read `vram:ID.gpu_layers`',
      }
    const at = (layers: number): Partial<Scenario> => ({
      engine: {...(engine as LlamaCppSettings), nGpuLayers: layers},
    })
    const found = largest(0, blocks + 1, (n) => fitsWith(scenario, at(n)) !== undefined)
    if (found === undefined)
      return {
        target,
        reason:
          'even with every layer on the CPU the block does not fit (the host, or the GPU’s compute buffer)',
      }
    const result = fitsWith(scenario, at(found))
    return {
      target,
      value: found,
      result,
      ...(found === blocks + 1
        ? {note: `every layer (${blocks} blocks and the output layer) fits on the GPU`}
        : {}),
    }
  }
  // ctx: llama.cpp's `ctx_size` (all slots together) or Ollama's `num_ctx` (per request).
  const trained = scenario.model.contextLength ?? 1 << 20
  const ollama = engine.engine === 'ollama'
  const slots = engine.parallel
  const at = (units: number): Partial<Scenario> => {
    const ctx = units * 256
    if (ollama) {
      const settings = engine as OllamaSettings
      const total = ctx * slots
      return {
        engine: {
          ...settings,
          ctxAsked: total,
          nCtx: Math.ceil(total / 256) * 256,
          ollama: {...settings.ollama, numCtx: ctx},
        },
      }
    }
    return {engine: {...(engine as LlamaCppSettings), ctxAsked: ctx, nCtx: ctx}}
  }
  const perSlot = ollama ? trained : trained * slots
  const high = Math.max(1, Math.floor(perSlot / 256))
  const units = largest(1, high, (n) => fitsWith(scenario, at(n)) !== undefined)
  if (units === undefined) return {target, reason: 'even a context of 256 tokens does not fit'}
  const result = fitsWith(scenario, at(units))
  if (units === high)
    return {
      target,
      value: units * 256,
      result,
      limit: 'context',
      note: `the model's whole context (${trained.toLocaleString('en-US')} tokens${ollama || slots === 1 ? '' : ` for each of ${slots} slots`}) fits`,
    }
  return {target, value: units * 256, result}
}
