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

/** The file system calls `writeAtomic` makes (replaceable in tests to simulate a failure). */
export interface WriteFs {
  writeFileSync: typeof fs.writeFileSync
  renameSync: typeof fs.renameSync
}

/**
 * Replaces `file` with `text` atomically: writes `.NAME.vram-tmp-PID` in the
 * same folder with the file's mode, then renames it over the file (a symlink is
 * followed, so the link stays). A file with no write permission bits is
 * refused, even for root. On any failure the temporary file is removed and the
 * original is untouched.
 */
export function writeAtomic(file: string, text: string, io: WriteFs = fs): void {
  let target: string
  let mode: number
  try {
    target = fs.realpathSync(file)
    mode = fs.statSync(target).mode & 0o7777
  } catch (error) {
    throw new WriteError(file, errorCode(error))
  }
  if ((mode & 0o222) === 0) throw new WriteError(file, 'the file is read-only')
  try {
    fs.accessSync(target, fs.constants.W_OK)
  } catch (error) {
    throw new WriteError(file, errorCode(error))
  }
  const temporary = join(dirname(target), `.${basename(target)}.vram-tmp-${process.pid}`)
  try {
    io.writeFileSync(temporary, text, {mode})
    fs.chmodSync(temporary, mode)
    io.renameSync(temporary, target)
  } catch (error) {
    try {
      fs.unlinkSync(temporary)
    } catch {
      // Already gone (or never created).
    }
    throw new WriteError(file, errorCode(error))
  }
}
