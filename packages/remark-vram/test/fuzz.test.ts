/**
 * Fuzzing the whole plugin with hostile documents: every document ends in
 * rendered output whose numbers are finite, or in messages placed in the file
 * (never an `internal-error`, never a crash); each within a time bound; and
 * `Object.prototype` is never touched.
 *
 * The test command runs a short, reproducible pass (fixed seed, bounded
 * time). The long run is behind a switch:
 *
 *     VRAM_FUZZ_LONG=1 npx vitest run packages/remark-vram/test/fuzz.test.ts
 *
 * (`VRAM_FUZZ_SEED=n` picks another seed for it, `VRAM_FUZZ_RUNS=n` the number of documents.)
 */
import fc from 'fast-check'
import {SKIP, visit} from 'unist-util-visit'
import {describe, expect, it} from 'vitest'
import {blockKeys, evaluateBlock, parallelKeys, parseBlockSource} from 'vram-core'
import {type Root, toMarkdown, transform, VFile} from './pipelines.js'

const long = process.env.VRAM_FUZZ_LONG === '1'
const seed = long ? Number(process.env.VRAM_FUZZ_SEED ?? Date.now() % 2 ** 31) : 13
const numRuns = long ? Number(process.env.VRAM_FUZZ_RUNS ?? 20_000) : 250
/** Per document. A real block takes milliseconds; a loop per layer took seconds. */
const timeBound = 2000

const prototypeNames = [
  'constructor',
  '__proto__',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  'prototype',
]

/** YAML scalars a writer (or an attacker) might type. */
const scalar = fc.oneof(
  fc.constantFrom(
    'llama-2-7b',
    'mixtral-8x7b',
    'deepseek-v3',
    'gpt-oss-20b',
    '7B',
    '1e20',
    'training',
    'inference',
    'fp16',
    'int4',
    'nf4',
    '4.5bpw',
    'h100',
    '80 GB',
    '1e308 GB',
    '5e-324',
    '80',
    '.inf',
    '-.inf',
    '.nan',
    '1e308',
    '1e10',
    '-1',
    '0',
    '1.5',
    '"4096"',
    "'8'",
    'null',
    '~',
    'true',
    '0x10',
    '*a',
    '&a 3',
    '!!omap [tp: 2]',
    '!!set {a}',
    '!!binary aGk=',
    '!custom 1',
    '[',
    '{',
    '[[[[[[[[',
    '- x',
    '|\n  text',
    '---',
    '"\\u0000"',
    '```',
    'javascript:alert(1)',
  ),
  fc.constantFrom(...prototypeNames),
  fc.integer({min: -3, max: 70_000}).map(String),
  fc.double().map(String),
  fc.string({maxLength: 12}).map((text) => JSON.stringify(text)),
)

/** A flow mapping from `keys` to scalars, e.g. `{tp: 3, constructor: .inf}`. */
const mapping = (keys: readonly string[]) =>
  fc
    .array(fc.tuple(fc.constantFrom(...keys, ...prototypeNames), scalar), {maxLength: 5})
    .map((pairs) => `{${pairs.map(([key, value]) => `${key}: ${value}`).join(', ')}}`)

const modelValue = fc.oneof(
  scalar,
  mapping([
    'extends',
    'config',
    'params',
    'layers',
    'hidden',
    'heads',
    'kv_heads',
    'head_dim',
    'vocab',
    'ffn',
    'experts',
    'experts_per_token',
    'dense_layers',
    'num_hidden_layers',
    'mlp',
    'model_type',
  ]),
)

const line = fc.oneof(
  fc.tuple(fc.constantFrom(...blockKeys, ...prototypeNames), scalar).map(([k, v]) => `${k}: ${v}`),
  modelValue.map((value) => `model: ${value}`),
  mapping(parallelKeys).map((value) => `parallel: ${value}`),
  mapping(['total', 'weights', 'kv_cache', 'params', 'tolerance']).map((v) => `expect: ${v}`),
  fc
    .tuple(
      fc.constantFrom('batch', 'dtype', 'model', 'parallel.tp', ...prototypeNames),
      fc.array(scalar, {maxLength: 4}),
    )
    .map(([key, values]) => `vary: {${key}: [${values.join(', ')}]}`),
  fc.constantFrom(
    'model: llama-2-7b',
    'gpu: h100',
    'mode: training',
    'show: [breakdown, formulas, summary, advice]',
    'solve: batch',
    '---',
    '  nested: 1',
    '\t- tab',
  ),
  fc.string({maxLength: 20}),
)

/** A block most of whose keys are sensible, so that many compute, with a hostile value now and then. */
const plausible = fc
  .record(
    {
      model: fc.oneof(
        {
          arbitrary: fc.constantFrom('llama-2-7b', 'mixtral-8x7b', 'qwen3-8b', 'gpt-oss-20b'),
          weight: 6,
        },
        {arbitrary: modelValue, weight: 1},
      ),
      mode: fc.constantFrom('inference', 'training'),
      batch: fc.oneof(
        {arbitrary: fc.integer({min: 1, max: 64}).map(String), weight: 6},
        {arbitrary: scalar, weight: 1},
      ),
      seq: fc.oneof(
        {arbitrary: fc.constantFrom('512', '4096', '32768', '1073741824'), weight: 6},
        {arbitrary: scalar, weight: 1},
      ),
      gpu: fc.oneof(
        {arbitrary: fc.constantFrom('h100', '80 GB', 'rtx-4090', '1 PB'), weight: 6},
        {arbitrary: scalar, weight: 1},
      ),
      parallel: fc.oneof(
        {arbitrary: fc.constantFrom('{tp: 2}', '{pp: 2}', '{tp: 4, pp: 2}'), weight: 6},
        {arbitrary: mapping(parallelKeys), weight: 1},
      ),
      show: fc.constantFrom('[breakdown, formulas, summary]', 'summary', 'formulas'),
    },
    {requiredKeys: ['model']},
  )
  .map((record) => Object.entries(record).map(([key, value]) => `${key}: ${value}`))

const fence = fc
  .tuple(
    fc.constantFrom('', ' id=a', ' id=b', ' id=constructor', ' id=__proto__'),
    fc.oneof(
      {arbitrary: plausible, weight: 3},
      {arbitrary: fc.array(line, {minLength: 1, maxLength: 7}), weight: 2},
      {arbitrary: fc.tuple(plausible, line).map(([lines, extra]) => [...lines, extra]), weight: 1},
    ),
  )
  .map(([meta, lines]) => `\`\`\`vram${meta}\n${lines.join('\n')}\n\`\`\``)

const prose = fc
  .tuple(
    fc.constantFrom('a', 'b', 'constructor', '__proto__', 'x'),
    fc.constantFrom(
      'total',
      'weights',
      'kv_cache',
      'fits',
      'utilization',
      'solved',
      '0.total',
      ...prototypeNames,
    ),
  )
  .map(([id, path]) => `See \`vram:${id}.${path}\`.`)

const container = (inner: string) =>
  fc.constantFrom(
    inner,
    `> ${inner.replaceAll('\n', '\n> ')}`,
    `- ${inner.replaceAll('\n', '\n  ')}`,
  )

const documents = fc
  .array(fc.oneof(fence.chain(container), prose), {minLength: 1, maxLength: 4})
  .map((parts) => parts.join('\n\n'))

/** What `Object.prototype` (and `Array.prototype`) look like before any document runs. */
function prototypeShape(): string {
  return [Object.prototype, Array.prototype, Function.prototype]
    .map((proto) => Object.getOwnPropertyNames(proto).sort().join(','))
    .join('|')
}

/** The first non-finite number anywhere in `value`, as a path. */
function nonFinite(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path || 'value'
  if (typeof value !== 'object' || value === null || depth > 12) return undefined
  for (const [key, entry] of Object.entries(value)) {
    const found = nonFinite(entry, `${path}.${key}`, depth + 1)
    if (found) return found
  }
  return undefined
}

/**
 * The text the plugin wrote: every text and math node, but not code and
 * inline code, which hold what the writer typed (a kept block, a value quoted
 * in a message) and may well say `Infinity`.
 */
function generatedText(tree: Root): string {
  const parts: string[] = []
  visit(tree, (node) => {
    if (node.type === 'code' || node.type === 'inlineCode') return SKIP
    if ('value' in node && typeof node.value === 'string') parts.push(node.value)
    return undefined
  })
  return parts.join('\n')
}

/** How the documents ended, so the test can tell it exercised both paths. */
const seen = {documents: 0, rendered: 0, reported: 0, zero3: 0, longerContext: 0}

function checkDocument(value: string): void {
  seen.documents++
  for (const errors of ['fatal', 'warn'] as const) {
    const file = new VFile({value, path: 'fuzz.md'})
    const started = performance.now()
    let output: string | undefined
    let generated: string | undefined
    try {
      const tree = transform(file, {errors})
      generated = generatedText(tree)
      output = toMarkdown(tree)
    } catch (error) {
      // Only a message the plugin reported may be thrown.
      expect(file.messages).toContain(error)
    }
    expect(performance.now() - started).toBeLessThan(timeBound)
    for (const message of file.messages) {
      expect(message.ruleId).not.toBe('internal-error')
      expect(message.source).toBe('remark-vram')
      expect(message.line).toBeGreaterThanOrEqual(1)
      expect(message.column).toBeGreaterThanOrEqual(1)
    }
    if (generated !== undefined) expect(generated).not.toMatch(/NaN|Infinity|∞/)
    if (output?.includes('| **Total** |')) seen.rendered++
    if (file.messages.length > 0) seen.reported++
  }
  // The engine's numbers behind the rendering: finite, whatever the block says.
  for (const match of value.matchAll(/```vram[^\n]*\n([\s\S]*?)\n```/g)) {
    const parsed = parseBlockSource(match[1] as string)
    if (parsed.diagnostics.length > 0) continue
    const started = performance.now()
    const {block, diagnostics} = evaluateBlock(parsed.value)
    expect(performance.now() - started).toBeLessThan(timeBound)
    expect(block !== undefined || diagnostics.length > 0).toBe(true)
    expect(nonFinite(block)).toBeUndefined()
    if (block?.result) checkInvariants(parsed.value as Record<string, unknown>, block.result)
  }
}

type Result = NonNullable<NonNullable<ReturnType<typeof evaluateBlock>['block']>['result']>

/** The result of `raw` with `patch` over it, or `undefined` when that block is invalid. */
function variant(raw: Record<string, unknown>, patch: Record<string, unknown>): Result | undefined {
  return evaluateBlock({...raw, ...patch}).block?.result
}

/**
 * Numbers that are finite can still be silently wrong: each result is held to
 * invariants any correct model obeys. No component exceeds the total (on every
 * pipeline stage); a longer context never shrinks the KV cache; under ZeRO-3
 * more data-parallel GPUs never raise a GPU's share of the model states.
 */
function checkInvariants(raw: Record<string, unknown>, result: Result): void {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return
  if (result.missing === undefined)
    for (const stage of [result.perDevice, ...(result.stages ?? [])])
      for (const [key, value] of Object.entries(stage))
        if (key !== 'total') expect(value ?? 0).toBeLessThanOrEqual(stage.total)
  const seq = result.scenario.seq
  if (raw.serve === undefined && Number.isInteger(seq) && seq * 2 <= 1_073_741_824) {
    const longer = variant(raw, {seq: seq * 2})
    if (longer) {
      seen.longerContext++
      expect(longer.perDevice.kvCache).toBeGreaterThanOrEqual(result.perDevice.kvCache)
    }
  }
  const parallel = raw.parallel
  if (
    result.scenario.parallel.zero === 3 &&
    typeof parallel === 'object' &&
    parallel !== null &&
    !Array.isArray(parallel)
  ) {
    const dp = result.scenario.parallel.dp
    const wider = variant(raw, {
      parallel: {...parallel, dp: dp * 2},
      batch: result.scenario.batch * 2,
    })
    if (wider) seen.zero3++
    if (wider)
      for (const key of ['weights', 'gradients', 'optimizer'] as const)
        expect(wider.perDevice[key]).toBeLessThanOrEqual(result.perDevice[key])
  }
}

describe(`fuzzing (${long ? 'long run' : 'short run'}, seed ${seed})`, () => {
  it(
    'every document: finite output or positioned messages, in time, prototypes untouched',
    () => {
      const before = prototypeShape()
      fc.assert(
        fc.property(documents, (value) => {
          checkDocument(value)
          expect(prototypeShape()).toBe(before)
          expect(({} as Record<string, unknown>).model).toBeUndefined()
        }),
        {
          seed,
          numRuns,
          interruptAfterTimeLimit: long ? 3_600_000 : 25_000,
          markInterruptAsFailure: false,
        },
      )
      expect(prototypeShape()).toBe(before)
      // Not vacuous: some documents computed tables, others were reported.
      expect(seen.rendered).toBeGreaterThan(seen.documents / 50)
      expect(seen.reported).toBeGreaterThan(seen.documents / 2)
    },
    long ? 4_000_000 : 60_000,
  )

  it('known hostile documents pass the same checks', () => {
    for (const value of [
      '```vram\nmodel: {extends: llama-2-7b, heads: 1000000000, head_dim: 128}\nparallel: {tp: 3}\n```',
      '```vram\nmodel: {extends: deepseek-v3, layers: 1e308}\n```',
      '```vram\n__proto__: {model: llama-2-7b, polluted: 1}\nmodel: llama-2-7b\n```',
      '```vram id=__proto__\nmodel: llama-2-7b\n```\n\n`vram:__proto__.total` `vram:constructor.total`',
      `\`\`\`vram\nmodel: llama-2-7b\nshow: ${'['.repeat(10_000)}\n\`\`\``,
      '```vram\nmodel: llama-2-7b\nseq: 1073741824\nbatch: 16777216\nparallel: {dp: 16777216}\nmode: training\n```',
      // Invariants hold here: ZeRO-3 over more GPUs, a longer context.
      '```vram\nmodel: mixtral-8x7b\nmode: training\nseq: 4096\nbatch: 8\nparallel: {dp: 8, zero: 3}\n```',
      '```vram\nmodel: gemma-2-9b\nseq: 8192\nbatch: 4\nparallel: {pp: 2}\n```',
    ])
      checkDocument(value)
    // Not vacuous: the invariants ran.
    expect(seen.zero3).toBeGreaterThan(0)
    expect(seen.longerContext).toBeGreaterThan(0)
  })
})
