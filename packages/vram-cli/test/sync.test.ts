import {chmodSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {freshBuild, freshBuildTimeout} from '../../../test/fresh-build.js'
import {tempDir, vram, vramBin, writeTemp} from './helpers.js'

const qwenBlock = `\`\`\`vram id=qwen
model: Qwen/Qwen2.5-7B
dtype: fp16
batch: 16
seq: 32768
gpu: h100-sxm-80gb
\`\`\``

const doc = `# Memory

Some prose   with trailing spaces   \n
${qwenBlock}
Text right after the fence.

- a list item

  \`\`\`vram
  model: llama-2-7b
  vary:
    dtype: [fp16, int8]
  \`\`\`

> quoted
>
> \`\`\`vram
> model: llama-2-7b
> mode: training
> batch: 8
> \`\`\`

The end, without a final newline.`

/** The file with every generated region (and the blank line that introduces it) removed. */
function withoutRegions(text: string): string {
  return text.replace(/\r?\n[ >]*\r?\n[ >]*<!-- vram:begin[\s\S]*?<!-- vram:end -->/g, '')
}

let dir: string

// Some tests run the binary, which runs the build.
beforeAll(async () => {
  await freshBuild()
  dir = tempDir()
}, freshBuildTimeout)

function fresh(name: string, text = doc): string {
  return writeTemp(dir, name, text)
}

describe('vram sync', () => {
  it('writes each expansion after its block, then check passes', async () => {
    const file = fresh('sync.md')
    const run = await vram(['sync', file])
    expect(run.stderr).toContain(`wrote ${file} (3 regions updated)`)
    expect(run.status).toBe(0)
    const synced = readFileSync(file, 'utf8')
    expect(synced).toContain(`${qwenBlock}\n\n<!-- vram:begin qwen hash=`)
    expect(synced).toMatch(/\| Weights {6}\| {6}15\.2 \|/)
    expect(synced).toContain('  <!-- vram:begin block-2 hash=')
    expect(synced).toContain('> <!-- vram:begin block-3 hash=')
    expect(synced).toContain('\n> <!-- vram:end -->\n')
    // Nothing outside the markers changed: trailing spaces, no final newline.
    expect(withoutRegions(synced)).toBe(doc)
    const check = await vram(['check', file])
    expect(check.stderr).toBe('')
    expect(check.stdout).toBe('')
    expect(check.status).toBe(0)
  })

  it('is idempotent: a second run is byte-identical and does not rewrite the file', async () => {
    const file = fresh('twice.md')
    expect((await vram(['sync', file])).status).toBe(0)
    const first = readFileSync(file)
    const inode = statSync(file).ino
    const second = await vram(['sync', file])
    expect(second.status).toBe(0)
    expect(second.stderr).toBe('')
    expect(readFileSync(file).equals(first)).toBe(true)
    expect(statSync(file).ino).toBe(inode)
  })

  it('keeps CRLF line endings, in the generated text too', async () => {
    const crlf = `${doc.replaceAll('\n', '\r\n')}\r\n`
    const file = fresh('crlf.md', crlf)
    expect((await vram(['sync', file])).status).toBe(0)
    const synced = readFileSync(file, 'utf8')
    expect(synced.length).toBeGreaterThan(crlf.length)
    expect(synced).not.toMatch(/[^\r]\n/)
    expect(synced.endsWith('newline.\r\n')).toBe(true)
    expect(withoutRegions(synced)).toBe(crlf)
    expect((await vram(['check', file])).status).toBe(0)
    expect((await vram(['sync', file])).stderr).toBe('')
    expect(readFileSync(file, 'utf8')).toBe(synced)
  })

  it('keeps the file mode', async () => {
    const file = fresh('mode.md')
    chmodSync(file, 0o640)
    expect((await vram(['sync', file])).status).toBe(0)
    expect(statSync(file).mode & 0o777).toBe(0o640)
  })

  it('leaves a file with a bad block untouched and reports where', async () => {
    // The unknown key is on line 5 of the file (fence on line 3), column 1.
    const text = '# Bad\n\n```vram\nmodel: llama-2-7b\nbatchh: 3\n```\n'
    const file = fresh('bad.md', text)
    const good = fresh('good.md')
    const run = await vram(['sync', file, good])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`${file}:5:1: Unknown key \`batchh\``)
    expect(run.stderr).toMatch(/\[unknown-key\]/)
    expect(run.stderr).toContain(`${file} not written`)
    expect(readFileSync(file, 'utf8')).toBe(text)
    // The other file is still synced.
    expect(readFileSync(good, 'utf8')).toContain('<!-- vram:begin qwen')
    const check = await vram(['check', file])
    expect(check.status).toBe(2)
    expect(check.stderr).toContain(`${file}:5:1: `)
  })

  it('leaves a read-only file untouched and reports it', async () => {
    const file = fresh('readonly.md')
    chmodSync(file, 0o444)
    const run = await vram(['sync', file])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`vram: cannot write ${file}: the file is read-only`)
    expect(readFileSync(file, 'utf8')).toBe(doc)
    expect(statSync(file).mode & 0o777).toBe(0o444)
  })

  it('does not write a file whose expect fails, and exits 1', async () => {
    const text = `${qwenBlock.replace('gpu: h100-sxm-80gb', 'gpu: h100-sxm-80gb\nexpect:\n  total: 40 GB')}\n`
    const file = fresh('expect.md', text)
    const run = await vram(['sync', file])
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(/expect\.md:8:10: .*\[expect-mismatch\]/)
    expect(readFileSync(file, 'utf8')).toBe(text)
    expect((await vram(['check', file])).status).toBe(1)
  })

  it('leaves the original intact when the write fails', () => {
    const preload = writeTemp(
      dir,
      'fail-rename.mjs',
      `import fs from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'
fs.renameSync = () => { throw Object.assign(new Error('simulated'), {code: 'EIO'}) }
syncBuiltinESMExports()
`,
    )
    const file = fresh('fail.md')
    const run = vramBin(['sync', file], {nodeArgs: ['--import', preload]})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`vram: cannot write ${file}: EIO`)
    expect(readFileSync(file, 'utf8')).toBe(doc)
    expect(readdirSync(dir).filter((name) => name.includes('vram-tmp'))).toEqual([])
  })

  it('leaves the original intact when killed in the middle of writing', () => {
    const preload = writeTemp(
      dir,
      'kill-write.mjs',
      `import fs from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'
const write = fs.writeFileSync
fs.writeFileSync = (path, data, options) => {
  // The temporary file is written through the descriptor that created it.
  if (typeof path === 'number') {
    write(path, Buffer.from(data).subarray(0, 40), options)
    process.kill(process.pid, 'SIGKILL')
  }
  return write(path, data, options)
}
syncBuiltinESMExports()
`,
    )
    const file = fresh('killed.md')
    const run = vramBin(['sync', file], {nodeArgs: ['--import', preload]})
    expect(run.signal).toBe('SIGKILL')
    expect(readFileSync(file, 'utf8')).toBe(doc)
  })
})

describe('malformed regions', () => {
  it('reports an unclosed fence and a region without a block, and writes nothing', async () => {
    const text =
      '<!-- vram:begin old hash=0123456789ab -->\n\nstale\n\n<!-- vram:end -->\n\n```vram\nmodel: llama-2-7b\n'
    const file = fresh('malformed.md', text)
    const run = await vram(['sync', file])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`${file}:1:1: A generated region that does not follow`)
    expect(run.stderr).toContain(`${file}:7:1: The \`\`\`vram block has no closing fence`)
    expect(run.stderr).toMatch(/\[vram-region\]/)
    expect(readFileSync(file, 'utf8')).toBe(text)
  })
})

describe('vram check', () => {
  async function synced(name: string): Promise<string> {
    const file = fresh(name)
    expect((await vram(['sync', file])).status).toBe(0)
    return file
  }

  it('fails with a diff when a number inside the markers was edited', async () => {
    const file = await synced('edited.md')
    const text = readFileSync(file, 'utf8')
    writeFileSync(file, text.replace('|      15.2 |', '|      15.3 |'))
    const before = readFileSync(file, 'utf8')
    const run = await vram(['check', file])
    expect(run.status).toBe(1)
    expect(run.stdout).toContain(`--- ${file}\tcurrent`)
    expect(run.stdout).toContain('-| Weights      |      15.3 |')
    expect(run.stdout).toContain('+| Weights      |      15.2 |')
    expect(run.stderr).toContain('edited by hand')
    expect(run.stderr).toContain(`vram sync ${file}`)
    // check writes nothing.
    expect(readFileSync(file, 'utf8')).toBe(before)
  })

  it('fails when the YAML changed', async () => {
    const file = await synced('yaml.md')
    writeFileSync(file, readFileSync(file, 'utf8').replace('batch: 16', 'batch: 8'))
    const run = await vram(['check', file])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('stale generated region')
    expect(run.stdout).toContain('-| **Total**    |  **45.6** |')
    expect(run.stdout).toContain('+| **Total**    |  **30.6** |')
    expect((await vram(['sync', file])).status).toBe(0)
    expect((await vram(['check', file])).status).toBe(0)
  })

  it('fails on a file that was never synced and expands globs', async () => {
    fresh('glob-a.md')
    fresh('glob-b.md')
    // From the working directory (a new process: the in-process CLI shares the test's).
    const run = vramBin(['check', 'glob-*.md'], {cwd: dir})
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('vram sync glob-a.md glob-b.md')
    const glob = join(dir, 'glob-*.md')
    expect((await vram(['sync', glob])).status).toBe(0)
    expect((await vram(['check', glob])).status).toBe(0)
    expect((await vram(['check', join(dir, 'nothing-*.md')])).status).toBe(2)
  })
})

describe('vram render', () => {
  it('prints the document with every block and reference expanded', async () => {
    const file = fresh('render.md', `${qwenBlock}\n\nTotal: \`vram:qwen.total\`.\n`)
    const run = await vram(['render', file])
    expect(run.status).toBe(0)
    expect(run.stdout).not.toContain('```vram')
    expect(run.stdout).toContain('| **Total**    |  **45.6** |')
    expect(run.stdout).toContain('Total: 45.6 GB.')
    const stdin = await vram(['render', '-'], {input: readFileSync(file, 'utf8')})
    expect(stdin.stdout).toBe(run.stdout)
  })
})
