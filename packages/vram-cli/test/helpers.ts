import {type SpawnSyncReturns, spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {fileURLToPath} from 'node:url'
import {run} from '../src/cli.js'

export const root = fileURLToPath(new URL('../../..', import.meta.url))
export const bin = join(root, 'packages/vram-cli/bin/vram.js')

export interface Run {
  status: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** The environment of a run: the test's, without colour settings, plus `env`. */
function environment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {...process.env}
  delete clean.NO_COLOR
  delete clean.FORCE_COLOR
  return {...clean, ...env}
}

/**
 * Runs the CLI in this process, from its sources, as the binary would (stdout
 * and stdin not terminals, an empty stdin unless `input` is given).
 */
export async function vram(
  args: string[],
  options: {input?: string; env?: Record<string, string>} = {},
): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const stdin = Object.assign(Readable.from(options.input ? [Buffer.from(options.input)] : []), {
    isTTY: false,
  })
  const status = await run(args, {
    stdout: {write: (text: string) => (stdout += text), isTTY: false},
    stderr: {write: (text: string) => (stderr += text)},
    stdin,
    env: environment(options.env),
  })
  return {status, signal: null, stdout, stderr}
}

/**
 * Runs the real binary in a new Node, as a user would: for what only a process
 * shows (its working directory, `--import` hooks into `node:fs`, signals).
 * It runs the build: the test setup (test/setup/build.ts) builds first.
 */
export function vramBin(
  args: string[],
  options: {input?: string; env?: Record<string, string>; cwd?: string; nodeArgs?: string[]} = {},
): Run {
  const env = environment(options.env)
  const result: SpawnSyncReturns<string> = spawnSync(
    process.execPath,
    [...(options.nodeArgs ?? []), bin, ...args],
    {
      cwd: options.cwd ?? root,
      encoding: 'utf8',
      input: options.input ?? '',
      env,
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
