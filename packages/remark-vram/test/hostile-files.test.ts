/**
 * Issue 25 through the plugin: a FIFO named `*.gguf` in prose, a ```yaml block
 * or a vram block; a long prose of `config:config:…`; a `.gguf` path with a
 * space and `#`; a page whose block names `/proc/self/environ` under
 * `errors: 'warn'`; a `null` label in `locales`. Each run ends (the vitest
 * timeout is the hang detector) with a positioned message or none.
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {writeLlama2Q4KM} from '../../vram-core/test/gguf-header.js'
import type {Options} from '../src/options.js'
import {
  remarkGfm,
  remarkMath,
  remarkParse,
  remarkStringify,
  remarkVram,
  transform,
  unified,
  VFile,
} from './pipelines.js'

let folder: string
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'remark-vram-hostile-'))
  execFileSync('mkfifo', [join(folder, 'fifo.gguf')])
  writeLlama2Q4KM(join(folder, 'my model #2.gguf'))
})
afterAll(() => rmSync(folder, {recursive: true, force: true}))

const processor = (options?: Options) =>
  unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkMath)
    .use(remarkVram, options)
    .use(remarkStringify)

async function run(value: string, options?: Options) {
  const file = new VFile({path: join(folder, 'post.md'), value})
  let output: string | undefined
  try {
    output = String(await processor(options).process(file))
  } catch (error) {
    if (!file.messages.includes(error as never)) throw error
  }
  return {
    output,
    messages: file.messages.map(
      (message) => `${message.line}:${message.column} [${message.ruleId}] ${message.reason}`,
    ),
  }
}

describe('hostile files through the plugin', () => {
  it('a FIFO named *.gguf in prose or a ```yaml block is never opened', async () => {
    const doc =
      'Run with `config: ./fifo.gguf`, config: ./fifo.gguf.\n\n```yaml\nmodel:\n  config: ./fifo.gguf\n```\n\n```vram\nmodel: llama-2-7b\nshow: summary\n```\n'
    const {output, messages} = await run(doc)
    expect(messages).toEqual([])
    expect(output).toContain('17.6 GB in total')
  }, 10_000)

  it('a FIFO named *.gguf in a vram block is refused at its position', async () => {
    const {messages} = await run('```vram\nmodel:\n  config: ./fifo.gguf\n```\n')
    expect(messages).toEqual([
      '3:11 [config-read] Cannot read `./fifo.gguf`: not a regular file (a device, FIFO or socket); point `config` at a Hugging Face config.json file',
    ])
  }, 10_000)

  it('long `config:config:…` prose is not scanned (no vram block, nothing read)', async () => {
    const prose = `${'config:'.repeat(100_000)}x.gguf\n`
    const {output, messages} = await run(prose)
    expect(messages).toEqual([])
    expect(output?.length).toBeGreaterThan(700_000)
  }, 10_000)

  it('a valid .gguf path with a space and `#` is read (quoted in YAML)', async () => {
    const {output, messages} = await run(
      '```vram\nmodel:\n  config: "./my model #2.gguf"\nseq: 4096\n```\n',
    )
    expect(messages).toEqual([])
    expect(output).toContain('Llama 2 7B (test header)')
  })

  it("errors: 'warn' publishes a visible notice for /proc/self/environ, quoting nothing of it", async () => {
    const {output, messages} = await run('```vram\nmodel: {config: /proc/self/environ}\n```\n', {
      errors: 'warn',
    })
    expect(messages).toEqual([
      '2:17 [config-read] Cannot read `/proc/self/environ`: system files (/proc, /sys, /dev) are never read; point `config` at a Hugging Face config.json file',
    ])
    expect(output).toContain('system files (/proc, /sys, /dev) are never read')
    for (const value of Object.values(process.env))
      if ((value ?? '').length > 8) expect(output).not.toContain(value)
  })

  it('a `null` label in `locales` is a message naming the option, not an internal error', () => {
    const file = new VFile({value: '```vram\nmodel: llama-2-7b\nshow: summary\n```\n'})
    const tree = transform(file, {
      locale: 'fr',
      locales: {fr: {'metric.total': null} as never},
    })
    expect(file.messages.map((message) => `[${message.ruleId}] ${message.reason}`)).toEqual([
      '[invalid-option] The option `locales.fr["metric.total"]` is not a string; the built-in label is used',
    ])
    expect(JSON.stringify(tree)).toContain('in total')
    const whole = new VFile({value: '```vram\nmodel: llama-2-7b\nshow: summary\n```\n'})
    transform(whole, {locale: 'fr', locales: {fr: null} as never})
    expect(whole.messages.map((message) => message.reason)).toEqual([
      'The option `locales.fr` is not a mapping of labels; the built-in labels are used',
    ])
  })
})
