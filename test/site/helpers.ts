import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const siteDir = path.join(root, 'site')
export const distDir = path.join(siteDir, 'dist')
export const outputDir = path.join(root, 'test-output', 'site')

const lockDir = path.join(siteDir, '.test-build.lock')
const stampFile = path.join(distDir, '.test-build-stamp')
/** Generous: a cold `astro build` (Vite bundles mermaid) takes a minute or two on 2 cores. */
export const buildTimeout = 600_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function readStamp(): string | undefined {
  try {
    return readFileSync(stampFile, 'utf8')
  } catch {
    return undefined
  }
}

/**
 * Runs `astro build` in site/ once per `vitest run`: both site test files call
 * it; the first takes a lock directory and builds from scratch (dist removed,
 * `--force`), the other waits and reuses the result. The run is identified by
 * the Vitest main process (the workers' parent). `SITE_SKIP_BUILD=1` reuses an
 * existing dist/ (for iterating on the tests).
 */
export async function buildSite(): Promise<void> {
  if (process.env.SITE_SKIP_BUILD === '1' && existsSync(path.join(distDir, 'index.html'))) return
  const token = `vitest ${process.ppid}`
  for (;;) {
    if (readStamp() === token) return
    try {
      mkdirSync(lockDir)
    } catch {
      // Someone else builds; take over a lock left by a process that died.
      let owner = 0
      try {
        owner = Number(readFileSync(path.join(lockDir, 'pid'), 'utf8').trim())
      } catch {
        // Just created; the owner writes its pid next.
      }
      if (owner > 0 && !alive(owner)) rmSync(lockDir, {recursive: true, force: true})
      await sleep(500)
      continue
    }
    try {
      writeFileSync(path.join(lockDir, 'pid'), String(process.pid))
      if (readStamp() === token) return
      rmSync(distDir, {recursive: true, force: true})
      try {
        execFileSync(path.join(siteDir, 'node_modules', '.bin', 'astro'), ['build', '--force'], {
          cwd: siteDir,
          env: {...process.env, ASTRO_TELEMETRY_DISABLED: '1'},
          stdio: 'pipe',
          encoding: 'utf8',
          timeout: buildTimeout,
        })
      } catch (error) {
        const failed = error as {stdout?: string; stderr?: string; message: string}
        throw new Error(
          `astro build failed: ${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`,
        )
      }
      writeFileSync(stampFile, token)
      return
    } finally {
      rmSync(lockDir, {recursive: true, force: true})
    }
  }
}

/** Every file under `dir`, relative paths. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
}

export function readDist(relative: string): string {
  return readFileSync(path.join(distDir, relative), 'utf8')
}
