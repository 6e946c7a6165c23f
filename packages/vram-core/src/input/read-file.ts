/**
 * How the engine reads a file a block names (Node only): a `config.json`, a
 * `.gguf` header, the Hugging Face cache's `refs/main`. Documents may be
 * careless or hostile, so a file is read only when
 *
 * - its real path (symbolic links followed) is not a system file (`/proc`,
 *   `/sys`, `/dev`: `/proc/self/environ` is a "regular file" to `stat`), and
 *   lies under one of the allowed folders (the documentation's, the Hugging
 *   Face cache's) when the caller gives them;
 * - it opens (without waiting: a FIFO never blocks) as a regular file, checked
 *   on the open descriptor (`fstat`), never a device, FIFO, socket or folder;
 * - it is at most a given number of bytes, and no more than that is read even
 *   if it grows meanwhile.
 *
 * Messages say why a file was refused and never quote what it holds.
 */
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  type Stats,
} from 'node:fs'
import {isAbsolute, relative, sep} from 'node:path'
import {limits} from './limits.js'

/** Folders whose files describe the machine, not a model: never read. */
const systemFolders = ['/proc', '/sys', '/dev']

/** An `Error` whose message is shown to the writer after "Cannot read `path`: ". */
function refusal(reason: string, code?: string): Error {
  return Object.assign(new Error(reason), code ? {code} : {})
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

/** Real paths of `folders` that exist (a folder that does not exist allows nothing). */
export function realFolders(folders: ReadonlyArray<string | undefined>): string[] {
  const out: string[] = []
  for (const folder of folders) {
    if (folder === undefined) continue
    try {
      out.push(realpathSync(folder))
    } catch {
      // Missing: nothing can be read under it.
    }
  }
  return out
}

export interface OpenOptions {
  /**
   * Real folders the file must lie under (see `realFolders`); `undefined`
   * allows any folder but the system ones.
   */
  roots?: readonly string[] | undefined
}

/**
 * The real path of `path` when the rules above allow reading it; throws the
 * reason otherwise.
 */
export function allowedPath(path: string, options: Readonly<OpenOptions> = {}): string {
  for (const folder of systemFolders)
    if (isInside(path, folder)) throw refusal('system files (/proc, /sys, /dev) are never read')
  let real: string
  try {
    real = realpathSync(path)
  } catch (error) {
    const code = (error as {code?: unknown}).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw refusal('no such file', 'ENOENT')
    throw refusal(
      typeof code === 'string' ? code : 'it cannot be opened',
      typeof code === 'string' ? code : undefined,
    )
  }
  for (const folder of systemFolders)
    if (isInside(real, folder))
      throw refusal('it leads to a system file (/proc, /sys, /dev), which is never read')
  if (options.roots && !options.roots.some((root) => isInside(real, root)))
    throw refusal(
      'it is outside the documentation (files are read only under the folder the build runs in, the document’s folder or the Hugging Face cache)',
    )
  return real
}

/** An open regular file: its descriptor and `fstat`. Close it with `closeSync(file.descriptor)`. */
export interface OpenFile {
  descriptor: number
  stat: Stats
}

/** Opens `path` under the rules above, as a regular file; throws the reason otherwise. */
export function openRegularFile(path: string, options: Readonly<OpenOptions> = {}): OpenFile {
  const real = allowedPath(path, options)
  let descriptor: number
  try {
    // Non-blocking, so that opening a FIFO does not wait for a writer; no link
    // followed, so the file cannot be swapped for one since `realpath`.
    descriptor = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW)
  } catch (error) {
    // The code alone: the message would name the absolute path, which differs per machine.
    const code = (error as {code?: unknown}).code
    throw refusal(
      code === 'ENOENT' ? 'no such file' : typeof code === 'string' ? code : 'it cannot be opened',
      typeof code === 'string' ? code : undefined,
    )
  }
  let stat: Stats
  try {
    stat = fstatSync(descriptor)
  } catch (error) {
    closeSync(descriptor)
    throw error
  }
  if (!stat.isFile()) {
    closeSync(descriptor)
    throw refusal(
      stat.isDirectory() ? 'it is a folder' : 'not a regular file (a device, FIFO or socket)',
    )
  }
  return {descriptor, stat}
}

function mebibytes(bytes: number): string {
  return bytes >= 2 ** 20 ? `${bytes / 2 ** 20} MiB` : `${bytes} bytes`
}

/**
 * Reads a small file as UTF-8 text under the rules above: at most `maxBytes`
 * bytes. Throws an `Error` whose message is the reason, shown to the writer.
 */
export function readTextFile(
  path: string,
  maxBytes: number = limits.configBytes,
  options: Readonly<OpenOptions> = {},
): string {
  const {descriptor, stat} = openRegularFile(path, options)
  try {
    const tooLarge = `the file is larger than ${mebibytes(maxBytes)}`
    if (stat.size > maxBytes) throw refusal(tooLarge)
    // Read at most one byte past the limit, whatever the size said (a file may grow).
    const buffer = Buffer.alloc(maxBytes + 1)
    let length = 0
    for (;;) {
      const read = readSync(descriptor, buffer, length, buffer.length - length, null)
      if (read === 0) break
      length += read
      if (length > maxBytes) throw refusal(tooLarge)
    }
    return buffer.subarray(0, length).toString('utf8')
  } finally {
    closeSync(descriptor)
  }
}

/**
 * `JSON.parse` whose error never quotes the text (V8's messages show the
 * first characters of the input: an environment, a key).
 */
export function parseJsonFile(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw refusal('it is not valid JSON')
  }
}

/** What identifies a file's content for a cache: it changes when the file is replaced or written. */
export function fileVersion(stat: Pick<Stats, 'dev' | 'ino' | 'size' | 'mtimeMs'>): string {
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`
}
