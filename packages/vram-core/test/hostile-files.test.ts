/**
 * Files a careless or hostile document names (issue 25): FIFOs, devices,
 * `/proc`, files outside the documentation, GGUF headers that lie about their
 * size, a Hugging Face cache whose `refs/main` is a FIFO or `/dev/zero`. Each
 * is refused with its reason, at once, without quoting the file; a file that
 * changes is read again.
 */
import {execFileSync} from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cachedConfigPath} from '../src/model/hf-cache.js'
import {
  ggufReferences,
  loadPinFile,
  nodeReadConfig,
  preloadGgufFiles,
  readGgufSummary,
  readTextFile,
} from '../src/node.js'
import {evaluateBlock} from '../src/output/evaluate.js'
import {ggufHeader, llama2Q4KMHeader, writeLlama2Q4KM} from './gguf-header.js'

let folder: string
let outside: string
const document = () => join(folder, 'post.md')

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'vram-hostile-'))
  outside = mkdtempSync(join(tmpdir(), 'vram-outside-'))
  execFileSync('mkfifo', [join(folder, 'fifo.gguf')])
  execFileSync('mkfifo', [join(folder, 'fifo.json')])
  symlinkSync('/proc/self/environ', join(folder, 'environ.json'))
  writeFileSync(join(outside, 'config.json'), '{"model_type": "llama"}')
  writeFileSync(join(folder, 'secret.json'), 'PATH=/usr/bin:/bin SECRET=hunter2')
})
afterAll(() => {
  rmSync(folder, {recursive: true, force: true})
  rmSync(outside, {recursive: true, force: true})
})

/** The diagnostics of a block whose model is `{config: path}`, after its `.gguf` headers are read. */
async function configDiagnostics(path: string): Promise<string[]> {
  const block = {model: {config: path}}
  await preloadGgufFiles([block], folder)
  const {diagnostics} = evaluateBlock(block, {readConfig: nodeReadConfig(document())})
  return diagnostics.map((entry) => `[${entry.ruleId}] ${entry.message}`)
}

describe('files a block names', () => {
  it('a FIFO named *.gguf or *.json is refused at once, never waited on', async () => {
    expect(await configDiagnostics('./fifo.gguf')).toEqual([
      `[config-read] Cannot read \`./fifo.gguf\`: not a regular file (a device, FIFO or socket)`,
    ])
    expect(await configDiagnostics('./fifo.json')).toEqual([
      '[config-read] Cannot read `./fifo.json`: not a regular file (a device, FIFO or socket)',
    ])
  })

  it('/proc/self/environ (a "regular file" to stat), directly or through a link, is never read or quoted', async () => {
    const direct = await configDiagnostics('/proc/self/environ')
    expect(direct).toEqual([
      '[config-read] Cannot read `/proc/self/environ`: system files (/proc, /sys, /dev) are never read',
    ])
    const linked = await configDiagnostics('./environ.json')
    expect(linked).toEqual([
      '[config-read] Cannot read `./environ.json`: it leads to a system file (/proc, /sys, /dev), which is never read',
    ])
    expect(await configDiagnostics('/sys/kernel/mm/transparent_hugepage/enabled')).toEqual([
      '[config-read] Cannot read `/sys/kernel/mm/transparent_hugepage/enabled`: system files (/proc, /sys, /dev) are never read',
    ])
    const environment = Object.values(process.env).filter((value) => (value ?? '').length > 8)
    for (const message of [...direct, ...linked])
      for (const value of environment) expect(message).not.toContain(value)
  })

  it('a file outside the documentation (not under the build folder, the document’s or the HF cache) is refused', async () => {
    expect(await configDiagnostics(join(outside, 'config.json'))).toEqual([
      `[config-read] Cannot read \`${join(outside, 'config.json')}\`: it is outside the documentation (files are read only under the folder the build runs in, the document’s folder or the Hugging Face cache)`,
    ])
  })

  it('a file that is not JSON is refused without quoting a character of it', async () => {
    expect(await configDiagnostics('./secret.json')).toEqual([
      '[config-read] Cannot read `./secret.json`: it is not valid JSON',
    ])
  })

  it('reads at most the size limit, whatever the file claims', () => {
    writeFileSync(join(folder, 'big.json'), 'x'.repeat(2000))
    expect(() => readTextFile(join(folder, 'big.json'), 1000)).toThrow(
      'the file is larger than 1000 bytes',
    )
  })
})

describe('GGUF headers', () => {
  it('finds `.gguf` paths by the block’s `config` keys only, spaces and `#` included', () => {
    expect(ggufReferences('model:\n  config: "./my model #2.gguf"\n')).toEqual([
      './my model #2.gguf',
    ])
    expect(
      ggufReferences({compare: [{model: {config: 'a.GGUF'}}], note: 'config: b.gguf'}),
    ).toEqual(['a.GGUF'])
    // Prose-like text that is no block key is not a reference.
    expect(ggufReferences(`# config:${'config:'.repeat(50_000)}x.gguf`)).toEqual([])
  })

  it('a valid .gguf path with a space and `#` is read', async () => {
    writeLlama2Q4KM(join(folder, 'my model #2.gguf'))
    expect(await configDiagnostics('./my model #2.gguf')).toEqual([])
  })

  it('a 32-byte file declaring 9,999,999 tensors is refused at once', async () => {
    const header = Buffer.alloc(32)
    header.write('GGUF', 0, 'latin1')
    header.writeUInt32LE(3, 4)
    header.writeBigUInt64LE(9_999_999n, 8)
    writeFileSync(join(folder, 'many.gguf'), header)
    await expect(readGgufSummary(join(folder, 'many.gguf'))).rejects.toThrow(
      'it declares more tensors than the limit of 65,536 (the README lists every limit)',
    )
    header.writeBigUInt64LE(1000n, 8)
    writeFileSync(join(folder, 'many.gguf'), header)
    await expect(readGgufSummary(join(folder, 'many.gguf'))).rejects.toThrow(
      'the file ends inside its GGUF header (truncated)',
    )
  })

  it('a truncated file (a header without all its tensor data) is refused, not half its weights', async () => {
    writeFileSync(join(folder, 'cut.gguf'), llama2Q4KMHeader())
    expect(await configDiagnostics('./cut.gguf')).toEqual([
      '[config-read] Cannot read `./cut.gguf`: the file ends before its tensor data does (truncated: a download cut short?)',
    ])
    // Cut inside the header.
    writeFileSync(join(folder, 'cut-header.gguf'), llama2Q4KMHeader().subarray(0, 2000))
    expect(await configDiagnostics('./cut-header.gguf')).toEqual([
      '[config-read] Cannot read `./cut-header.gguf`: the file ends inside its GGUF header (truncated)',
    ])
  })

  it('tensor shapes past the parameter limit are refused (no 73,800,000,000 GB of weights)', async () => {
    const header = ggufHeader([], [{name: 'huge.weight', dims: Array(4).fill(2n ** 31n), type: 0}])
    writeFileSync(join(folder, 'huge.gguf'), header)
    expect(await configDiagnostics('./huge.gguf')).toEqual([
      '[config-read] Cannot read `./huge.gguf`: its tensors declare more elements than the parameter limit of 10^15 (the README lists every limit)',
    ])
  })

  it('counts a header gives are held to the limits like a config.json’s', async () => {
    const header = ggufHeader(
      [
        ['general.architecture', 'llama'],
        ['llama.block_count', 1_000_000_000],
        ['llama.embedding_length', 4096],
      ],
      [{name: 't.weight', dims: [32n], type: 0}], // F32: 128 bytes at offset 0
    )
    const path = join(folder, 'deep.gguf')
    writeFileSync(path, header)
    truncateSync(path, Math.ceil(header.length / 32) * 32 + 128)
    expect(await configDiagnostics('./deep.gguf')).toEqual([
      '[invalid-value] `llama.block_count` in the GGUF header (1000000000) is past the plausible limit of 10,000',
    ])
  })

  it('a header of 54 MB of strings is refused (the parser never gets past the header limit)', async () => {
    const path = join(folder, 'long-header.gguf')
    const head = Buffer.alloc(24)
    head.write('GGUF', 0, 'latin1')
    head.writeUInt32LE(3, 4)
    head.writeBigUInt64LE(0n, 8) // no tensors
    head.writeBigUInt64LE(6n, 16) // six keys, each a 9 MB string of zeros (a hole)
    const parts = [head]
    const value = 9_000_000
    for (let key = 0; key < 6; key++) {
      const entry = Buffer.alloc(8 + 1 + 4 + 8)
      entry.writeBigUInt64LE(1n, 0)
      entry.write(String(key), 8, 'latin1')
      entry.writeUInt32LE(8, 9) // string
      entry.writeBigUInt64LE(BigInt(value), 13)
      parts.push(entry, Buffer.alloc(value))
    }
    writeFileSync(path, Buffer.concat(parts))
    // @huggingface/gguf fetches 2 MB at a time and cannot hold a 9 MB value: a plain refusal.
    await expect(readGgufSummary(path)).rejects.toThrow(/^not a valid GGUF header$/)
  })

  it('never quotes the file: a parser error on a garbled header is one plain reason', async () => {
    const header = llama2Q4KMHeader()
    // The first key's string length: 2^40 (the parser's message would quote sizes and names).
    header.writeBigUInt64LE(2n ** 40n, 24)
    writeFileSync(join(folder, 'garbled.gguf'), header)
    truncateSync(join(folder, 'garbled.gguf'), 10_000_000)
    expect(await configDiagnostics('./garbled.gguf')).toEqual([
      '[config-read] Cannot read `./garbled.gguf`: not a valid GGUF header',
    ])
  })

  it('a changed file is read again (watch mode): a stale header or a stale "no such file" does not stay', async () => {
    const path = join(folder, 'later.gguf')
    expect(await configDiagnostics('./later.gguf')).toEqual([
      '[config-read] Cannot read `./later.gguf`: no such file',
    ])
    writeLlama2Q4KM(path)
    expect(await configDiagnostics('./later.gguf')).toEqual([])
    // Replaced by a truncated copy, with a later modification time.
    writeFileSync(path, llama2Q4KMHeader())
    utimesSync(path, new Date(), new Date(Date.now() + 5000))
    expect(await configDiagnostics('./later.gguf')).toEqual([
      '[config-read] Cannot read `./later.gguf`: the file ends before its tensor data does (truncated: a download cut short?)',
    ])
  })
})

describe('vram.models.json', () => {
  it('a pin file that is not JSON, or leads to /proc, is a problem that quotes nothing of it', () => {
    const pins = mkdtempSync(join(tmpdir(), 'vram-pins-'))
    writeFileSync(join(pins, 'vram.models.json'), 'SECRET=hunter2')
    expect(loadPinFile(join(pins, 'vram.models.json')).problems).toEqual([
      'cannot read `vram.models.json`: it is not valid JSON',
    ])
    rmSync(join(pins, 'vram.models.json'))
    symlinkSync('/proc/self/environ', join(pins, 'vram.models.json'))
    expect(loadPinFile(join(pins, 'vram.models.json')).problems).toEqual([
      'cannot read `vram.models.json`: it leads to a system file (/proc, /sys, /dev), which is never read',
    ])
    rmSync(pins, {recursive: true, force: true})
  })
})

describe('the Hugging Face cache', () => {
  const commit = 'a'.repeat(40)
  const model = (cache: string) => join(cache, 'models--org--tiny')
  const snapshot = (cache: string) => {
    mkdirSync(join(model(cache), 'snapshots', commit), {recursive: true})
    mkdirSync(join(model(cache), 'refs'), {recursive: true})
    writeFileSync(join(model(cache), 'snapshots', commit, 'config.json'), '{}')
  }

  it('a refs/main that is a FIFO does not block: the newest snapshot is taken', () => {
    const cache = mkdtempSync(join(tmpdir(), 'hf-fifo-'))
    snapshot(cache)
    execFileSync('mkfifo', [join(model(cache), 'refs', 'main')])
    expect(cachedConfigPath('org/tiny', cache)).toBe(
      join(model(cache), 'snapshots', commit, 'config.json'),
    )
    rmSync(cache, {recursive: true, force: true})
  })

  it('a refs/main linked to /dev/zero is not read (no unbounded read, no crash)', () => {
    const cache = mkdtempSync(join(tmpdir(), 'hf-zero-'))
    snapshot(cache)
    symlinkSync('/dev/zero', join(model(cache), 'refs', 'main'))
    expect(cachedConfigPath('org/tiny', cache)).toBe(
      join(model(cache), 'snapshots', commit, 'config.json'),
    )
    rmSync(cache, {recursive: true, force: true})
  })

  it('a snapshot config.json linked out of the cache is not taken', () => {
    const cache = mkdtempSync(join(tmpdir(), 'hf-out-'))
    mkdirSync(join(model(cache), 'snapshots', commit), {recursive: true})
    symlinkSync('/proc/self/environ', join(model(cache), 'snapshots', commit, 'config.json'))
    expect(cachedConfigPath('org/tiny', cache)).toBeUndefined()
    rmSync(cache, {recursive: true, force: true})
  })
})
