/**
 * Shared by the cross-host tests: the documents (remark-vram's fixtures) and
 * the pipelines. Dependencies come through remark-vram's test helpers so that
 * they resolve from that package.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {Options} from '../../packages/remark-vram/src/options.js'

export * from '../../packages/remark-vram/test/pipelines.js'

const root = fileURLToPath(new URL('../../packages/remark-vram/test/fixtures/', import.meta.url))

export interface Document {
  name: string
  path: string
  value: string
  options: Options | undefined
}

/** Every fixture of remark-vram, with its options. */
export const documents: Document[] = readdirSync(root, {withFileTypes: true})
  .filter((entry) => entry.isDirectory())
  .map((entry) => {
    const folder = join(root, entry.name)
    const config = join(folder, 'config.json')
    const path = join(folder, 'input.md')
    return {
      name: entry.name,
      path,
      value: readFileSync(path, 'utf8'),
      options: existsSync(config)
        ? (JSON.parse(readFileSync(config, 'utf8')) as Options)
        : undefined,
    }
  })
  .sort((a, b) => a.name.localeCompare(b.name))
