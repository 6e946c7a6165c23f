/**
 * The host fixture sites under test/hosts/fixtures/ (Docusaurus, Next.js,
 * Starlight): installed by `node scripts/host-fixtures.mjs` (the test command
 * runs it), built here with the host's own CLI, as a user would.
 */
import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

/** Absolute folder of a fixture site. */
export function fixtureFolder(name: string): string {
  return fileURLToPath(new URL(`fixtures/${name}/`, import.meta.url))
}

/**
 * Runs a host's build in a fixture (`cli`: a path inside its node_modules),
 * unless `VRAM_REUSE_BUILD` is set and `output` exists (for editing assertions).
 */
export function buildFixture(
  name: string,
  options: {cli: string; args: string[]; output: string; env?: Record<string, string>},
): void {
  const folder = fixtureFolder(name)
  const cli = join(folder, 'node_modules', options.cli)
  if (!existsSync(cli)) {
    throw new Error(`The ${name} fixture is not installed: run \`node scripts/host-fixtures.mjs\``)
  }
  if (process.env.VRAM_REUSE_BUILD && existsSync(join(folder, options.output))) return
  execFileSync(process.execPath, [cli, ...options.args], {
    cwd: folder,
    stdio: 'pipe',
    env: {...process.env, ...options.env},
  })
}
