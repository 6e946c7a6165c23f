/**
 * Issue 25 through the real `vram` bin: a `.gguf` path with a space and `#`
 * (once refused with a message about asynchronous reading), a FIFO named
 * `*.gguf` in prose (once a hang), `/proc/self/environ` as a config (once
 * quoted back). spawnSync's timeout is the hang detector.
 */
import {execFileSync} from 'node:child_process'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {writeLlama2Q4KM} from '../../vram-core/test/gguf-header.js'
import {ensureBuilt, tempDir, vram, writeTemp} from './helpers.js'

let dir: string
beforeAll(() => {
  ensureBuilt()
  dir = tempDir()
  writeLlama2Q4KM(join(dir, 'my model #2.gguf'))
  execFileSync('mkfifo', [join(dir, 'fifo.gguf')])
})

describe('vram on hostile files', () => {
  it('render and calc read a .gguf path with a space and `#`', () => {
    const block = 'model:\n  config: "./my model #2.gguf"\nseq: 4096\n'
    const doc = writeTemp(dir, 'gguf.md', `# GGUF\n\n\`\`\`vram\n${block}\`\`\`\n`)
    const rendered = vram(['render', doc])
    expect(rendered.stderr).toBe('')
    expect(rendered.status).toBe(0)
    expect(rendered.stdout).toContain('Llama 2 7B (test header)')
    const calc = vram(['calc', writeTemp(dir, 'gguf.yaml', block)])
    expect(calc.stderr).toBe('')
    expect(calc.status).toBe(0)
    expect(calc.stdout).toContain('Llama 2 7B (test header)')
  }, 60_000)

  it('a FIFO named *.gguf in prose is never opened; in a block it is refused', () => {
    const prose = writeTemp(
      dir,
      'fifo-prose.md',
      'See `config: ./fifo.gguf`.\n\n```vram\nmodel: llama-2-7b\nshow: summary\n```\n',
    )
    const run = vram(['render', prose])
    expect(run.signal).toBeNull()
    expect(run.status).toBe(0)
    const block = writeTemp(dir, 'fifo-block.md', '```vram\nmodel: {config: ./fifo.gguf}\n```\n')
    const refused = vram(['check', block])
    expect(refused.status).toBe(2)
    expect(refused.stderr).toBe(
      `${block}:2:17: Cannot read \`./fifo.gguf\`: not a regular file (a device, FIFO or socket); point \`config\` at a Hugging Face config.json file [config-read]\n`,
    )
  }, 60_000)

  it('/proc/self/environ as a config is refused and nothing of it is printed', () => {
    const doc = writeTemp(dir, 'environ.md', '```vram\nmodel: {config: /proc/self/environ}\n```\n')
    const run = vram(['render', doc], {env: {VRAM_CANARY: 'canary-7f3e9a1c'}})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('system files (/proc, /sys, /dev) are never read')
    expect(run.stderr + run.stdout).not.toContain('canary-7f3e9a1c')
  }, 60_000)
})
