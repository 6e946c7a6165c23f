/**
 * Every rule id, asserted as the whole message: position in the markdown
 * file (YAML positions shifted by the fence, in containers too), rule id,
 * source, fatality, reason and documentation URL.
 */
import {describe, expect, test} from 'vitest'
import remarkBrowser from '../src/index.js'
import {parseMarkdown, remarkParse, transform, unified, VFile} from './pipelines.js'

const docs = 'https://github.com/remark-vram/remark-vram/tree/main/packages/remark-vram'

/** 0-based offset of a 1-based line and column, computed from the document itself. */
function offset(doc: string, line: number, column: number): number {
  const lines = doc.split('\n')
  let total = 0
  for (let index = 0; index < line - 1; index++) total += (lines[index] as string).length + 1
  return total + column - 1
}

interface Expected {
  start: [number, number]
  end: [number, number]
  ruleId: string
  reason: string
  fatal?: boolean
  expected?: string[]
  actual?: string
}

/** The message as the test expects it, all fields spelled out. */
function message(doc: string, want: Expected) {
  const [line, column] = want.start
  const [endLine, endColumn] = want.end
  return {
    file: 'doc.md',
    line,
    column,
    place: {
      start: {line, column, offset: offset(doc, line, column)},
      end: {line: endLine, column: endColumn, offset: offset(doc, endLine, endColumn)},
    },
    name: `doc.md:${line}:${column}-${endLine}:${endColumn}`,
    ruleId: want.ruleId,
    source: 'remark-vram',
    fatal: want.fatal ?? true,
    reason: want.reason,
    url: `${docs}#${want.ruleId}`,
    expected: want.expected,
    actual: want.actual,
  }
}

type Message = VFile['messages'][number]

function pick(entry: Message) {
  return {
    file: entry.file,
    line: entry.line,
    column: entry.column,
    place: entry.place,
    name: entry.name,
    ruleId: entry.ruleId,
    source: entry.source,
    fatal: entry.fatal,
    reason: entry.reason,
    url: entry.url,
    expected: entry.expected,
    actual: entry.actual,
  }
}

/** Runs the plugin; returns what was thrown and every message. */
function run(doc: string, options?: Parameters<typeof transform>[1]) {
  const file = new VFile({path: 'doc.md', value: doc})
  let thrown: unknown
  try {
    transform(file, options)
  } catch (error) {
    thrown = error
  }
  return {file, thrown, messages: file.messages.map(pick)}
}

/** Asserts the one fatal message a document produces, and that it was thrown. */
function expectFatal(doc: string, want: Expected): void {
  const {file, thrown, messages} = run(doc)
  expect(messages).toEqual([message(doc, want)])
  expect(thrown).toBe(file.messages[0])
}

describe('rule ids', () => {
  test('yaml-syntax: an unclosed flow sequence, at its opening bracket', () => {
    const doc = 'Intro\n\n```vram\nmodel: llama-2-7b\nbatch: [1\n```\n'
    expectFatal(doc, {
      start: [5, 8],
      end: [5, 9],
      ruleId: 'yaml-syntax',
      reason:
        'Invalid YAML: this `[` is never closed; add `]` after the last item, e.g. `[fp16, int8]`',
    })
  })

  test('yaml-syntax: a repeated key', () => {
    const doc = '```vram\nmodel: llama-2-7b\nmodel: llama-2-13b\n```\n'
    expectFatal(doc, {
      start: [3, 1],
      end: [3, 2],
      ruleId: 'yaml-syntax',
      reason:
        'Invalid YAML: Map keys must be unique; each key may appear once; remove the repeated one',
    })
  })

  test('unknown-key: `kv_head` inside `model:`, at the key', () => {
    const doc = '# T\n\n```vram\nmodel:\n  extends: llama-2-7b\n  kv_head: 8\n```\n'
    expectFatal(doc, {
      start: [6, 3],
      end: [6, 10],
      ruleId: 'unknown-key',
      reason: 'Unknown model key `kv_head`; did you mean `kv_heads`?',
    })
  })

  test('unknown-key: a top-level key', () => {
    const doc = '```vram\nmodel: llama-2-7b\nbatchsize: 8\n```\n'
    expectFatal(doc, {
      start: [3, 1],
      end: [3, 10],
      ruleId: 'unknown-key',
      reason: 'Unknown key `batchsize`; did you mean `batch`?',
    })
  })

  test('unknown-model', () => {
    const doc = '```vram\nmodel: llama-2-8b\n```\n'
    expectFatal(doc, {
      start: [2, 8],
      end: [2, 18],
      ruleId: 'unknown-model',
      reason:
        'Unknown model `llama-2-8b`; the catalogue has Llama 2 only in 7B, 13B, 70B (`llama-2-7b`, `llama-2-13b`, `llama-2-70b`); for another size point at its config.json: `model: {config: ./config.json}`',
    })
  })

  test('unknown-model: inside a `vary` list, at the swept value', () => {
    const doc = '```vram\nmodel: llama-2-7b\nvary:\n  model: [llama-2-7b, llama-2-99b]\n```\n'
    expectFatal(doc, {
      start: [4, 23],
      end: [4, 34],
      ruleId: 'unknown-model',
      reason:
        'Unknown model `llama-2-99b`; the catalogue has Llama 2 only in 7B, 13B, 70B (`llama-2-7b`, `llama-2-13b`, `llama-2-70b`); for another size point at its config.json: `model: {config: ./config.json}`',
    })
  })

  test('unknown-gpu', () => {
    const doc = '```vram\nmodel: llama-2-7b\ngpu: h100-sxm-90gb\n```\n'
    expectFatal(doc, {
      start: [3, 6],
      end: [3, 19],
      ruleId: 'unknown-gpu',
      reason:
        'Unknown GPU `h100-sxm-90gb`; the catalogue has this card only as `h100-sxm-80gb` (80 GB HBM3), `h100-pcie-80gb` (80 GB HBM2e); for another memory size give the capacity, e.g. `gpu: 90 GB`',
    })
  })

  test('invalid-value', () => {
    const doc = '```vram\nmodel: llama-2-7b\nbatch: 0\n```\n'
    expectFatal(doc, {
      start: [3, 8],
      end: [3, 9],
      ruleId: 'invalid-value',
      reason: '`batch` must be a whole number ≥ 1, not `0`',
    })
  })

  test('invalid-value: meta `id=` and key `id:` differ', () => {
    const doc = '```vram id=a\nmodel: llama-2-7b\nid: b\n```\n'
    expectFatal(doc, {
      start: [3, 5],
      end: [3, 6],
      ruleId: 'invalid-value',
      reason: 'The fence’s `id=a` and the key `id: b` differ; keep one of them',
    })
  })

  test('invalid-value: a bad meta `id=`, at the meta', () => {
    const doc = '```vram id=9a\nmodel: llama-2-7b\n```\n'
    expectFatal(doc, {
      start: [1, 9],
      end: [1, 14],
      ruleId: 'invalid-value',
      reason:
        'The fence’s `id=` must be a name of letters, digits, `_` and `-`; for example `id=qwen`',
    })
  })

  test('invalid-value: two blocks with one id', () => {
    const doc = '```vram id=a\nmodel: llama-2-7b\n```\n\n```vram\nmodel: llama-2-7b\nid: a\n```\n'
    expectFatal(doc, {
      start: [7, 5],
      end: [7, 6],
      ruleId: 'invalid-value',
      reason: 'Another block already has the id `a`; give each block its own id',
    })
  })

  test('missing-field: no model, at the whole fence', () => {
    const doc = '```vram\nmode: training\n```\n'
    expectFatal(doc, {
      start: [1, 1],
      end: [3, 4],
      ruleId: 'missing-field',
      reason:
        'A vram block needs a `model`; add `model: llama-2-7b` (a preset), or `model: {params: 7B}`',
    })
  })

  test('missing-field: `show: advice` without a GPU', () => {
    const doc = '```vram\nmodel: llama-2-7b\nshow: [advice]\n```\n'
    expectFatal(doc, {
      start: [3, 7],
      end: [3, 15],
      ruleId: 'missing-field',
      reason:
        '`show: advice` needs a `gpu` to decide what fits; add `gpu: h100-sxm-80gb` (or another preset or capacity)',
    })
  })

  test('incompatible', () => {
    const doc = '```vram\nmodel: llama-2-7b\nparallel:\n  zero: 2\n```\n'
    expectFatal(doc, {
      start: [4, 9],
      end: [4, 10],
      ruleId: 'incompatible',
      reason:
        'ZeRO shards training state; inference has none; remove `zero`, or set `mode: training`',
    })
  })

  test('expect-mismatch, with expected and actual', () => {
    const doc =
      '```vram\nmodel: Qwen/Qwen2.5-7B\nbatch: 16\nseq: 32768\nexpect:\n  kv_cache: 28 GB\n```\n'
    expectFatal(doc, {
      start: [6, 13],
      end: [6, 18],
      ruleId: 'expect-mismatch',
      reason:
        'Expected kv_cache 28 GB, computed 30.06 GB; write 30.06 GB, or widen `expect.tolerance`',
      expected: ['28 GB'],
      actual: '30.06 GB',
    })
  })

  test('measured-mismatch, at the measured figure, with measured and computed', () => {
    const doc =
      '```vram\nmodel: Qwen/Qwen2.5-7B\nbatch: 16\nseq: 32768\nmeasured:\n  kv_cache: 20 GB\n  how: nvidia-smi\n```\n'
    expectFatal(doc, {
      start: [6, 13],
      end: [6, 18],
      ruleId: 'measured-mismatch',
      reason:
        'Measured kv_cache 20 GB (nvidia-smi), computed 30.06 GB: ratio 1.50, outside ±10 %; check that the block describes the measured run (batch, seq, engine settings); if the gap is understood, say why in the text and set `measured.tolerance`',
      expected: ['20 GB'],
      actual: '30.06 GB',
    })
  })

  test('invalid-value in measured, at the value', () => {
    const doc =
      '```vram\nmodel: Qwen/Qwen2.5-7B\nmeasured: {total: 15 GB, source: my laptop}\n```\n'
    expectFatal(doc, {
      // `my laptop`: columns 34 to 43 of `measured: {total: 15 GB, source: my laptop}`.
      start: [3, 34],
      end: [3, 43],
      ruleId: 'invalid-value',
      reason:
        '`measured.source` must be a URL (`https://…`) where the reader can see the measurement; link the log, issue comment or table the figure comes from',
    })
  })

  test('unknown-reference: a bad path and an unknown id, both reported, the first thrown', () => {
    const doc =
      'See `vram:qwen.totl` and `vram:nope.total`.\n\n```vram id=qwen\nmodel: Qwen/Qwen2.5-7B\n```\n'
    const {file, thrown, messages} = run(doc)
    expect(messages).toEqual([
      message(doc, {
        start: [1, 5],
        end: [1, 21],
        ruleId: 'unknown-reference',
        reason: 'Unknown reference path `totl`; did you mean `total`?',
      }),
      message(doc, {
        start: [1, 26],
        end: [1, 43],
        ruleId: 'unknown-reference',
        reason:
          'Unknown reference `vram:nope.total`: no block has the id `nope`; add `id: NAME` to a block',
      }),
    ])
    expect(thrown).toBe(file.messages[0])
  })

  test('unknown-reference: a block with errors', () => {
    const doc = '`vram:bad.total`\n\n```vram id=bad\nmodel: nothing\n```\n'
    const {messages} = run(doc)
    expect(messages.map((entry) => [entry.ruleId, entry.line, entry.reason])).toEqual([
      ['unknown-model', 4, expect.stringMatching(/^Unknown model `nothing`/)],
      ['unknown-reference', 1, '`vram:bad.total` refers to block `bad`, which has errors'],
    ])
  })

  test('config-read: a `readConfig` that fails', () => {
    const doc = '```vram\nmodel:\n  config: ./missing.json\n```\n'
    const {file, thrown, messages} = run(doc, {
      readConfig() {
        throw new Error('no such file')
      },
    })
    expect(messages).toEqual([
      message(doc, {
        start: [3, 11],
        end: [3, 25],
        ruleId: 'config-read',
        reason:
          'Cannot read `./missing.json`: no such file; the path is relative to the markdown file',
      }),
    ])
    expect(thrown).toBe(file.messages[0])
  })

  test('config-read: the Node entry reads relative to the file', () => {
    const doc = '```vram\nmodel:\n  config: ./missing.json\n```\n'
    const {messages} = run(doc)
    expect(messages[0]?.ruleId).toBe('config-read')
    expect(messages[0]?.reason).toBe(
      'Cannot read `./missing.json`: no such file; the path is relative to the markdown file',
    )
  })

  test('config-read: `readConfig: false` turns reading off', () => {
    const doc = '```vram\nmodel:\n  config: ./model-config.json\n```\n'
    const {messages} = run(doc, {readConfig: false})
    expect(messages[0]?.ruleId).toBe('config-read')
    expect(messages[0]?.reason).toMatch(/need the Node entry point/)
  })

  test('config-read: the browser entry has no file system', () => {
    const doc = '```vram\nmodel:\n  config: ./config.json\n```\n'
    const file = new VFile({path: 'doc.md', value: doc})
    const processor = unified().use(remarkParse).use(remarkBrowser)
    expect(() => processor.runSync(processor.parse(file), file)).toThrow(
      'Cannot read `./config.json`: local config.json files need the Node entry point',
    )
    expect(pick(file.messages[0] as Message)).toEqual(
      message(doc, {
        start: [3, 11],
        end: [3, 24],
        ruleId: 'config-read',
        reason:
          'Cannot read `./config.json`: local config.json files need the Node entry point (`vram-core/node`) and a file path; use a preset (`extends: llama-2-7b`) or write the config fields in the block',
      }),
    )
  })
})

describe('positions in containers', () => {
  test('a fence in a list item', () => {
    const doc = '* item\n\n  ```vram\n  model:\n    kv_head: 8\n  ```\n'
    expectFatal(doc, {
      start: [5, 5],
      end: [5, 12],
      ruleId: 'unknown-key',
      reason: 'Unknown model key `kv_head`; did you mean `kv_heads`?',
    })
  })

  test('a fence in a blockquote', () => {
    const doc = '> quote\n>\n> ```vram\n> model: llama-2-7b\n> gpu: h100-sxm-90gb\n> ```\n'
    expectFatal(doc, {
      start: [5, 8],
      end: [5, 21],
      ruleId: 'unknown-gpu',
      reason:
        'Unknown GPU `h100-sxm-90gb`; the catalogue has this card only as `h100-sxm-80gb` (80 GB HBM3), `h100-pcie-80gb` (80 GB HBM2e); for another memory size give the capacity, e.g. `gpu: 90 GB`',
    })
  })

  test('a fence in a blockquote in a list item', () => {
    const doc = '1. > ```vram\n   > model: llama-2-7b\n   > batch: -1\n   > ```\n'
    expectFatal(doc, {
      start: [3, 13],
      end: [3, 15],
      ruleId: 'invalid-value',
      reason: '`batch` must be a whole number ≥ 1, not `-1`',
    })
  })

  test('an indented fence', () => {
    const doc = '   ```vram\n   model: llama-2-7b\n   seq: 1.5\n   ```\n'
    expectFatal(doc, {
      start: [3, 9],
      end: [3, 12],
      ruleId: 'invalid-value',
      reason: '`seq` must be a whole number ≥ 1, not `1.5`; use a whole number such as 2',
    })
  })

  test('CRLF line endings', () => {
    const doc = '```vram\r\nmodel: llama-2-7b\r\ngpu: nope\r\n```\r\n'
    const {messages} = run(doc)
    expect(messages[0]?.place).toEqual({
      start: {line: 3, column: 6, offset: 33},
      end: {line: 3, column: 10, offset: 37},
    })
  })

  test('a tree without the file’s text falls back to the fence’s indentation', () => {
    const doc = '  ```vram\n  model: llama-2-7b\n  gpu: nope\n  ```\n'
    const tree = parseMarkdown(doc)
    const file = new VFile({path: 'doc.md'})
    const processor = unified().use(remarkParse).use(remarkBrowser)
    expect(() => processor.runSync(tree, file)).toThrow()
    expect(file.messages[0]?.place).toEqual({
      start: {line: 3, column: 8},
      end: {line: 3, column: 12},
    })
  })
})

describe('severity', () => {
  test('errors are fatal by default: all messages collected, the first thrown', () => {
    const doc = '```vram\nmodel: nope\n```\n\n```vram\nmodel: llama-2-7b\ngpu: nope\n```\n'
    const {file, thrown, messages} = run(doc)
    expect(messages.map((entry) => [entry.ruleId, entry.fatal])).toEqual([
      ['unknown-model', true],
      ['unknown-gpu', true],
    ])
    expect(thrown).toBe(file.messages[0])
  })

  test('`errors: warn` turns errors into warnings and throws nothing', () => {
    const doc = '```vram\nmodel: nope\n```\n'
    const {thrown, messages} = run(doc, {errors: 'warn'})
    expect(thrown).toBeUndefined()
    expect(messages.map((entry) => [entry.ruleId, entry.fatal])).toEqual([['unknown-model', false]])
  })

  test('a core warning stays a warning (an erratum that now matches)', () => {
    const doc =
      '```vram\nmodel: Qwen/Qwen2.5-7B\nbatch: 16\nseq: 32768\nexpect:\n  kv_cache: {value: 30.1 GB, erratum: wrong}\n```\n'
    const {thrown, messages} = run(doc)
    expect(thrown).toBeUndefined()
    expect(messages).toEqual([
      message(doc, {
        start: [6, 13],
        end: [6, 45],
        ruleId: 'expect-mismatch',
        fatal: false,
        reason:
          '`expect.kv_cache` is marked as an erratum but now matches (30.06 GB); remove `erratum`',
      }),
    ])
  })
})
