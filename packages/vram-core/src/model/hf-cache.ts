/**
 * The local Hugging Face cache (Node only, never a network request): where
 * `huggingface_hub` keeps a downloaded model's files, so that `model:
 * Qwen/Qwen2.5-7B-Instruct` finds its config.json without a path.
 *
 * Layout (huggingface_hub `file_download.py`): `<cache>/models--<org>--<name>/`
 * with `refs/main` holding the commit of the `main` revision and
 * `snapshots/<commit>/config.json`. The cache is `HF_HUB_CACHE`, else
 * `HF_HOME/hub`, else `$XDG_CACHE_HOME/huggingface/hub`, else
 * `~/.cache/huggingface/hub`.
 *
 * Every file is read as `read-file.ts` says: a regular file inside the cache
 * (a `refs/main` that is a FIFO or a link to `/dev/zero` is no ref).
 */
import {readdirSync, statSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {limits} from '../input/limits.js'
import {allowedPath, readTextFile, realFolders} from '../input/read-file.js'

export function hfHubCache(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE
  const home = env.HF_HOME ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'huggingface')
  return join(home, 'hub')
}

/** A Hub repo id: `org/name`, no path tricks. */
const repoId = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/

/** Whether `path` is a regular file inside `roots` (links followed), without opening it. */
function isCachedFile(path: string, roots: readonly string[]): boolean {
  try {
    return statSync(allowedPath(path, {roots})).isFile()
  } catch {
    return false
  }
}

/**
 * The cached `config.json` of Hub model `id` (case-insensitive, as the Hub
 * resolves ids), preferring the `main` revision; `undefined` when the model
 * is not in the cache.
 */
export function cachedConfigPath(id: string, cache: string = hfHubCache()): string | undefined {
  if (!repoId.test(id) || id.includes('..')) return undefined
  const wanted = `models--${id.replace('/', '--')}`.toLowerCase()
  const roots = realFolders([cache])
  if (roots.length === 0) return undefined
  let folder: string | undefined
  try {
    folder = readdirSync(cache).find((entry) => entry.toLowerCase() === wanted)
  } catch {
    return undefined
  }
  if (folder === undefined) return undefined
  const root = join(cache, folder)
  try {
    const main = readTextFile(join(root, 'refs', 'main'), limits.refBytes, {roots}).trim()
    const config = join(root, 'snapshots', main, 'config.json')
    if (/^[0-9a-f]{40}$/.test(main) && isCachedFile(config, roots)) return config
  } catch {
    // No usable `main` ref (a revision was pinned, or it is no regular file): take the newest snapshot below.
  }
  let newest: {path: string; time: number} | undefined
  try {
    for (const snapshot of readdirSync(join(root, 'snapshots'))) {
      const config = join(root, 'snapshots', snapshot, 'config.json')
      if (!isCachedFile(config, roots)) continue
      const time = statSync(config).mtimeMs
      if (!newest || time > newest.time) newest = {path: config, time}
    }
  } catch {
    return undefined
  }
  return newest?.path
}
