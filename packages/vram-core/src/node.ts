import {readFileSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import type {ReadContext} from './scenario.js'

export * from './index.js'

/**
 * A `readConfig` for `model: {config: ./config.json}` that reads files relative
 * to the markdown (or YAML) file at `basePath`. Node only: the browser build
 * has no file system.
 */
export function nodeReadConfig(
  basePath: string | undefined,
): NonNullable<ReadContext['readConfig']> {
  const folder = basePath ? dirname(resolve(basePath)) : process.cwd()
  return (relativePath: string) =>
    JSON.parse(readFileSync(resolve(folder, relativePath), 'utf8')) as unknown
}
