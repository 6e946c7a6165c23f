import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {blockKeys, parallelKeys} from '../src/input/scenario.js'
import {parseBlockSource} from '../src/input/yaml-source.js'
import {modelSymbols} from '../src/model/input.js'
import {evaluateBlock} from '../src/output/evaluate.js'
import type {Result} from '../src/types.js'

// Bad input never throws, and never yields NaN, Infinity or a negative size.
// Valid input always computes, and its figures match hand formulas: each
// generator below produces valid blocks and counts them, so that its checks
// cannot silently stop running (a generator of only invalid blocks checks nothing).

const value = fc.oneof(
  fc.anything(),
  fc.constantFrom(
    'llama-2-7b',
    'qwen2.5-7b',
    'training',
    'fp16',
    '7B',
    '80 GB',
    'h100',
    -1,
    0,
    1e308,
    Number.NaN,
    3.5,
    '',
  ),
)
const hostileBlock = fc.dictionary(fc.constantFrom(...blockKeys, 'bogus'), value, {maxKeys: 8})
const hostileLayout = fc.dictionary(fc.constantFrom(...parallelKeys, 'bogus'), value, {
  maxKeys: 5,
})

function checkSizes(result: unknown) {
  const text = JSON.stringify(result, (_key, entry) =>
    typeof entry === 'bigint' ? String(entry) : entry,
  )
  expect(text).not.toContain('NaN')
  expect(text).not.toContain('null') // JSON writes Infinity as null
  expect(text).not.toMatch(/-\d/) // no negative numbers anywhere in perDevice
}

/** A block that must compute: no error diagnostic, a result. */
function computed(raw: Record<string, unknown>): Result {
  const {block, diagnostics} = evaluateBlock(raw)
  expect(diagnostics.filter((entry) => entry.severity === 'error')).toEqual([])
  expect(block?.result).toBeDefined()
  const result = block?.result as Result
  checkSizes(result.perDevice)
  // The total is the sum of the rows, whatever the layout (the allocated peak is
  // a summary of the rows below the CUDA context, not a row of its own).
  const {total, allocatedPeak, ...rows} = result.perDevice
  if (allocatedPeak !== undefined) expect(allocatedPeak).toBe(total - (rows.cudaContext ?? 0))
  expect(Object.values(rows).reduce<number>((sum, bytes) => sum + (bytes ?? 0), 0)).toBe(total)
  return result
}

/**
 * Catalogue models with their exact parameter counts (the Hub's safetensors
 * totals, see reference/models.json and catalogue.test.ts) and the config
 * fields the KV cache needs (layers, KV heads, head_dim = hidden / heads).
 */
const presets = [
  // meta-llama/Llama-2-7b-hf: 6,738,415,616 parameters; 32 layers, 32 KV heads, 4096 / 32.
  {
    model: 'llama-2-7b',
    params: 6_738_415_616,
    layers: 32,
    kvHeads: 32,
    headDim: 128,
    context: 4096,
  },
  // Qwen/Qwen2.5-7B: 7,615,616,512 parameters; 28 layers, 4 KV heads, 3584 / 28.
  {
    model: 'qwen2.5-7b',
    params: 7_615_616_512,
    layers: 28,
    kvHeads: 4,
    headDim: 128,
    context: 32768,
  },
  // mistralai/Mixtral-8x7B-v0.1: 46,702,792,704 parameters; 32 layers, 8 KV heads, 4096 / 32.
  {
    model: 'mixtral-8x7b',
    params: 46_702_792_704,
    layers: 32,
    kvHeads: 8,
    headDim: 128,
    context: 32768,
  },
]
/** Bytes per element of the inference dtypes (IEEE half, bfloat16, single). */
const floats = [
  {dtype: 'fp16', bytes: 2},
  {dtype: 'bf16', bytes: 2},
  {dtype: 'fp32', bytes: 4},
]

interface InferenceDraw {
  kind: 'inference'
  preset: (typeof presets)[number]
  float: (typeof floats)[number]
  batch: number
  seq: number
}

/** Inference on a catalogue model: weights = P × bytes; KV = 2 × L × n_kv × d_h × bytes × B × N. */
const inference = fc
  .record({
    preset: fc.constantFrom(...presets),
    float: fc.constantFrom(...floats),
    batch: fc.integer({min: 1, max: 64}),
    seq: fc.integer({min: 1, max: 4096}),
  })
  .map((draw): InferenceDraw => ({kind: 'inference', ...draw}))

function checkInference(draw: InferenceDraw) {
  const {preset, float, batch, seq} = draw
  const result = computed({model: preset.model, dtype: float.dtype, batch, seq})
  expect(result.model.params).toBe(preset.params)
  expect(result.perDevice.weights).toBe(preset.params * float.bytes)
  expect(result.perDevice.kvCache).toBe(
    2 * preset.layers * preset.kvHeads * preset.headDim * float.bytes * batch * seq,
  )
  // No buffers unless written; the CUDA context as measured in pytorch/pytorch#86509.
  expect(result.perDevice.buffers).toBe(0)
  expect(result.perDevice.cudaContext).toBe(287_047_680)
}

describe('robustness', () => {
  it('any YAML text parses or reports yaml-syntax, never throws', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 200}), (text) => {
        const parsed = parseBlockSource(text)
        for (const entry of parsed.diagnostics) expect(entry.ruleId).toBe('yaml-syntax')
      }),
      {numRuns: 300},
    )
  })

  it('any value evaluates to a block or diagnostics; a valid inference block gives the hand figures', () => {
    let valid = 0
    fc.assert(
      fc.property(fc.oneof(fc.anything(), hostileBlock, inference), (raw) => {
        if (raw && typeof raw === 'object' && 'kind' in raw && raw.kind === 'inference') {
          valid++
          checkInference(raw as InferenceDraw)
          return
        }
        const {block: result, diagnostics} = evaluateBlock(raw)
        expect(result !== undefined || diagnostics.length > 0).toBe(true)
        if (result?.result) checkSizes(result.result.perDevice)
      }),
      {numRuns: 2000},
    )
    // A third of the draws are valid blocks (fc.oneof picks each arbitrary alike).
    expect(valid).toBeGreaterThan(2000 / 5)
  })

  it('random bad layouts on a real model: diagnostics or finite, non-negative sizes', () => {
    fc.assert(
      fc.property(hostileLayout, value, value, (layout, batch, seq) => {
        const {block: result, diagnostics} = evaluateBlock({
          model: 'mixtral-8x7b',
          mode: 'training',
          parallel: layout,
          batch,
          seq,
        })
        expect(result?.result !== undefined || diagnostics.length > 0).toBe(true)
        if (result?.result) checkSizes(result.result.perDevice)
      }),
      {numRuns: 300},
    )
  })

  it('random valid layouts on Mixtral 8x7B: every one computes, sharding conserves the model states', () => {
    // Powers of two that divide Mixtral's 32 layers, 32 heads, 8 KV heads and 8 experts;
    // expert parallelism carved out of dp × cp (Megatron's rule, etp = tp by default);
    // the global batch a multiple of the data-parallel ranks.
    const layout = fc
      .record({
        tp: fc.constantFrom(1, 2, 4, 8),
        pp: fc.constantFrom(1, 2, 4),
        dp: fc.constantFrom(1, 2, 4, 8),
        cp: fc.constantFrom(1, 2),
        zero: fc.constantFrom(0, 1),
        sp: fc.boolean(),
        micro: fc.integer({min: 1, max: 4}),
        // Context parallelism (and sequence parallelism over tp) split the sequence evenly.
        seq: fc.integer({min: 1, max: 64}).map((blocks) => 64 * blocks),
      })
      .chain((draw) =>
        fc.record({
          draw: fc.constant(draw),
          ep: fc.constantFrom(...[1, 2, 4, 8].filter((ep) => (draw.dp * draw.cp) % ep === 0)),
        }),
      )
    const P = 46_702_792_704 // mistralai/Mixtral-8x7B-v0.1, as above
    let runs = 0
    fc.assert(
      fc.property(layout, ({draw, ep}) => {
        runs++
        const {micro, seq, ...parallel} = draw
        const evaluate = (zero: number) =>
          computed({
            model: 'mixtral-8x7b',
            mode: 'training',
            parallel: {...parallel, zero, ep},
            batch: micro * draw.dp,
            seq,
          })
        const result = evaluate(draw.zero)
        expect(result.devices).toBe(draw.dp * draw.tp * draw.pp * draw.cp)
        // Mixed-precision AdamW (the default): bf16 weights 2 bytes, gradients 2 + 4 bytes
        // (bf16 and the fp32 copy), fp32 master, momentum and variance 12 bytes per parameter.
        // The most loaded device holds at least the average share and at most the whole.
        const whole = {weights: 2 * P, gradients: 6 * P, optimizer: 12 * P}
        for (const [key, bytes] of Object.entries(whole)) {
          const perDevice = result.perDevice[key as keyof typeof whole]
          expect(perDevice * result.devices).toBeGreaterThanOrEqual(bytes)
          expect(perDevice).toBeLessThanOrEqual(bytes)
        }
        // ZeRO (Rajbhandari et al. 2020, §5): each stage shards more over dp, never less.
        if (draw.dp > 1 && draw.pp === 1) {
          const stages = [0, 1, 2, 3].map((zero) => evaluate(zero).perDevice)
          for (let stage = 1; stage < 4; stage++) {
            const before = stages[stage - 1]
            const after = stages[stage]
            for (const key of ['weights', 'gradients', 'optimizer'] as const)
              expect(after?.[key]).toBeLessThanOrEqual(before?.[key] as number)
          }
        }
      }),
      {numRuns: 300},
    )
    expect(runs).toBe(300)
  })

  it('random model mappings: diagnostics or finite sizes', () => {
    const numbers = fc.oneof(value, fc.integer({min: -8, max: 70000}))
    const model = fc.dictionary(
      fc.constantFrom(...modelSymbols, 'extends', 'hidden_size', 'bogus'),
      numbers,
      {maxKeys: 12},
    )
    fc.assert(
      fc.property(model, fc.constantFrom('inference', 'training'), (mapping, mode) => {
        const {block: result, diagnostics} = evaluateBlock({model: mapping, mode})
        expect(result?.result !== undefined || diagnostics.length > 0).toBe(true)
        if (result?.result) checkSizes(result.result.perDevice)
      }),
      {numRuns: 300},
    )
  })

  it('random Llama-style shapes: every one computes, with the hand-counted parameters and KV cache', () => {
    // A decoder as Hugging Face's LlamaForCausalLM builds it (reference/models.json
    // param_formula): per layer q and o h × (n_h·d_h), k and v h × (n_kv·d_h), a gated MLP
    // 3 × h × ffn, two RMSNorm weights h; embedding V × h, an untied head V × h, a final norm h.
    const shape = fc
      .record({
        layers: fc.integer({min: 1, max: 96}),
        heads: fc.integer({min: 1, max: 64}),
        groups: fc.constantFrom(1, 2, 4, 8),
        headDim: fc.constantFrom(64, 80, 96, 128),
        ffnRatio: fc.integer({min: 1, max: 4}),
        vocab: fc.integer({min: 1000, max: 256_000}),
        tied: fc.boolean(),
        batch: fc.integer({min: 1, max: 32}),
        seq: fc.integer({min: 1, max: 8192}),
      })
      .filter((draw) => draw.heads % draw.groups === 0)
    let runs = 0
    fc.assert(
      fc.property(shape, (draw) => {
        runs++
        const hidden = draw.heads * draw.headDim
        const kvHeads = draw.heads / draw.groups
        const ffn = draw.ffnRatio * hidden
        const perLayer =
          2 * hidden * draw.heads * draw.headDim +
          2 * hidden * kvHeads * draw.headDim +
          3 * hidden * ffn +
          2 * hidden
        const params = draw.layers * perLayer + draw.vocab * hidden * (draw.tied ? 1 : 2) + hidden
        const result = computed({
          model: {
            layers: draw.layers,
            hidden,
            heads: draw.heads,
            kv_heads: kvHeads,
            ffn,
            vocab: draw.vocab,
            tied_embeddings: draw.tied,
          },
          dtype: 'bf16',
          batch: draw.batch,
          seq: draw.seq,
        })
        expect(result.model.params).toBe(params)
        expect(result.perDevice.weights).toBe(2 * params)
        expect(result.perDevice.kvCache).toBe(
          2 * draw.layers * kvHeads * draw.headDim * 2 * draw.batch * draw.seq,
        )
      }),
      {numRuns: 1000},
    )
    expect(runs).toBe(1000)
  })
})
