/**
 * remark-vram, Node entry: the same API, with `readConfig` reading
 * `model: {config: ./config.json}` from disk, relative to `file.path` (a
 * `.gguf` file's header is read first, which makes that file's transform
 * asynchronous), and references to blocks the host left out of the text it
 * compiles (a Docusaurus blog excerpt) resolved from the file on disk.
 */
import {readFileSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import type {Code} from 'mdast'
import {fromMarkdown} from 'mdast-util-from-markdown'
import {visit} from 'unist-util-visit'
import {VFile} from 'vfile'
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
  wholeDocument(file) {
    let value: string
    try {
      value = file.path ? readFileSync(file.path, 'utf8') : ''
    } catch {
      return undefined
    }
    // The same text (or none): nothing more to find.
    if (!value.includes('vram') || value === String(file.value)) return undefined
    const blocks: Code[] = []
    visit(fromMarkdown(value), 'code', (node) => {
      if (node.lang === 'vram') blocks.push(node)
    })
    return {file: new VFile({path: file.path, value}), blocks}
  },
})
export default remarkVram
