import {dirname, resolve} from 'node:path'
import {limits} from './input/limits.js'
import {allowedPath, parseJsonFile, readTextFile, realFolders} from './input/read-file.js'
import type {ReadContext} from './input/scenario.js'
import {preloadedGguf, preloadGgufFiles as preloadGgufHeaders} from './model/gguf-node.js'
import {cachedConfigPath, hfHubCache} from './model/hf-cache.js'

export * from './index.js'
export {
  asHubError,
  defaultHubEndpoint,
  HubError,
  type HubErrorKind,
  type HubOptions,
  resolveHubOptions,
} from './input/hub/client.js'
export {
  findPinFile,
  type LoadedPins,
  loadPinFile,
  maxPinFileBytes,
  nodeModels,
  pinFileTarget,
  pinFileText,
} from './input/hub/pin-file.js'
export {type PullRequest, parsePullRequest, pullModel} from './input/hub/pull.js'
export {allowedPath, openRegularFile, readTextFile} from './input/read-file.js'
export {ggufReferences, readGgufSummary} from './model/gguf-node.js'
export {cachedConfigPath, hfHubCache} from './model/hf-cache.js'

/** `readConfig` paths of this form name a model in the local Hugging Face cache. */
const HF_CACHE_PREFIX = 'hf:'

/**
 * Where a document's blocks may read files: the folder the build runs in
 * (the project), the document's own folder, and the Hugging Face cache.
 */
export function documentationRoots(documentFolder: string | undefined): string[] {
  return realFolders([process.cwd(), documentFolder, hfHubCache()])
}

/**
 * Reads the `.gguf` headers `blocks` name (parsed values or YAML sources,
 * paths relative to `folder`), under the documentation's folders; see
 * `gguf-node.ts`.
 */
export function preloadGgufFiles(
  blocks: readonly unknown[],
  folder: string,
): Promise<void> | undefined {
  return preloadGgufHeaders(blocks, folder, {roots: documentationRoots(folder)})
}

/**
 * A `readConfig` for `model: {config: ./config.json}` that reads files relative
 * to the markdown (or YAML) file at `basePath`. Node only: the browser build
 * has no file system. `hf:<org>/<name>` reads the model's config.json from the
 * local Hugging Face cache (no network request). Files are read only under the
 * documentation's folders (`documentationRoots`), as regular files of bounded
 * size (`read-file.ts`).
 */
export function nodeReadConfig(
  basePath: string | undefined,
): NonNullable<ReadContext['readConfig']> {
  const folder = basePath ? dirname(resolve(basePath)) : process.cwd()
  let roots: string[] | undefined
  return (relativePath: string) => {
    if (relativePath.startsWith(HF_CACHE_PREFIX)) {
      const id = relativePath.slice(HF_CACHE_PREFIX.length)
      const cache = hfHubCache()
      const cached = cachedConfigPath(id, cache)
      if (cached === undefined) throw new Error(`\`${id}\` is not in the local Hugging Face cache`)
      return parseJsonFile(readTextFile(cached, limits.configBytes, {roots: realFolders([cache])}))
    }
    roots ??= documentationRoots(folder)
    const path = resolve(folder, relativePath)
    if (path.toLowerCase().endsWith('.gguf')) {
      // Refused paths say why here too (the preload stored the same reason).
      allowedPath(path, {roots})
      return preloadedGguf(path)
    }
    return parseJsonFile(readTextFile(path, limits.configBytes, {roots}))
  }
}
