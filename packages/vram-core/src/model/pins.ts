/**
 * Pinned Hub models: what `vram models pull` stored in `vram.models.json`, as
 * plain data the engine resolves like catalogue presets (browser-safe: the
 * file is read by the host, never fetched here).
 *
 * A pin is one Hugging Face repository at one commit: its `config.json` as
 * published, or, for a GGUF repository, the header of one `.gguf` file (its
 * id is then `org/name/path/file.gguf`). The Hub's own parameter count
 * (`safetensors.total` of `/api/models/{id}/revision/{rev}`) is kept beside it
 * so a reader can compare it with the engine's count.
 */
import {type GgufSummary, isGgufSummary} from './gguf-file.js'

export interface PinnedModel {
  /** The id a block writes: `org/name`, or `org/name/file.gguf` for one GGUF file. */
  id: string
  /** The repository, `org/name`. */
  repo: string
  /** The revision asked for (`main`, a branch, a tag or a commit). */
  revision: string
  /** The commit the revision pointed at when pulled (40 hex digits). */
  commit: string
  /** The `.gguf` file inside the repository, for a GGUF pin. */
  file?: string | undefined
  /** The repository's `config.json` (absent for a GGUF pin). */
  config?: Readonly<Record<string, unknown>> | undefined
  /** The GGUF header (absent for a config.json pin). */
  gguf?: GgufSummary | undefined
  /** The Hub's exact parameter count (`safetensors.total`, or `gguf.total`). */
  hubParams?: number | undefined
  /** The Hub's count per stored dtype (`safetensors.parameters`). */
  hubParamsByDtype?: Readonly<Record<string, number>> | undefined
}

/** Pins by lower-case id (the Hub resolves ids case-insensitively). */
export type PinnedModels = ReadonlyMap<string, PinnedModel>

/** The `version` of the `vram.models.json` this engine writes and reads. */
export const pinFileVersion = 1

/** The file's name at the documentation root (spec §8, fixed). */
export const pinFileName = 'vram.models.json'

/** A Hub repository id: `org/name`, no path tricks. */
export const hubRepoPattern = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0

/** Splits a pin id into its repository and the `.gguf` file path, if any. */
export function splitPinId(id: string): {repo: string; file?: string | undefined} {
  const parts = id.split('/')
  const repo = parts.slice(0, 2).join('/')
  const file = parts.length > 2 ? parts.slice(2).join('/') : undefined
  return file === undefined ? {repo} : {repo, file}
}

/** Whether `id` is a valid pin id (repository, or repository + `.gguf` path without `..`). */
export function isPinId(id: string): boolean {
  if (id.includes('..') || id.length > 300) return false
  const {repo, file} = splitPinId(id)
  if (!hubRepoPattern.test(repo)) return false
  return file === undefined || /^(?:[\w.-]+\/)*[\w.-]+\.gguf$/i.test(file)
}

/**
 * Reads the parsed JSON of a `vram.models.json`. Entries that are not pins are
 * skipped and named in `problems` (a hand-edited file must not stop a build
 * whose blocks do not use them).
 */
export function readPinFile(json: unknown): {pins: PinnedModels; problems: string[]} {
  const pins = new Map<string, PinnedModel>()
  const problems: string[] = []
  if (!isRecord(json) || !isRecord(json.models)) {
    problems.push('it is not a `{"version": 1, "models": {...}}` object')
    return {pins, problems}
  }
  if (json.version !== pinFileVersion) {
    problems.push(
      `its \`version\` is ${JSON.stringify(json.version)}, this engine reads version ${pinFileVersion}`,
    )
    return {pins, problems}
  }
  for (const [id, entry] of Object.entries(json.models)) {
    const pin = readPin(id, entry)
    if (typeof pin === 'string') problems.push(`\`${id}\`: ${pin}`)
    else pins.set(id.toLowerCase(), pin)
  }
  return {pins, problems}
}

function readPin(id: string, entry: unknown): PinnedModel | string {
  if (!isPinId(id)) return 'not a Hub id (`org/name` or `org/name/file.gguf`)'
  if (!isRecord(entry)) return 'not an object'
  const {repo, file} = splitPinId(id)
  const {revision, commit, config, gguf, hubParams, hubParamsByDtype} = entry
  if (typeof revision !== 'string' || revision === '') return 'no `revision`'
  if (typeof commit !== 'string' || !/^[0-9a-f]{40}$/.test(commit)) return 'no 40-hex `commit`'
  if (file === undefined && !isRecord(config)) return 'no `config` object'
  if (file !== undefined && !validGguf(gguf)) return 'no valid `gguf` header'
  const byDtype = isRecord(hubParamsByDtype)
    ? Object.fromEntries(Object.entries(hubParamsByDtype).filter(([, count]) => isCount(count)))
    : undefined
  return {
    id,
    repo,
    revision,
    commit,
    ...(file !== undefined
      ? {file, gguf: gguf as GgufSummary}
      : {config: config as Record<string, unknown>}),
    ...(isCount(hubParams) ? {hubParams} : {}),
    ...(byDtype && Object.keys(byDtype).length > 0
      ? {hubParamsByDtype: byDtype as Record<string, number>}
      : {}),
  }
}

/** A GGUF header as `pull` stores it: a hand-edited file must not bring NaN into a count. */
function validGguf(value: unknown): value is GgufSummary {
  if (!isGgufSummary(value) || typeof value.architecture !== 'string') return false
  if (!isRecord(value.metadata)) return false
  for (const entry of Object.values(value.metadata)) {
    if (
      typeof entry === 'number'
        ? !Number.isFinite(entry)
        : !['string', 'boolean'].includes(typeof entry)
    )
      return false
  }
  if (value.tensors.length > 100_000) return false
  return value.tensors.every(
    (tensor) =>
      isRecord(tensor) &&
      typeof tensor.name === 'string' &&
      Number.isSafeInteger(tensor.type) &&
      (tensor.type as number) >= 0 &&
      Number.isSafeInteger(tensor.elements) &&
      (tensor.elements as number) >= 0,
  )
}

/**
 * The pin a block's `model` names: `org/name` (case-insensitive), optionally
 * `@REV`, which must be the pin's revision or commit (or a prefix of it, ≥ 7
 * digits). `mismatch` when the id is pinned at another revision.
 */
export function findPinned(
  pins: PinnedModels | undefined,
  name: string,
): {pin: PinnedModel} | {mismatch: PinnedModel; revision: string} | undefined {
  if (pins === undefined || pins.size === 0) return undefined
  const at = name.lastIndexOf('@')
  const id = (at > 0 ? name.slice(0, at) : name).trim()
  const revision = at > 0 ? name.slice(at + 1).trim() : undefined
  const pin = pins.get(id.toLowerCase())
  if (pin === undefined) return undefined
  if (
    revision === undefined ||
    revision === pin.revision ||
    (revision.length >= 7 && pin.commit.startsWith(revision.toLowerCase()))
  ) {
    return {pin}
  }
  return {mismatch: pin, revision}
}

/** The command that pins `id` (what a diagnostic shows). */
export function pullCommand(id: string): string {
  return `vram models pull ${id}`
}
