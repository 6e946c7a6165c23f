/**
 * remark-vram, Node entry: the same API, with `readConfig` reading
 * `model: {config: ./config.json}` from disk, relative to `file.path` (a
 * `.gguf` file's header is read first, which makes that file's transform
 * asynchronous).
 */
import {dirname, resolve} from 'node:path'
import {loadPinFile, nodeModels, nodeReadConfig, preloadGgufFiles} from 'vram-core/node'
import {createRemarkVram} from './plugin.js'

// Everything the browser entry exports; this module's own `remarkVram` takes precedence.
export * from './index.js'

/** The plugin: `unified().use(remarkVram, options)`. */
export const remarkVram = createRemarkVram({
  readConfig: (file) => nodeReadConfig(file.path),
  // `vram.models.json`: the file the `models` option names, else the nearest one above the file.
  models: (file, path) => (path === undefined ? nodeModels(file.path) : loadPinFile(path)),
  // `.gguf` headers are read asynchronously before the blocks are computed.
  prepare: (file) =>
    preloadGgufFiles(String(file.value), file.path ? dirname(resolve(file.path)) : process.cwd()),
})
export default remarkVram
