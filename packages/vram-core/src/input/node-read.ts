/**
 * Bounded reading of small local files (Node only): config.json, pin files.
 */
import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs'
import {limits} from './limits.js'

/**
 * Reads a small file as UTF-8 text: only a regular file (never a device such
 * as `/dev/zero`, a FIFO or a folder), at most `maxBytes` bytes (default: a
 * config.json's limit, 4 MiB). Throws an `Error` whose message is the reason,
 * shown to the writer.
 */
export function readTextFile(path: string, maxBytes: number = limits.configBytes): string {
  let descriptor: number
  try {
    // Non-blocking, so that opening a FIFO does not wait for a writer.
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    // The code alone: the message would name the absolute path, which differs per machine.
    const code = (error as {code?: unknown}).code
    throw Object.assign(
      new Error(
        code === 'ENOENT' ? 'no such file' : typeof code === 'string' ? code : String(error),
      ),
      {code},
    )
  }
  try {
    const stat = fstatSync(descriptor)
    if (!stat.isFile())
      throw new Error(
        stat.isDirectory() ? 'it is a folder' : 'not a regular file (a device, FIFO or socket)',
      )
    if (stat.size > maxBytes) throw new Error(`the file is larger than ${maxBytes / 2 ** 20} MiB`)
    // Read at most one byte past the limit, whatever the size said (a file may grow).
    const buffer = Buffer.alloc(maxBytes + 1)
    let length = 0
    for (;;) {
      const read = readSync(descriptor, buffer, length, buffer.length - length, null)
      if (read === 0) break
      length += read
      if (length > maxBytes) throw new Error(`the file is larger than ${maxBytes / 2 ** 20} MiB`)
    }
    return buffer.subarray(0, length).toString('utf8')
  } finally {
    closeSync(descriptor)
  }
}
