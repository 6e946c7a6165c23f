/**
 * Types as a TypeScript user gets them: every module a published `.d.ts`
 * imports is a dependency or a peer dependency of its package (`mdast` and
 * `unist` through `@types/…`; `node:` built-ins through the user's
 * `@types/node`), read from the tarballs `npm pack` made
 * (test/hosts/fixtures/.cache/packs, by scripts/host-fixtures.mjs); and a
 * consumer of those tarballs that does not install unified itself
 * (test/hosts/fixtures/types) compiles with `tsc`, strict, without skipLibCheck.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, test} from 'vitest'
import {fixtureFolder} from './fixture-site.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const packs = join(fixtureFolder('.cache'), 'packs')

function tar(tarball: string, ...args: string[]): string {
  if (!existsSync(tarball)) {
    throw new Error(`${tarball} is missing: run \`node scripts/host-fixtures.mjs\` (it packs them)`)
  }
  return execFileSync('tar', ['-zf', tarball, ...args], {encoding: 'utf8', maxBuffer: 1 << 26})
}

describe('published declarations', () => {
  for (const name of ['vram-core', 'remark-vram', 'vram-cli', 'astro-vram']) {
    test(`${name}: every module its .d.ts files import is a dependency or a peer`, () => {
      const tarball = join(packs, `${name}.tgz`)
      const manifest = JSON.parse(tar(tarball, '-xO', 'package/package.json')) as {
        dependencies?: Record<string, string>
        peerDependencies?: Record<string, string>
      }
      const declared = new Set([
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
      ])
      const files = tar(tarball, '-t')
        .split('\n')
        .filter((file) => file.endsWith('.d.ts'))
      expect(files.length).toBeGreaterThan(0)
      const text = tar(tarball, '-xO', ...files)
      const modules = new Set(
        [...text.matchAll(/(?:from|import\()\s*['"]([^'"./][^'"]*)['"]/g)]
          .map((match) => match[1] as string)
          .filter((specifier) => !specifier.startsWith('node:'))
          .map((specifier) =>
            specifier.startsWith('@')
              ? specifier.split('/').slice(0, 2).join('/')
              : (specifier.split('/')[0] as string),
          ),
      )
      const missing = [...modules].filter(
        (module) => !declared.has(module) && !declared.has(`@types/${module}`),
      )
      expect(missing, `${name} imports types from undeclared packages`).toEqual([])
    })
  }
})

test('a types-only consumer of the tarballs compiles without installing unified', () => {
  const folder = fixtureFolder('types')
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>
  }
  expect(Object.keys(manifest.dependencies)).not.toContain('unified')
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  // Throws with tsc's diagnostics (such as TS2307) when a type does not resolve.
  const output = execFileSync(process.execPath, [tsc, '-p', join(folder, 'tsconfig.json')], {
    cwd: folder,
    encoding: 'utf8',
  })
  expect(output).toBe('')
}, 120_000)
