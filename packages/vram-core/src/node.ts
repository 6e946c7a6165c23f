import {dirname, resolve} from 'node:path'
import {readTextFile} from './input/node-read.js'
import type {ReadContext} from './input/scenario.js'
import {preloadedGguf} from './model/gguf-node.js'
import {cachedConfigPath} from './model/hf-cache.js'

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
export {readTextFile} from './input/node-read.js'
export {ggufReferences, preloadGgufFiles, readGgufSummary} from './model/gguf-node.js'
export {cachedConfigPath, hfHubCache} from './model/hf-cache.js'

/** `readConfig` paths of this form name a model in the local Hugging Face cache. */
const HF_CACHE_PREFIX = 'hf:'

/**
 * A `readConfig` for `model: {config: ./config.json}` that reads files relative
 * to the markdown (or YAML) file at `basePath`. Node only: the browser build
 * has no file system. `hf:<org>/<name>` reads the model's config.json from the
 * local Hugging Face cache (no network request).
 */
export function nodeReadConfig(
  basePath: string | undefined,
): NonNullable<ReadContext['readConfig']> {
  const folder = basePath ? dirname(resolve(basePath)) : process.cwd()
  return (relativePath: string) => {
    if (relativePath.startsWith(HF_CACHE_PREFIX)) {
      const id = relativePath.slice(HF_CACHE_PREFIX.length)
      const cached = cachedConfigPath(id)
      if (cached === undefined) throw new Error(`\`${id}\` is not in the local Hugging Face cache`)
      return JSON.parse(readTextFile(cached)) as unknown
    }
    const path = resolve(folder, relativePath)
    if (path.toLowerCase().endsWith('.gguf')) return preloadedGguf(path)
    return JSON.parse(readTextFile(path)) as unknown
  }
}
