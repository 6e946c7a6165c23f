/**
 * The host fixture sites under test/hosts/fixtures/ (Astro 5 and 7, Starlight,
 * Docusaurus, Next.js): installed from this repository's packed tarballs by
 * `node scripts/host-fixtures.mjs` (the test command runs it), built here
 * with the host's own CLI, as a user would, on the Node.js the fixture names
 * (`remarkVramFixture.node` in its package.json; default: the one running
 * the tests).
 */
import {execFileSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

/** Absolute folder of a fixture site. */
export function fixtureFolder(name: string): string {
  return fileURLToPath(new URL(`fixtures/${name}/`, import.meta.url))
}

/** The Node.js binary a fixture is built with (installed by scripts/host-fixtures.mjs). */
export function fixtureNode(name: string): string {
  const manifest = JSON.parse(readFileSync(join(fixtureFolder(name), 'package.json'), 'utf8')) as {
    remarkVramFixture?: {node?: string}
  }
  const major = manifest.remarkVramFixture?.node
  if (major === undefined) return process.execPath
  const bin = fileURLToPath(
    new URL(`fixtures/.cache/node-${major}/node_modules/node/bin/node`, import.meta.url),
  )
  if (!existsSync(bin)) {
    throw new Error(`Node.js ${major} is not installed: run \`node scripts/host-fixtures.mjs\``)
  }
  return bin
}

/** `process.versions.node` of the Node.js a fixture is built with. */
export function fixtureNodeVersion(name: string): string {
  return execFileSync(fixtureNode(name), ['-p', 'process.versions.node'], {
    encoding: 'utf8',
  }).trim()
}

/**
 * Runs a host's build in a fixture (`cli`: a path inside its node_modules),
 * unless `VRAM_REUSE_BUILD` is set and `output` exists (for editing
 * assertions). Returns what the build printed (stdout and stderr).
 */
export function buildFixture(
  name: string,
  options: {cli: string; args: string[]; output: string; env?: Record<string, string>},
): string {
  const folder = fixtureFolder(name)
  const cli = join(folder, 'node_modules', options.cli)
  if (!existsSync(cli)) {
    throw new Error(`The ${name} fixture is not installed: run \`node scripts/host-fixtures.mjs\``)
  }
  if (process.env.VRAM_REUSE_BUILD && existsSync(join(folder, options.output))) return ''
  const node = fixtureNode(name)
  const bin = join(node, '..')
  return execFileSync(node, [cli, ...options.args], {
    cwd: folder,
    encoding: 'utf8',
    stdio: 'pipe',
    // The host's child processes (workers, `npx`) find the same Node.js first.
    env: {...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, ...options.env},
  })
}
