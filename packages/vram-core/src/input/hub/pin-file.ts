/**
 * `vram.models.json` on disk (Node only): where it is, reading it, and its
 * text. Builds read it and never the network.
 *
 * Where: the nearest `vram.models.json` in the folder of the markdown file
 * (or the working directory) or any folder above it, as `.gitignore` or
 * `tsconfig.json` are found. `vram models pull` writes to that file, or, when
 * there is none yet, creates it at the documentation root: the nearest folder
 * above the working directory that holds a `package.json` or `.git`, else the
 * working directory itself.
 */
import {existsSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {
  type PinnedModel,
  type PinnedModels,
  pinFileName,
  pinFileVersion,
  readPinFile,
} from '../../model/pins.js'
import {readTextFile} from '../node-read.js'
import {parseJsonFile} from '../read-file.js'

/** A pin file can hold GGUF headers (a tensor list each): larger than one config.json. */
export const maxPinFileBytes = 64 * 2 ** 20

function* folders(start: string): Generator<string> {
  let folder = resolve(start)
  for (;;) {
    yield folder
    const parent = dirname(folder)
    if (parent === folder) return
    folder = parent
  }
}

/** The nearest `vram.models.json` at or above `start`, or `undefined`. */
export function findPinFile(start: string = process.cwd()): string | undefined {
  for (const folder of folders(start)) {
    const candidate = join(folder, pinFileName)
    if (existsSync(candidate)) return candidate
  }
  return undefined
}

/** Where `vram models pull` writes: the nearest pin file, else one at the documentation root. */
export function pinFileTarget(start: string = process.cwd()): string {
  const found = findPinFile(start)
  if (found) return found
  for (const folder of folders(start)) {
    if (existsSync(join(folder, 'package.json')) || existsSync(join(folder, '.git'))) {
      return join(folder, pinFileName)
    }
  }
  return join(resolve(start), pinFileName)
}

export interface LoadedPins {
  pins: PinnedModels
  /** What in the file was not a pin (skipped), or why it could not be read at all. */
  problems: string[]
  path: string
}

const loaded = new Map<string, {key: string; value: LoadedPins}>()

/** Reads and parses a pin file (memoised by path, size and modification time). */
export function loadPinFile(path: string): LoadedPins {
  const absolute = resolve(path)
  let key: string
  try {
    const stat = statSync(absolute)
    key = `${stat.size}:${stat.mtimeMs}`
  } catch {
    return {pins: new Map(), problems: [`cannot read \`${path}\`: no such file`], path: absolute}
  }
  const cached = loaded.get(absolute)
  if (cached && cached.key === key) return cached.value
  let value: LoadedPins
  try {
    // `parseJsonFile`: a parse error never quotes the file.
    const json = parseJsonFile(readTextFile(absolute, maxPinFileBytes))
    value = {...readPinFile(json), path: absolute}
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    value = {
      pins: new Map(),
      problems: [`cannot read \`${pinFileName}\`: ${reason}`],
      path: absolute,
    }
  }
  loaded.set(absolute, {key, value})
  return value
}

/** The pins a markdown file at `basePath` sees (the nearest pin file above it), if any. */
export function nodeModels(basePath: string | undefined): LoadedPins | undefined {
  const found = findPinFile(basePath ? dirname(resolve(basePath)) : process.cwd())
  return found === undefined ? undefined : loadPinFile(found)
}

/** The file's text: ids sorted, two-space JSON, a final newline (stable diffs). */
export function pinFileText(pins: Iterable<PinnedModel>): string {
  const models: Record<string, unknown> = {}
  for (const pin of [...pins].sort((a, b) => a.id.localeCompare(b.id))) {
    const {id, repo: _repo, ...stored} = pin
    models[id] = stored
  }
  return `${JSON.stringify(
    {
      $comment:
        'Hub models pinned by `vram models pull`; builds and `vram check` read this file, never the network. Update with `vram models pull --update`.',
      version: pinFileVersion,
      models,
    },
    null,
    2,
  )}\n`
}
