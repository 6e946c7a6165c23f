import {execFileSync, type SpawnSyncReturns, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const root = fileURLToPath(new URL('../../..', import.meta.url))
export const bin = join(root, 'packages/vram-cli/bin/vram.js')

/** Builds the CLI once if `dist` is missing (the root `test` script builds first). */
export function ensureBuilt(): void {
  if (existsSync(join(root, 'packages/vram-cli/dist/cli.js'))) return
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/vram-cli'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  )
}

export interface Run {
  status: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs the real bin, as a user would, with a clean colour environment. */
export function vram(
  args: string[],
  options: {input?: string; env?: Record<string, string>; cwd?: string; nodeArgs?: string[]} = {},
): Run {
  const env: NodeJS.ProcessEnv = {...process.env}
  delete env.NO_COLOR
  delete env.FORCE_COLOR
  const result: SpawnSyncReturns<string> = spawnSync(
    process.execPath,
    [...(options.nodeArgs ?? []), bin, ...args],
    {
      cwd: options.cwd ?? root,
      encoding: 'utf8',
      input: options.input ?? '',
      env: {...env, ...options.env},
    },
  )
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
  }
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vram-cli-'))
}

export function writeTemp(folder: string, name: string, text: string): string {
  const path = join(folder, name)
  writeFileSync(path, text)
  return path
}
