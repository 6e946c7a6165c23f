import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import {limits} from './limits.js'
import type {ReadContext} from './scenario.js'

export * from './index.js'

/**
 * Reads a config file as UTF-8 text: only a regular file (never a device such
 * as `/dev/zero`, a FIFO or a folder), at most `limits.configBytes` bytes.
 * Throws an `Error` whose message is the reason, shown to the writer.
 */
export function readConfigText(path: string): string {
  let descriptor: number
  try {
    // Non-blocking, so that opening a FIFO does not wait for a writer.
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    // The code alone: the message would name the absolute path, which differs per machine.
    const code = (error as {code?: unknown}).code
    throw new Error(
      code === 'ENOENT' ? 'no such file' : typeof code === 'string' ? code : String(error),
    )
  }
  try {
    const stat = fstatSync(descriptor)
    if (!stat.isFile())
      throw new Error(
        stat.isDirectory() ? 'it is a folder' : 'not a regular file (a device, FIFO or socket)',
      )
    if (stat.size > limits.configBytes)
      throw new Error(`the file is larger than ${limits.configBytes / 2 ** 20} MiB`)
    // Read at most one byte past the limit, whatever the size said (a file may grow).
    const buffer = Buffer.alloc(limits.configBytes + 1)
    let length = 0
    for (;;) {
      const read = readSync(descriptor, buffer, length, buffer.length - length, null)
      if (read === 0) break
      length += read
      if (length > limits.configBytes)
        throw new Error(`the file is larger than ${limits.configBytes / 2 ** 20} MiB`)
    }
    return buffer.subarray(0, length).toString('utf8')
  } finally {
    closeSync(descriptor)
  }
}

/**
 * A `readConfig` for `model: {config: ./config.json}` that reads files relative
 * to the markdown (or YAML) file at `basePath`. Node only: the browser build
 * has no file system.
 */
export function nodeReadConfig(
  basePath: string | undefined,
): NonNullable<ReadContext['readConfig']> {
  const folder = basePath ? dirname(resolve(basePath)) : process.cwd()
  return (relativePath: string) =>
    JSON.parse(readConfigText(resolve(folder, relativePath))) as unknown
}
