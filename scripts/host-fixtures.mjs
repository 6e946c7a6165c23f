// Installs the host fixture sites that are too heavy for the pnpm workspace
// (Docusaurus ~450 MB, Next.js ~360 MB, Astro 7, Starlight) as a user's
// install would: this repository's packages are packed with `npm pack` (as
// published) into test/hosts/fixtures/.cache/packs/, and each fixture's
// package.json depends on those tarballs (`file:../.cache/packs/…`).
//
// Each folder under test/hosts/fixtures/ with a package.json gets
// `npm ci --prefer-offline` from the npm registry only when its lockfile or
// its Node.js version changed since the last install (a stamp in
// node_modules); after that, only the tarballs are unpacked again when they
// change (a fixture without a lockfile gets `npm install`, which writes
// one to commit). A fixture whose package.json names `"remarkVramFixture": {"node": "24"}`
// installs and builds with that Node.js major, taken from the npm registry
// (the `node` package) into test/hosts/fixtures/.cache/node-24/; the others use
// the Node.js that runs this script. The test command runs this before
// Vitest; test/hosts/*.test.ts build the sites (test/hosts/fixture-site.ts).
//
// Usage: node scripts/host-fixtures.mjs [name …]   (default: every fixture)
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import {delimiter, dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fixtures = join(root, 'test', 'hosts', 'fixtures')
const cache = join(fixtures, '.cache')
const packs = join(cache, 'packs')
/** Workspace packages a fixture may depend on, packed as published. */
const packed = ['vram-core', 'remark-vram', 'vram-cli', 'astro-vram']
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const npmFlags = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error']

const wanted = process.argv.slice(2)
const names = readdirSync(fixtures).filter(
  (name) =>
    existsSync(join(fixtures, name, 'package.json')) &&
    (wanted.length === 0 || wanted.includes(name)),
)

if (names.length > 0) pack()

for (const name of names) {
  const folder = join(fixtures, name)
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'))
  const major = manifest.remarkVramFixture?.node
  const bin = major ? nodeBin(String(major)) : dirname(process.execPath)
  const env = {
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    NEXT_TELEMETRY_DISABLED: '1',
    ASTRO_TELEMETRY_DISABLED: '1',
  }
  const nodeVersion = execFileSync(join(bin, 'node'), ['--version'], {encoding: 'utf8'}).trim()
  const modules = join(folder, 'node_modules')
  const stampFile = join(modules, '.remark-vram-fixture-stamp')
  const ours = packed.filter((pkg) => manifest.dependencies?.[pkg])
  const lockfile = () => join(folder, 'package-lock.json')
  const stamp = () =>
    createHash('sha256').update(readFileSync(lockfile())).update(nodeVersion).digest('hex')
  const started = Date.now()
  let cold = false

  if (existsSync(lockfile())) withoutTarballIntegrity(lockfile())
  if (!existsSync(lockfile())) {
    // A new fixture: npm resolves it once; commit the lockfile it writes.
    console.log(`host-fixtures: ${name}: npm install (no lockfile yet) …`)
    execFileSync(npm, ['install', ...npmFlags], {cwd: folder, stdio: 'inherit', env})
    withoutTarballIntegrity(lockfile())
    writeFileSync(stampFile, stamp())
    cold = true
  } else if (drifted(lockfile(), ours)) {
    // A packed package's dependencies changed: let npm resolve them again
    // (its lockfile entries name the old ones and the old tarball's integrity).
    console.log(`host-fixtures: ${name}: re-locking the packed packages (commit the lockfile)`)
    const lock = JSON.parse(readFileSync(lockfile(), 'utf8'))
    for (const pkg of ours) delete lock.packages[`node_modules/${pkg}`]
    writeFileSync(lockfile(), `${JSON.stringify(lock, null, 2)}\n`)
    rmSync(stampFile, {force: true})
    execFileSync(npm, ['install', ...npmFlags], {cwd: folder, stdio: 'inherit', env})
    withoutTarballIntegrity(lockfile())
    writeFileSync(stampFile, stamp())
    cold = true
  }

  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp()) {
    console.log(`host-fixtures: npm ci in test/hosts/fixtures/${name} (Node.js ${nodeVersion}) …`)
    execFileSync(npm, ['ci', ...npmFlags], {cwd: folder, stdio: 'inherit', env})
    writeFileSync(stampFile, stamp())
    cold = true
  }
  // The tarballs change more often than the lockfile: the current ones are
  // unpacked here, as npm installs them.
  for (const pkg of ours) unpack(pkg, join(modules, pkg))
  const seconds = Math.round((Date.now() - started) / 100) / 10
  console.log(
    `host-fixtures: ${name} ready in ${seconds} s (${cold ? 'cold' : 'warm'}, ${nodeVersion})`,
  )
}

/** `npm pack` of each package (after one `tsc -b`, what each `prepack` runs). */
function pack() {
  const started = Date.now()
  mkdirSync(packs, {recursive: true})
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], {
    cwd: root,
    stdio: 'inherit',
  })
  for (const pkg of packed) {
    const output = execFileSync(
      npm,
      ['pack', '--ignore-scripts', '--json', '--pack-destination', packs],
      {cwd: join(root, 'packages', pkg), encoding: 'utf8'},
    )
    const [{filename}] = JSON.parse(output)
    renameSync(join(packs, filename), join(packs, `${pkg}.tgz`))
  }
  console.log(`host-fixtures: packed ${packed.join(', ')} in ${Date.now() - started} ms`)
}

/**
 * Drops the `integrity` npm records for `file:` tarballs: the packed packages
 * change with every commit, and `npm ci` with an empty cache checks the
 * tarball against it (EINTEGRITY), while a warm cache would hand back the old
 * contents by that checksum. Without it npm reads the tarball as it is.
 */
function withoutTarballIntegrity(lockfile) {
  const text = readFileSync(lockfile, 'utf8')
  const lock = JSON.parse(text)
  for (const entry of Object.values(lock.packages ?? {})) {
    if (typeof entry.resolved === 'string' && entry.resolved.startsWith('file:')) {
      delete entry.integrity
    }
  }
  const out = `${JSON.stringify(lock, null, 2)}\n`
  if (out !== text) writeFileSync(lockfile, out)
}

/** Whether the lockfile's entry of a packed package lists other dependencies than its tarball. */
function drifted(lockfile, pkgs) {
  const lock = JSON.parse(readFileSync(lockfile, 'utf8'))
  return pkgs.some((pkg) => {
    const entry = lock.packages?.[`node_modules/${pkg}`]
    if (!entry) return true
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', join(packs, `${pkg}.tgz`), 'package/package.json'], {
        encoding: 'utf8',
      }),
    )
    return ['dependencies', 'peerDependencies', 'peerDependenciesMeta'].some(
      (field) => JSON.stringify(entry[field] ?? {}) !== JSON.stringify(manifest[field] ?? {}),
    )
  })
}

/** Replaces node_modules/<pkg> by the tarball's contents, unless already those. */
function unpack(pkg, target) {
  const tarball = join(packs, `${pkg}.tgz`)
  const digest = createHash('sha256').update(readFileSync(tarball)).digest('hex')
  const stampFile = join(target, '.remark-vram-pack')
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest) return
  rmSync(target, {recursive: true, force: true})
  mkdirSync(target, {recursive: true})
  execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'])
  writeFileSync(stampFile, digest)
}

/**
 * The folder of a Node.js binary of this major, installed from the npm
 * registry (the `node` package) once into test/hosts/fixtures/.cache/node-<major>/.
 */
function nodeBin(major) {
  const folder = join(cache, `node-${major}`)
  const bin = join(folder, 'node_modules', 'node', 'bin')
  if (!existsSync(join(bin, 'node'))) {
    const started = Date.now()
    console.log(`host-fixtures: installing Node.js ${major} from the npm registry …`)
    mkdirSync(folder, {recursive: true})
    writeFileSync(join(folder, 'package.json'), '{"private": true}\n')
    execFileSync(npm, ['install', ...npmFlags, '--no-save', `node@${major}`], {
      cwd: folder,
      stdio: 'inherit',
    })
    console.log(`host-fixtures: Node.js ${major} installed in ${Date.now() - started} ms`)
  }
  return bin
}
