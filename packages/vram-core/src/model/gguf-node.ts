/**
 * Reading `.gguf` headers on Node with `@huggingface/gguf` (a local file, no
 * network request). The parser is asynchronous and the engine is not, so hosts
 * read the files a document names first (`preloadGgufFiles`), then evaluate:
 * `nodeReadConfig` answers a `.gguf` path from what was read.
 */
import {resolve} from 'node:path'
import {gguf} from '@huggingface/gguf'
import type {GgufSummary} from './gguf-file.js'

const summaries = new Map<string, GgufSummary | Error>()

/** `.gguf` paths a document gives as a model's `config`. */
const GGUF_REFERENCE = /\bconfig:\s*["']?([^\s"'#,}]+\.gguf)\b/gi

export function ggufReferences(text: string): string[] {
  return [...new Set([...text.matchAll(GGUF_REFERENCE)].map((match) => match[1] as string))]
}

/** The header of a local `.gguf` file, as the engine reads it. */
export async function readGgufSummary(path: string): Promise<GgufSummary> {
  return ggufSummary(await gguf(path, {allowLocalFile: true}))
}

/** What the engine keeps of a parsed header (plain data: numbers, strings, booleans). */
export function ggufSummary({
  metadata,
  tensorInfos,
}: Awaited<ReturnType<typeof gguf>>): GgufSummary {
  const plain: Record<string, number | string | boolean> = {}
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value === 'bigint') plain[key] = Number(value)
    else if (Array.isArray(value)) plain[key] = value.length
    else if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
      plain[key] = value
  }
  return {
    kind: 'gguf',
    architecture: String(metadata['general.architecture'] ?? ''),
    metadata: plain,
    tensors: tensorInfos.map((tensor) => ({
      name: tensor.name,
      type: Number(tensor.dtype),
      elements: tensor.shape.reduce((product, size) => product * Number(size), 1),
    })),
  }
}

/**
 * Reads the headers of the `.gguf` files `text` names (relative to `folder`)
 * so that the synchronous evaluation finds them; `undefined` when there is
 * nothing left to read (then the caller can stay synchronous). A file that
 * cannot be read is remembered with its error.
 */
export function preloadGgufFiles(text: string, folder: string): Promise<void> | undefined {
  const pending = ggufReferences(text)
    .map((reference) => resolve(folder, reference))
    .filter((path) => !summaries.has(path))
  if (pending.length === 0) return undefined
  return Promise.all(
    pending.map(async (path) => {
      try {
        summaries.set(path, await readGgufSummary(path))
      } catch (error) {
        summaries.set(path, error instanceof Error ? error : new Error(String(error)))
      }
    }),
  ).then(() => undefined)
}

/** A preloaded header, or an error saying why there is none. */
export function preloadedGguf(path: string): GgufSummary {
  const found = summaries.get(path)
  if (found === undefined) {
    throw new Error(
      'a .gguf header is read asynchronously: use `vram`, or the plugin with `process()` (not `processSync()`)',
    )
  }
  if (found instanceof Error) throw found
  return found
}
