/**
 * remark-vram, Node entry: the same API, with `readConfig` reading
 * `model: {config: ./config.json}` from disk, relative to `file.path` (a
 * `.gguf` file's header is read first, which makes that file's transform
 * asynchronous).
 */
import {dirname, resolve} from 'node:path'
import {visit} from 'unist-util-visit'
import {nodeReadConfig, preloadGgufFiles} from 'vram-core/node'
import {createRemarkVram} from './plugin.js'

// Everything the browser entry exports; this module's own `remarkVram` takes precedence.
export * from './index.js'

/** The plugin: `unified().use(remarkVram, options)`. */
export const remarkVram = createRemarkVram({
  readConfig: (file) => nodeReadConfig(file.path),
  // `.gguf` headers the blocks name are read asynchronously before the blocks are computed.
  prepare: (file, tree) => {
    const blocks: string[] = []
    visit(tree, 'code', (node) => {
      if (node.lang === 'vram') blocks.push(node.value)
    })
    if (blocks.length === 0) return undefined
    return preloadGgufFiles(blocks, file.path ? dirname(resolve(file.path)) : process.cwd())
  },
})
export default remarkVram
