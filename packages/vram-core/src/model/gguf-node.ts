/**
 * Reading `.gguf` headers on Node with `@huggingface/gguf` (a local file, no
 * network request). The parser is asynchronous and the engine is not, so hosts
 * read the files a document's blocks name first (`preloadGgufFiles`), then
 * evaluate: `nodeReadConfig` answers a `.gguf` path from what was read.
 *
 * A header is read as any file a block names (`read-file.ts`): a regular file
 * under the documentation's folders, never a system file, opened without
 * waiting. Then only the header's bytes are read (at most
 * `limits.ggufHeaderBytes`, in at most `limits.ggufReadSeconds`), the parser
 * being handed them through its `fetch` option; the tensor count is bounded
 * before the parser loops over it, and a file that ends before its header or
 * its tensor data does is refused. Messages never quote the file.
 */
import {closeSync, readSync, statSync} from 'node:fs'
import {resolve} from 'node:path'
import {gguf} from '@huggingface/gguf'
import {formatLimit, limits} from '../input/limits.js'
import {fileVersion, type OpenOptions, openRegularFile} from '../input/read-file.js'
import {parseBlockSource} from '../input/yaml-source.js'
import {type GgufSummary, ggmlTensorBytes} from './gguf-file.js'

/** Each header read, with the version (`fileVersion`) of the file it was read from. */
const summaries = new Map<string, {version: string; summary: GgufSummary | Error}>()

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/**
 * The `.gguf` paths a block gives as a model's `config` (in `model`, or
 * wherever a `config` key holds one): found by the block's own keys, never by
 * scanning text. `block` is the block's parsed value or its YAML source.
 */
export function ggufReferences(block: unknown): string[] {
  if (typeof block === 'string' && !/\.gguf/i.test(block)) return []
  const value = typeof block === 'string' ? parseBlockSource(block).value : block
  const found = new Set<string>()
  const seen = new Set<unknown>()
  const visit = (node: unknown, depth: number): void => {
    if (!isRecord(node) || seen.has(node) || depth > limits.yamlDepth) return
    seen.add(node)
    for (const [key, child] of Object.entries(node)) {
      if (key === 'config' && typeof child === 'string' && /\.gguf\s*$/i.test(child))
        found.add(child.trim())
      else visit(child, depth + 1)
    }
  }
  visit(value, 0)
  return [...found]
}

/** A reason the header was refused, shown after "Cannot read `path`: " (the parser's own errors are not shown). */
class GgufRefusal extends Error {}

function refused(reason: string): Error {
  return new GgufRefusal(reason)
}

/** Bytes before any key-value pair: magic, version, tensor count, KV count (v2, v3). */
const fixedHeader = 24
/** The least a tensor info takes: name length, n_dims, type, offset (v2, v3). */
const leastTensorInfo = 8 + 4 + 4 + 8

function checkFixedHeader(descriptor: number, size: number): void {
  const head = Buffer.alloc(fixedHeader)
  const read = readSync(descriptor, head, 0, fixedHeader, 0)
  if (read < 8 || head.toString('latin1', 0, 4) !== 'GGUF')
    throw refused('not a GGUF file (it does not start with `GGUF`)')
  const version = head.readUInt32LE(4)
  if (version !== 2 && version !== 3)
    throw refused('not a GGUF file this engine reads (GGUF versions 2 and 3 are)')
  if (read < fixedHeader) throw refused('the file ends inside its GGUF header (truncated)')
  const tensors = head.readBigUInt64LE(8)
  if (tensors > BigInt(limits.ggufTensors))
    throw refused(
      `it declares more tensors than the limit of ${formatLimit(limits.ggufTensors)} (the README lists every limit)`,
    )
  if (fixedHeader + Number(tensors) * leastTensorInfo > size)
    throw refused('the file ends inside its GGUF header (truncated)')
}

/** A promise rejected with `reason` after `seconds`, and the way to cancel the timer. */
function deadline(seconds: number, reason: string): {promise: Promise<never>; cancel: () => void} {
  let timer: ReturnType<typeof setTimeout> | undefined
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(refused(reason)), seconds * 1000)
  })
  return {promise, cancel: () => clearTimeout(timer)}
}

/**
 * The header of a local `.gguf` file, as the engine reads it. `options.roots`
 * are the folders it must lie under (see `read-file.ts`).
 */
export async function readGgufSummary(
  path: string,
  options: Readonly<OpenOptions> = {},
): Promise<GgufSummary> {
  const {descriptor, stat} = openRegularFile(path, options)
  const size = stat.size
  let closed = false
  const timer = deadline(
    limits.ggufReadSeconds,
    `reading its header took longer than ${limits.ggufReadSeconds} s`,
  )
  try {
    checkFixedHeader(descriptor, size)
    // The parser asks for byte ranges; they come from the open descriptor, up to the header limit.
    const fetchRange = async (_url: unknown, init?: {headers?: Record<string, string>}) => {
      // A parse abandoned at the deadline must not read a descriptor reused since.
      if (closed) throw refused('the read was abandoned')
      const range = /bytes=(\d+)-(\d+)/.exec(init?.headers?.Range ?? '')
      const start = Number(range?.[1] ?? 0)
      const end = Math.min(Number(range?.[2] ?? 0) + 1, size, limits.ggufHeaderBytes)
      if (start >= limits.ggufHeaderBytes)
        throw refused(
          `its header is longer than ${formatLimit(limits.ggufHeaderBytes)} bytes (the README lists every limit)`,
        )
      const bytes = Buffer.alloc(Math.max(0, end - start))
      let length = 0
      while (length < bytes.length) {
        const read = readSync(descriptor, bytes, length, bytes.length - length, start + length)
        if (read === 0) break
        length += read
      }
      return new Response(bytes.subarray(0, length), {
        status: 206,
        headers: {'content-range': `bytes ${start}-${start + length - 1}/${size}`},
      })
    }
    let header: Awaited<ReturnType<typeof gguf>>
    try {
      const parsing = gguf('https://gguf.invalid/local.gguf', {fetch: fetchRange as typeof fetch})
      // Past the deadline nobody awaits the parse: its failure must not be an unhandled rejection.
      parsing.catch(() => undefined)
      header = await Promise.race([parsing, timer.promise])
    } catch (error) {
      // Our own reasons pass; the parser's quote the file (tensor names, values): not shown.
      if (error instanceof GgufRefusal) throw error
      throw refused('not a valid GGUF header')
    }
    const {tensorInfos, tensorDataOffset, tensorInfoByteRange} = header
    // Past the end of the file the parser read zeros: the header is cut short.
    if (tensorInfoByteRange[1] > size)
      throw refused('the file ends inside its GGUF header (truncated)')
    const summary = ggufSummary(header)
    let parameters = 0
    let dataEnd = 0
    summary.tensors.forEach((tensor, index) => {
      parameters += tensor.elements
      const bytes = ggmlTensorBytes(tensor.type, tensor.elements)
      const offset = Number(tensorInfos[index]?.offset ?? 0)
      if (bytes !== undefined) dataEnd = Math.max(dataEnd, offset + bytes)
    })
    if (!(parameters <= limits.params))
      throw refused(
        `its tensors declare more elements than the parameter limit of ${formatLimit(limits.params)} (the README lists every limit)`,
      )
    if (Number(tensorDataOffset) + dataEnd > size)
      throw refused('the file ends before its tensor data does (truncated: a download cut short?)')
    return summary
  } finally {
    closed = true
    timer.cancel()
    closeSync(descriptor)
  }
}

/** What the engine keeps of a parsed header (plain data: numbers, strings, booleans). */
export function ggufSummary({
  metadata,
  tensorInfos,
}: Awaited<ReturnType<typeof gguf>>): GgufSummary {
  const plain: Record<string, number | string | boolean> = {}
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value === 'bigint') plain[key] = Number(value)
    else if (Array.isArray(value)) plain[key] = value.length
    else if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
      plain[key] = value
  }
  return {
    kind: 'gguf',
    architecture: String(metadata['general.architecture'] ?? ''),
    metadata: plain,
    tensors: tensorInfos.map((tensor) => ({
      name: tensor.name,
      type: Number(tensor.dtype),
      elements: tensor.shape.reduce((product, dimension) => product * Number(dimension), 1),
    })),
  }
}

/** The version of the file at `path` (`missing` when there is none): a cached header is kept while it holds. */
function versionOf(path: string): string {
  try {
    return fileVersion(statSync(path))
  } catch {
    return 'missing'
  }
}

/**
 * Reads the headers of the `.gguf` files `blocks` name (their parsed values or
 * YAML sources; paths relative to `folder`) so that the synchronous evaluation
 * finds them; `undefined` when there is nothing left to read (then the caller
 * can stay synchronous). A header read earlier is read again when its file
 * changed (a watch mode, a dev server); a file that cannot be read is
 * remembered with its error until it changes too.
 */
export function preloadGgufFiles(
  blocks: readonly unknown[],
  folder: string,
  options: Readonly<OpenOptions> = {},
): Promise<void> | undefined {
  const pending = new Map<string, string>()
  for (const block of blocks)
    for (const reference of ggufReferences(block)) {
      const path = resolve(folder, reference)
      const version = versionOf(path)
      if (summaries.get(path)?.version !== version) pending.set(path, version)
    }
  if (pending.size === 0) return undefined
  return Promise.all(
    [...pending].map(async ([path, version]) => {
      try {
        summaries.set(path, {version, summary: await readGgufSummary(path, options)})
      } catch (error) {
        summaries.set(path, {
          version,
          summary: error instanceof Error ? error : new Error(String(error)),
        })
      }
    }),
  ).then(() => undefined)
}

/** A preloaded header, or an error saying why there is none. */
export function preloadedGguf(path: string): GgufSummary {
  const found = summaries.get(path)?.summary
  if (found === undefined) {
    throw new Error(
      'a .gguf header is read asynchronously: use `vram`, or the plugin with `process()` (not `processSync()`)',
    )
  }
  if (found instanceof Error) throw found
  return found
}
