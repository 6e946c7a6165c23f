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

/** For each file a block tried to read (a resolved path), the documents whose blocks name it. */
const readers = new Map<string, Set<string>>()
const readListeners = new Set<(path: string) => void>()

/**
 * The documents (paths) whose blocks read `path` (a `config.json` or a `.gguf`
 * file, or tried to when it was missing): a dev server renders them again
 * when that file changes or appears.
 */
export function documentsReading(path: string): string[] {
  return [...(readers.get(resolve(path)) ?? [])]
}

/** Calls `listener` with each file a block reads for the first time (to watch it); returns the way to stop. */
export function onConfigRead(listener: (path: string) => void): () => void {
  readListeners.add(listener)
  return () => readListeners.delete(listener)
}

function recordRead(target: string, document: string): void {
  let documents = readers.get(target)
  if (!documents) {
    documents = new Set()
    readers.set(target, documents)
    for (const listener of readListeners) listener(target)
  }
  documents.add(document)
}

/** The plugin: `unified().use(remarkVram, options)`. */
export const remarkVram = createRemarkVram({
  readConfig: (file) => {
    const read = nodeReadConfig(file.path)
    if (!file.path) return read
    const document = resolve(file.path)
    return (path: string) => {
      if (!path.startsWith('hf:')) recordRead(resolve(dirname(document), path), document)
      return read(path)
    }
  },
  // `vram.models.json`: the file the `models` option names, else the nearest one above the file.
  models: (file, path) => (path === undefined ? nodeModels(file.path) : loadPinFile(path)),
  // `.gguf` headers the blocks name are read asynchronously before the blocks are computed.
  prepare: (file, tree) => {
    const blocks: string[] = []
    visit(tree, 'code', (node) => {
      if (node.lang === 'vram') blocks.push(node.value)
    })
    if (blocks.length === 0) return undefined
    return preloadGgufFiles(blocks, file.path ? dirname(resolve(file.path)) : process.cwd())
  },
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
