/**
 * The published packages as a user gets them from npm: `npm pack` in a
 * package folder (which runs its `prepack` build) gives a tarball with the
 * build, the LICENSE and installable dependency versions; every field npm and
 * TypeScript read is there; README links work on npmjs.com (absolute, to
 * paths and headings that exist); and every declared dependency is used.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, test} from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
/** The export condition the workspace's tests resolve sources with (vitest.config.ts). */
const sourceCondition = '@remark-vram/source'
const repository = 'https://github.com/remark-vram/remark-vram'
const names = readdirSync(join(root, 'packages')).filter((name) =>
  existsSync(join(root, 'packages', name, 'package.json')),
)
const scratch = mkdtempSync(join(tmpdir(), 'vram-pack-'))
afterAll(() => rmSync(scratch, {recursive: true, force: true}))

interface Manifest {
  name: string
  license?: string
  types?: string
  repository?: {type: string; url: string; directory: string}
  homepage?: string
  bugs?: string
  keywords?: string[]
  scripts?: Record<string, string>
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  exports?: Record<
    string,
    {[sourceCondition]?: string | Record<string, string>; types?: string; default?: string}
  >
}

function manifest(name: string): Manifest {
  return JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'))
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function slugs(markdown: string): Set<string> {
  const out = new Set<string>()
  for (const match of markdown.matchAll(/^#{1,6} +(.+)$/gm)) {
    const slug = (match[1] as string)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-')
    out.add(slug)
  }
  return out
}

test('the workspace has the four published packages', () => {
  expect(names.sort()).toEqual(['astro-vram', 'remark-vram', 'vram-cli', 'vram-core'])
})

test('versions move in lockstep: each package, its dependencies on the others, pluginVersion', () => {
  const versions = new Map(
    names.map((name) => [name, (manifest(name) as {version?: string}).version]),
  )
  expect(new Set(versions.values()).size).toBe(1)
  for (const name of names) {
    for (const [dependency, range] of Object.entries(manifest(name).dependencies ?? {})) {
      if (versions.has(dependency))
        expect(range, `${name} → ${dependency}`).toBe(versions.get(dependency))
    }
  }
  const plugin = readFileSync(join(root, 'packages/remark-vram/src/plugin.ts'), 'utf8')
  expect(plugin).toContain(`export const pluginVersion = '${versions.get('remark-vram')}'`)
})

for (const name of names) {
  const folder = join(root, 'packages', name)

  describe(name, () => {
    test('package.json: license, repository, homepage, bugs, types, prepack', () => {
      const pkg = manifest(name)
      expect(pkg.license).toBe('MIT')
      expect(pkg.repository).toEqual({
        type: 'git',
        url: `git+${repository}.git`,
        directory: `packages/${name}`,
      })
      expect(pkg.homepage).toBe(`${repository}/tree/main/packages/${name}#readme`)
      expect(pkg.bugs).toBe(`${repository}/issues`)
      // Top-level `types` for TypeScript's older `node10` resolution, equal to the export's.
      expect(pkg.types).toBe(pkg.exports?.['.']?.types)
      expect(pkg.scripts?.prepack).toBe('tsc -b')
      expect(readFileSync(join(folder, 'LICENSE'), 'utf8')).toBe(
        readFileSync(join(root, 'LICENSE'), 'utf8'),
      )
    })

    test('npm pack gives the build, the LICENSE and no workspace: versions', () => {
      const output = execFileSync(
        'npm',
        ['pack', '--json', '--pack-destination', scratch, '--loglevel=error'],
        {cwd: folder, encoding: 'utf8'},
      )
      const [packed] = JSON.parse(output) as Array<{filename: string; files: Array<{path: string}>}>
      const files = (packed?.files ?? []).map((file) => file.path)
      const pkg = manifest(name)
      for (const entry of Object.values(pkg.exports ?? {})) {
        // What Node, bundlers and TypeScript resolve by default: the build.
        const {[sourceCondition]: sources, ...published} = entry
        for (const target of Object.values(published) as string[]) {
          expect(target).toMatch(/^\.\/dist\//)
          expect(files).toContain(target.replace(/^\.\//, ''))
        }
        // Only under the workspace's own condition: sources, which the tarball ships too.
        for (const target of typeof sources === 'string' ? [sources] : Object.values(sources ?? {}))
          expect(files).toContain(target.replace(/^\.\//, ''))
      }
      expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']))
      expect(files.some((file) => file.startsWith('test/'))).toBe(false)
      const tarball = join(scratch, packed?.filename as string)
      const packedManifest = execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], {
        encoding: 'utf8',
      })
      expect(packedManifest).not.toContain('workspace:')
    }, 120_000)

    test('README links work on npm: absolute, to files and headings that exist', () => {
      const readme = readFileSync(join(folder, 'README.md'), 'utf8')
      const targets = [
        ...readme.matchAll(/\]\(([^)\s]+)\)/g),
        ...readme.matchAll(/^\[[^\]]+\]: (\S+)/gm),
      ].map((match) => match[1] as string)
      const relative = targets.filter((target) => !/^(https?:|mailto:|#)/.test(target))
      expect(relative).toEqual([])
      // Headings outside fenced code (a `# comment` in a shell block is no heading).
      const own = readme.replace(/^```[\s\S]*?^```/gm, '')
      for (const target of targets) {
        if (target.startsWith('#')) expect(slugs(own)).toContain(target.slice(1))
        if (!target.startsWith(repository)) continue
        const [path, anchor] = target.slice(repository.length).split('#')
        const file = /^\/(?:tree|blob)\/main\/(.+)$/.exec(path as string)?.[1]
        if (file) expect(existsSync(join(root, file)), target).toBe(true)
        if (anchor && anchor !== 'readme') {
          const target_readme = file && !file.endsWith('.md') ? join(file, 'README.md') : file
          const text = readFileSync(join(root, target_readme ?? 'README.md'), 'utf8')
          expect(slugs(text), target).toContain(anchor)
        }
      }
    })

    test('every dependency is used: imported by the code, or a type the declarations name', () => {
      const pkg = manifest(name)
      const source = readdirSync(join(folder, 'src'), {recursive: true, encoding: 'utf8'})
        .filter((file) => /\.[cm]?[jt]s$/.test(file))
        .map((file) => readFileSync(join(folder, 'src', file), 'utf8'))
        .join('\n')
      const declarations = existsSync(join(folder, 'dist'))
        ? readdirSync(join(folder, 'dist'))
            .filter((file) => file.endsWith('.d.ts'))
            .map((file) => readFileSync(join(folder, 'dist', file), 'utf8'))
            .join('\n')
        : ''
      for (const dependency of Object.keys(pkg.dependencies ?? {})) {
        const typesOf = /^@types\/(.+)$/.exec(dependency)?.[1]
        const imported = typesOf
          ? new RegExp(`(?:from |import\\()['"]${typesOf}['"]`).test(declarations)
          : new RegExp(`(?:from |import\\()['"]${dependency}(?:/[^'"]*)?['"]`).test(source)
        expect(imported, `${name} declares ${dependency} but does not use it`).toBe(true)
      }
    })
  })
}
