import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {encodeMarkdown, readMarkdownFile, WriteError, writeAtomic} from '../src/files.js'
import {ensureBuilt, tempDir, vram, writeTemp} from './helpers.js'

// `vram sync` edits writers' files in place: each case below is one way a
// file (or the folder it lives in) can be hostile or unusual, and what sync
// must do about it: keep every byte, or refuse and say why.

const block = '```vram\nmodel: llama-2-7b\n```'
const doc = `# Memory\n\n${block}\n\nProse after the block.\n`

let dir: string

beforeAll(() => {
  ensureBuilt()
  dir = tempDir()
})

function temporaries(): string[] {
  return readdirSync(dir).filter((name) => name.includes('.vram-tmp-'))
}

describe('the temporary file', () => {
  it('is never written through a link planted at its name', () => {
    const dir = tempDir()
    const victim = writeTemp(dir, 'victim.txt', 'do not touch\n')
    chmodSync(victim, 0o600)
    const file = writeTemp(dir, 'planted.md', doc)
    const planted = join(dir, '.planted.md.vram-tmp-fixed')
    symlinkSync(victim, planted)
    expect(() =>
      writeAtomic(file, Buffer.from('new text\n'), {temporaryName: () => planted}),
    ).toThrow(new WriteError(file, 'EEXIST'))
    // The link's target, its mode and the markdown file are as they were; the link is not ours to remove.
    expect(readFileSync(victim, 'utf8')).toBe('do not touch\n')
    expect(statSync(victim).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toBe(doc)
    expect(lstatSync(file).isSymbolicLink()).toBe(false)
    expect(readlinkSync(planted)).toBe(victim)
  })

  it('gets a random name, so a link cannot be planted in advance', () => {
    const file = writeTemp(dir, 'random.md', doc)
    const names = new Set<string>()
    for (let round = 0; round < 3; round++) {
      writeAtomic(file, Buffer.from(`${doc}${round}\n`), {
        temporaryName: (target) => {
          const name = `${target}.vram-tmp-probe-${round}`
          names.add(name)
          return name
        },
      })
    }
    expect(names.size).toBe(3)
    const run = vram(['sync', file], {
      nodeArgs: ['--import', writeTemp(dir, 'trace-open.mjs', traceOpen)],
    })
    expect(run.status).toBe(0)
    const opened = run.stderr.match(/OPEN (\S+)/g) ?? []
    expect(opened).toHaveLength(1)
    expect(opened[0]).toMatch(/\/\.random\.md\.vram-tmp-[0-9a-f]{16}$/)
    expect(temporaries()).toEqual([])
  })

  it('keeps the original mode, including one the umask would strip', () => {
    const file = writeTemp(dir, 'mode.md', doc)
    chmodSync(file, 0o664)
    const run = vram(['sync', file], {nodeArgs: ['--import', writeTemp(dir, 'umask.mjs', umask)]})
    expect(run.status).toBe(0)
    expect(statSync(file).mode & 0o777).toBe(0o664)
  })
})

describe('an edit saved while sync runs', () => {
  it('is detected before the rename: nothing is written and the edit stays', () => {
    const file = writeTemp(dir, 'concurrent.md', doc)
    const run = vram(['sync', file], {
      nodeArgs: ['--import', writeTemp(dir, 'edit-during.mjs', editDuringSync(file))],
    })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(
      `vram: cannot write ${file}: the file changed while vram was syncing it; nothing was written, run vram sync again`,
    )
    expect(readFileSync(file, 'utf8')).toBe(`${doc}Saved by an editor meanwhile.\n`)
    expect(temporaries()).toEqual([])
    // Run again, as the message says: now it syncs and keeps the edit.
    expect(vram(['sync', file]).status).toBe(0)
    expect(readFileSync(file, 'utf8')).toContain('Saved by an editor meanwhile.\n')
    expect(readFileSync(file, 'utf8')).toContain('<!-- vram:begin block-1')
  })
})

describe('bytes that are not UTF-8', () => {
  const latin1 = Buffer.concat([
    Buffer.from('# Caf'),
    Buffer.from([0xe9]),
    Buffer.from(`\n\n${block}\n`),
  ])

  it('make sync and check refuse the file, naming the byte, and keep it byte for byte', () => {
    const file = join(dir, 'latin1.md')
    writeFileSync(file, latin1)
    for (const command of ['sync', 'check', 'render']) {
      const run = vram([command, file])
      expect(run.status).toBe(2)
      expect(run.stderr).toBe(
        `vram: cannot read ${file}: it is not UTF-8 (byte 0xE9 at line 1, column 6)\n` +
          'vram: save the file as UTF-8; vram reads and writes UTF-8 only, so it leaves this file as it is\n',
      )
      expect(readFileSync(file).equals(latin1)).toBe(true)
    }
  })

  it('are found after valid multi-byte characters too', () => {
    const file = join(dir, 'mixed.md')
    writeFileSync(file, Buffer.concat([Buffer.from('显存\nab'), Buffer.from([0xc3, 0x28])]))
    expect(() => readMarkdownFile(file)).toThrow(
      `cannot read ${file}: it is not UTF-8 (byte 0xC3 at line 2, column 3)`,
    )
  })
})

describe('a byte order mark', () => {
  it('is kept, and the blocks after it are found', () => {
    const file = join(dir, 'bom.md')
    writeFileSync(file, encodeMarkdown(doc, true))
    const run = vram(['sync', file])
    expect(run.stderr).toBe(`vram: wrote ${file} (1 region updated)\n`)
    const bytes = readFileSync(file)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(bytes.toString('utf8')).toContain('<!-- vram:begin block-1')
    expect(vram(['check', file]).status).toBe(0)
  })
})

describe('CR-only line endings', () => {
  it('are read as lines, kept, and used in the generated text', () => {
    const file = writeTemp(dir, 'cr.md', doc.replaceAll('\n', '\r'))
    const run = vram(['sync', file])
    expect(run.stderr).toBe(`vram: wrote ${file} (1 region updated)\n`)
    const synced = readFileSync(file, 'utf8')
    expect(synced).not.toContain('\n')
    expect(synced).toContain('\r<!-- vram:end -->\r')
    expect(synced.startsWith(`# Memory\r\r${block.replaceAll('\n', '\r')}\r\r`)).toBe(true)
    expect(vram(['check', file]).status).toBe(0)
  })
})

describe('ambiguous regions', () => {
  /** A synced file whose region's end marker was deleted, with prose and a stray end marker after it. */
  function lostEnd(name: string, edit: (text: string) => string = (text) => text): string {
    const file = writeTemp(dir, name, doc)
    expect(vram(['sync', file]).status).toBe(0)
    const text = edit(readFileSync(file, 'utf8').replace('<!-- vram:end -->\n', ''))
    return writeTemp(dir, name, `${text}\nMy own paragraph.\n\nAnother one.\n\n<!-- vram:end -->\n`)
  }

  it('are refused when the begin marker’s hash shows where the generated text ended', () => {
    const file = lostEnd('lost-end.md')
    const before = readFileSync(file, 'utf8')
    const run = vram(['sync', file])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(
      `${file}:27:1: This \`<!-- vram:end -->\` would close the generated region from line 7, but that region's text ends at line 18: its own end marker was deleted, and the lines between are yours. Put \`<!-- vram:end -->\` back after line 18 [vram-region]`,
    )
    expect(readFileSync(file, 'utf8')).toBe(before)
    expect(vram(['check', file]).status).toBe(2)
  })

  it('are refused when the region was also edited and holds more than vram generates', () => {
    const file = lostEnd('lost-end-edited.md', (text) => text.replace('| Weights', '| Weightz'))
    const before = readFileSync(file, 'utf8')
    const run = vram(['sync', file])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(
      `${file}:7:1: The generated region at line 7 was edited and holds 3 more blocks than vram generates`,
    )
    expect(readFileSync(file, 'utf8')).toBe(before)
  })

  it('are refused when the region holds a heading', () => {
    const file = lostEnd('lost-end-heading.md', (text) =>
      text.replace('| Weights', '| Weightz').concat('\n## Next section\n'),
    )
    const run = vram(['sync', file])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('holds this heading, which vram never generates')
  })

  it('a stray end marker alone is refused', () => {
    const file = writeTemp(dir, 'stray-end.md', `${doc}\n<!-- vram:end -->\n`)
    const run = vram(['check', file])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(
      `${file}:9:1: A \`<!-- vram:end -->\` that closes no generated region; delete it, or restore the region's begin marker [vram-region]`,
    )
  })

  it('a region edited by hand is kept, named and shown as a diff (as cog does); --force replaces it', () => {
    const file = writeTemp(dir, 'edited.md', doc)
    expect(vram(['sync', file]).status).toBe(0)
    const edited = readFileSync(file, 'utf8').replace('| Weights', '| Weightz')
    writeFileSync(file, edited)
    const refused = vram(['sync', file])
    expect(refused.status).toBe(1)
    expect(readFileSync(file, 'utf8')).toBe(edited)
    const regionLine = edited.slice(0, edited.indexOf('<!-- vram:begin')).split('\n').length
    expect(regionLine).toBe(7)
    expect(refused.stderr).toBe(
      `${file}:7:1: the generated region of block \`block-1\` (line 3) was edited by hand; not overwritten [vram-edited]\n` +
        `vram: ${file} not written; move your edits into the block (or out of the region), or replace them with:\n  vram sync --force ${file}\n`,
    )
    expect(refused.stdout).toContain(`--- ${file} (block-1, edited)\tnow`)
    expect(refused.stdout).toContain(`+++ ${file} (block-1, generated)\tafter vram sync --force`)
    expect(refused.stdout).toMatch(/^-\| Weightz/m)
    expect(refused.stdout).toMatch(/^\+\| Weights/m)
    // `check` reports it too; `--force` replaces it.
    expect(vram(['check', file]).status).toBe(1)
    const forced = vram(['sync', '--force', file])
    expect(forced.status).toBe(0)
    expect(forced.stderr).toContain('replaced hand edits in block-1')
    expect(readFileSync(file, 'utf8')).not.toContain('Weightz')
  })

  it('a hard-linked file keeps its links: every name sees the synced text', () => {
    const file = writeTemp(dir, 'linked.md', doc)
    const other = join(dir, 'linked-too.md')
    linkSync(file, other)
    expect(vram(['sync', file]).status).toBe(0)
    expect(statSync(file).ino).toBe(statSync(other).ino)
    expect(statSync(file).nlink).toBe(2)
    expect(readFileSync(other, 'utf8')).toContain('<!-- vram:end -->')
    expect(readFileSync(other, 'utf8')).toBe(readFileSync(file, 'utf8'))
  })

  it('a CR-only file is synced with CR line endings, and mixed endings stay byte for byte', () => {
    /** The file with the inserted region (from the blank line before its begin marker) taken out. */
    const withoutRegion = (after: string, before: string) => {
      const start = after.indexOf('<!-- vram:begin') - 2
      return after.slice(0, start) + after.slice(start + after.length - before.length)
    }
    const crText = doc.replaceAll('\n', '\r')
    const cr = writeTemp(dir, 'cr.md', crText)
    expect(vram(['sync', cr]).status).toBe(0)
    const written = readFileSync(cr, 'utf8')
    expect(written).toContain('<!-- vram:end -->')
    expect(written).not.toContain('\n')
    expect(withoutRegion(written, crText)).toBe(crText)
    const mixedText = `${doc.replace('\n', '\r\n')}tail\r`
    const mixed = writeTemp(dir, 'mixed.md', mixedText)
    expect(vram(['sync', mixed]).status).toBe(0)
    expect(withoutRegion(readFileSync(mixed, 'utf8'), mixedText)).toBe(mixedText)
  })
})

describe('exit statuses', () => {
  it('an internal error exits 3 in render, sync and check, as the README says', () => {
    const preload = writeTemp(dir, 'break-engine.mjs', breakEngine)
    const file = writeTemp(dir, 'internal.md', doc)
    for (const command of ['render', 'sync', 'check']) {
      const run = vram([command, file], {nodeArgs: ['--import', preload]})
      expect(run.stderr).toContain('[internal-error]')
      expect(run.status).toBe(3)
    }
    expect(readFileSync(file, 'utf8')).toBe(doc)
  })

  it('calc --json never prints null sizes: an overflowing value is a diagnostic with exit 2', () => {
    const run = vram([
      'calc',
      '--json',
      '--model',
      'llama-2-7b',
      '--gpu',
      '1e308 GB',
      '--seq',
      '1e308',
    ])
    expect(run.status).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('`seq` (1e+308) is past the plausible limit of 1,073,741,824')
    expect(run.stderr).toContain('`gpu` capacity `1e308 GB` is outside the plausible range')
  })

  it('calc refuses a device as its block file instead of reading it forever', () => {
    const run = vram(['calc', '/dev/zero'])
    expect(run.status).toBe(2)
    expect(run.stderr).toBe(
      'vram: cannot read /dev/zero: system files (/proc, /sys, /dev) are never read\n',
    )
  })

  it('a folder or a device given as a file is refused with exit 2', () => {
    const run = vram(['sync', '/dev/null'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('vram: cannot read /dev/null: not a regular file')
    expect(existsSync('/dev/null')).toBe(true)
  })
})

/** A preload that logs every file the CLI opens exclusively (the temporary file). */
const traceOpen = `import fs from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'
const open = fs.openSync
fs.openSync = (path, flags, mode) => {
  if (typeof flags === 'number' && (flags & fs.constants.O_EXCL)) process.stderr.write('OPEN ' + path + '\\n')
  return open(path, flags, mode)
}
syncBuiltinESMExports()
`

/** A preload that sets a umask stripping group write. */
const umask = `process.umask(0o022)
`

/** A preload that saves an edit to `file` while the temporary file is being flushed. */
function editDuringSync(file: string): string {
  return `import fs from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'
const fsync = fs.fsyncSync
let once = false
fs.fsyncSync = (descriptor) => {
  fsync(descriptor)
  if (once) return
  once = true
  fs.appendFileSync(${JSON.stringify(file)}, 'Saved by an editor meanwhile.\\n')
}
syncBuiltinESMExports()
`
}

/** A preload that makes the engine throw a plain Error (a bug) on any block. */
const breakEngine = `const ceil = Math.ceil
Math.ceil = (value) => {
  // Only the engine rounds sizes of gigabytes (the weights of Llama 2 7B: 13.5e9 bytes).
  if (value > 1e10) throw new Error('simulated bug')
  return ceil(value)
}
`
