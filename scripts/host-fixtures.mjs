// Installs the host fixture sites that are too heavy for the pnpm workspace
// (Docusaurus ~450 MB, Next.js ~360 MB, Starlight): each folder under test/hosts/fixtures/
// with a package-lock.json gets `npm ci` from the npm registry, only when its
// lockfile changed since the last install, and then links this repository's
// remark-vram into its node_modules, as a user's install would provide it.
// The test command runs this before Vitest; test/hosts/*.test.ts build the sites.
//
// Usage: node scripts/host-fixtures.mjs [name …]   (default: every fixture)
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fixtures = join(root, 'test', 'hosts', 'fixtures')
/** Workspace packages a fixture may depend on, linked instead of installed. */
const linked = ['astro-vram', 'remark-vram', 'vram-core']
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

const wanted = process.argv.slice(2)
const names = readdirSync(fixtures).filter(
  (name) =>
    existsSync(join(fixtures, name, 'package-lock.json')) &&
    (wanted.length === 0 || wanted.includes(name)),
)

for (const name of names) {
  const folder = join(fixtures, name)
  const modules = join(folder, 'node_modules')
  const stampFile = join(modules, '.remark-vram-fixture-stamp')
  const stamp = createHash('sha256')
    .update(readFileSync(join(folder, 'package-lock.json')))
    .update(process.version)
    .digest('hex')
  const installed = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp
  if (!installed) {
    const started = Date.now()
    console.log(`host-fixtures: npm ci in test/hosts/fixtures/${name} …`)
    execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: folder,
      stdio: 'inherit',
      env: {...process.env, NEXT_TELEMETRY_DISABLED: '1'},
    })
    writeFileSync(stampFile, stamp)
    console.log(
      `host-fixtures: ${name} installed in ${Math.round((Date.now() - started) / 1000)} s`,
    )
  }
  for (const pkg of linked) {
    const link = join(modules, pkg)
    if (existsSync(link) || isLink(link)) rmSync(link, {recursive: true, force: true})
    symlinkSync(relative(modules, join(root, 'packages', pkg)), link, 'dir')
  }
}

/** @param {string} path */
function isLink(path) {
  try {
    return lstatSync(path).isSymbolicLink()
  } catch {
    return false
  }
}
