/**
 * Tests import the workspace packages from their sources (the
 * `@remark-vram/source` condition in vitest.config.ts), but a test that starts
 * a new Node (the `vram` binary, `astro build`, a host's build) runs the build
 * in `dist`. Those tests call `freshBuild()` first: `tsc -b`, which rebuilds
 * what changed since the last build and takes a fraction of a second when
 * nothing did, so no test depends on someone having built.
 */
import {execFileSync} from 'node:child_process'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
/** Test files run in parallel workers: one `tsc -b` at a time writes `dist`. */
const lock = join(root, 'node_modules', '.cache', 'fresh-build.lock')
/** Generous: a cold build of the four packages takes a minute on two busy cores. */
export const freshBuildTimeout = 600_000

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Waits for the lock, taking over one left by a process that died. */
async function acquire(): Promise<void> {
  mkdirSync(join(lock, '..'), {recursive: true})
  for (;;) {
    try {
      mkdirSync(lock)
      writeFileSync(join(lock, 'pid'), String(process.pid))
      return
    } catch {
      let owner = 0
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'))
      } catch {
        // Just created: its owner writes the pid next.
      }
      if (owner > 0 && !alive(owner)) rmSync(lock, {recursive: true, force: true})
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

/** Brings every package's `dist` up to date with its sources (`tsc -b`). */
export async function freshBuild(): Promise<void> {
  await acquire()
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b'], {
      cwd: root,
      stdio: 'pipe',
      encoding: 'utf8',
      timeout: freshBuildTimeout,
    })
  } catch (error) {
    const failed = error as {stdout?: string; message: string}
    throw new Error(`tsc -b failed: ${failed.message}\n${failed.stdout ?? ''}`)
  } finally {
    rmSync(lock, {recursive: true, force: true})
  }
}

/** As a Vitest `globalSetup`: once before the tests of a project that builds in child processes. */
export default freshBuild
