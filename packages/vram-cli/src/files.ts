import {randomBytes} from 'node:crypto'
import * as fs from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'
import {glob, isDynamicPattern} from 'tinyglobby'
import {errorCode, UsageError} from './io.js'

const markdownGlob = '**/*.{md,markdown,mdx}'
const ignore = ['**/node_modules/**', '**/.git/**']

/**
 * The files named by FILE and GLOB arguments, in order, without duplicates: a
 * file as given, a folder as its markdown files (`**\/*.{md,markdown,mdx}`), a
 * glob expanded (node_modules and .git skipped). A name that is neither, or a
 * glob that matches nothing, is a `UsageError`.
 */
export async function expandInputs(inputs: string[], cwd = process.cwd()): Promise<string[]> {
  const out: string[] = []
  const seen = new Set<string>()
  const add = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    out.push(file)
  }
  for (const input of inputs) {
    let stat: fs.Stats | undefined
    try {
      stat = fs.statSync(resolve(cwd, input))
    } catch {
      stat = undefined
    }
    if (stat?.isFile()) {
      add(input)
    } else if (stat?.isDirectory()) {
      const found = await glob(markdownGlob, {cwd: resolve(cwd, input), ignore, onlyFiles: true})
      for (const file of found.sort()) add(join(input, file))
    } else if (stat) {
      throw new UsageError(`cannot read ${input}: not a regular file`)
    } else if (isDynamicPattern(input)) {
      const found = await glob(input, {cwd, ignore, onlyFiles: true, expandDirectories: false})
      if (found.length === 0) throw new UsageError(`no files match ${input}`)
      for (const file of found.sort()) add(file)
    } else {
      throw new UsageError(`cannot read ${input}: ENOENT`)
    }
  }
  return out
}

export class WriteError extends Error {
  constructor(file: string, reason: string) {
    super(`cannot write ${file}: ${reason}`)
    this.name = 'WriteError'
  }
}

/** Options of {@link writeAtomic}; tests replace `temporaryName`. */
export interface WriteOptions {
  /**
   * The bytes `file` held when it was read: if it holds anything else just
   * before the rename (an editor saved it meanwhile), nothing is written.
   */
  original?: Uint8Array | undefined
  /** The temporary file's name for a target path (default: random, next to it). */
  temporaryName?: ((target: string) => string) | undefined
}

/**
 * Replaces `file` with `bytes` atomically. The temporary file is created next
 * to the target with a random name, exclusively and without following links
 * (`O_CREAT | O_EXCL | O_NOFOLLOW`): a link planted there makes the write fail,
 * never redirects it. It gets the original's mode (and owner, when run as
 * root), is flushed to disk, and is renamed over the target only if the target
 * still holds `options.original`. A symlinked markdown file is followed, so
 * the link stays a link; a hard-linked file (more than one name) is written in
 * place once the copy is on disk, so every name keeps seeing one file. A file with no write permission bits is refused, even
 * for root. On any failure the temporary file is removed and the original is
 * untouched.
 */
export function writeAtomic(file: string, bytes: Uint8Array, options: WriteOptions = {}): void {
  let target: string
  let stat: fs.Stats
  try {
    target = fs.realpathSync(file)
    stat = fs.statSync(target)
  } catch (error) {
    throw new WriteError(file, errorCode(error))
  }
  if (!stat.isFile()) throw new WriteError(file, 'not a regular file')
  const mode = stat.mode & 0o7777
  if ((mode & 0o222) === 0) throw new WriteError(file, 'the file is read-only')
  try {
    fs.accessSync(target, fs.constants.W_OK)
  } catch (error) {
    throw new WriteError(file, errorCode(error))
  }
  const temporary = (options.temporaryName ?? randomTemporaryName)(target)
  let created = false
  try {
    const {O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW} = fs.constants
    const descriptor = fs.openSync(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
    created = true
    try {
      fs.writeFileSync(descriptor, bytes)
      fs.fchmodSync(descriptor, mode)
      if (process.getuid?.() === 0) fs.fchownSync(descriptor, stat.uid, stat.gid)
      fs.fsyncSync(descriptor)
    } finally {
      fs.closeSync(descriptor)
    }
    if (options.original !== undefined) {
      const now = fs.readFileSync(target)
      if (!now.equals(options.original)) {
        throw new WriteError(
          file,
          'the file changed while vram was syncing it; nothing was written, run vram sync again',
        )
      }
    }
    if (stat.nlink > 1) {
      // A rename would give this name a new file and break the hard link: write
      // the file in place instead, now that a complete copy is safe on disk.
      // Kept (not removed on failure) from here: it may hold the only complete new text.
      created = false
      writeInPlace(file, target, temporary, bytes)
      fs.unlinkSync(temporary)
      return
    }
    fs.renameSync(temporary, target)
  } catch (error) {
    if (created) {
      try {
        fs.unlinkSync(temporary)
      } catch {
        // Already gone.
      }
    }
    if (error instanceof WriteError) throw error
    throw new WriteError(file, errorCode(error))
  }
}

/**
 * Overwrites the hard-linked `target` with `bytes` (every name of the file
 * sees the new text). Should that fail midway, the complete new text stays in
 * `temporary`, and the error names it.
 */
function writeInPlace(file: string, target: string, temporary: string, bytes: Uint8Array): void {
  let descriptor: number
  try {
    descriptor = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW)
  } catch (error) {
    throw new WriteError(file, errorCode(error))
  }
  try {
    fs.writeSync(descriptor, bytes, 0, bytes.length, 0)
    fs.ftruncateSync(descriptor, bytes.length)
    fs.fsyncSync(descriptor)
  } catch (error) {
    throw new WriteError(
      file,
      `${errorCode(error)} while writing the hard-linked file in place; the new text is in ${temporary}`,
    )
  } finally {
    fs.closeSync(descriptor)
  }
}

/** `.NAME.vram-tmp-RANDOM` next to `target`: hidden, and not guessable in advance. */
function randomTemporaryName(target: string): string {
  return join(dirname(target), `.${basename(target)}.vram-tmp-${randomBytes(8).toString('hex')}`)
}

/** The largest markdown file read, as for stdin: a document, not a disk image. */
const maxMarkdownBytes = 64 * 2 ** 20

const utf8 = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true})

/** A markdown file's text, and what writing it back needs. */
export interface MarkdownFile {
  /** The text, without a byte order mark. */
  text: string
  /** Whether the file starts with a UTF-8 byte order mark (kept when writing). */
  bom: boolean
  /** The bytes as read. */
  bytes: Buffer
}

/**
 * Reads a markdown file as UTF-8. A file that is not valid UTF-8 is refused
 * (a `UsageError` naming the first bad byte): decoding it would replace bytes
 * with U+FFFD, and writing it back would lose them.
 */
export function readMarkdownFile(file: string): MarkdownFile {
  let bytes: Buffer
  try {
    // Opened without waiting and checked on the descriptor: a FIFO put in the
    // file's place after a `stat` could otherwise block the read forever.
    const descriptor = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
    try {
      const stat = fs.fstatSync(descriptor)
      if (!stat.isFile()) throw new UsageError(`cannot read ${file}: not a regular file`)
      if (stat.size > maxMarkdownBytes)
        throw new UsageError(
          `cannot read ${file}: it is larger than ${maxMarkdownBytes / 2 ** 20} MiB`,
        )
      bytes = fs.readFileSync(descriptor)
    } finally {
      fs.closeSync(descriptor)
    }
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`cannot read ${file}: ${errorCode(error)}`)
  }
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    const offset = firstInvalidUtf8(bytes)
    const before = bytes.subarray(0, offset)
    const line = before.filter((byte) => byte === 0x0a).length + 1
    const column = offset - before.lastIndexOf(0x0a)
    throw new UsageError(
      `cannot read ${file}: it is not UTF-8 (byte 0x${(bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, '0')} at line ${line}, column ${column})`,
      'save the file as UTF-8; vram reads and writes UTF-8 only, so it leaves this file as it is',
    )
  }
  const bom = text.startsWith('\uFEFF')
  return {text: bom ? text.slice(1) : text, bom, bytes}
}

/** The file's text encoded back, with its byte order mark if it had one. */
export function encodeMarkdown(text: string, bom: boolean): Buffer {
  return Buffer.from(bom ? `\uFEFF${text}` : text, 'utf8')
}

/** Offset of the first byte that does not belong to a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0
  while (index < bytes.length) {
    const byte = bytes[index] as number
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte <= 0xdf
          ? 2
          : byte >= 0xe0 && byte <= 0xef
            ? 3
            : byte >= 0xf0 && byte <= 0xf4
              ? 4
              : 0
    if (length === 0) return index
    try {
      utf8.decode(bytes.subarray(index, index + length))
    } catch {
      return index
    }
    index += length
  }
  return index
}
