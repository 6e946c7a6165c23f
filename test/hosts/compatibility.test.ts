/**
 * The README's Compatibility table states, for each host built from a fixture
 * site, the exact minimum Node.js: the lowest version that both the installed
 * host's `engines.node` (its package.json in the fixture) and this
 * repository's packages (`engines.node`, Node.js 20) accept, computed here
 * with the fixture's own `semver`; and the Node.js the fixture is built with
 * (`tested: N`) is the one it names, which that range accepts.
 */
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, test} from 'vitest'
import {fixtureFolder, fixtureNodeVersion} from './fixture-site.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const table = readme.slice(readme.indexOf('## Compatibility'), readme.indexOf('## Security'))

interface Semver {
  Range: new (range: string) => {set: Array<Array<{value: string}>>}
  minVersion: (range: string) => {version: string} | null
  satisfies: (version: string, range: string) => boolean
  compare: (a: string, b: string) => number
}

/** Each row naming a fixture: its first cell, version cell prefix, fixture, host packages (the first one is the version). */
const rows = [
  {host: 'Astro + `astro-vram`', version: '5.18', fixture: 'astro5', packages: ['astro']},
  {host: 'Astro + `astro-vram`', version: '7.4', fixture: 'astro7', packages: ['astro']},
  {host: 'Astro (the demo site)', version: '5.18', fixture: 'astro5', packages: ['astro']},
  {
    host: 'Starlight + `astro-vram`',
    version: '0.42',
    fixture: 'starlight',
    packages: ['@astrojs/starlight', 'astro'],
  },
  {host: 'Docusaurus', version: '3.10', fixture: 'docusaurus', packages: ['@docusaurus/core']},
  {host: 'Next.js', version: '16.4', fixture: 'nextjs', packages: ['next']},
]

/**
 * The lowest version every range accepts: the least of the minimum versions of
 * each conjunction of one comparator set per range (a range is a union of sets).
 */
function minimum(semver: Semver, ranges: string[]): string | undefined {
  let conjunctions: string[] = ['']
  for (const range of ranges) {
    const sets = new semver.Range(range).set.map((set) =>
      set.map((comparator) => comparator.value).join(' '),
    )
    conjunctions = conjunctions.flatMap((prefix) => sets.map((set) => `${prefix} ${set}`.trim()))
  }
  return conjunctions
    .map((conjunction) => semver.minVersion(conjunction)?.version)
    .filter((version): version is string => version !== undefined)
    .filter((version) => ranges.every((range) => semver.satisfies(version, range)))
    .sort(semver.compare)[0]
}

describe('the Compatibility table’s Node.js column', () => {
  const ours = (
    JSON.parse(readFileSync(join(root, 'packages', 'remark-vram', 'package.json'), 'utf8')) as {
      engines: {node: string}
    }
  ).engines.node

  for (const row of rows) {
    test(`${row.host} ${row.version}: the minimum and the tested version`, () => {
      const folder = fixtureFolder(row.fixture)
      const fixtureRequire = createRequire(join(folder, 'package.json'))
      const semver = fixtureRequire('semver') as Semver
      const ranges = [ours]
      for (const name of row.packages) {
        // Read from node_modules: not every package exports its package.json.
        const manifest = JSON.parse(
          readFileSync(join(folder, 'node_modules', name, 'package.json'), 'utf8'),
        ) as {version: string; engines?: {node?: string}}
        if (name === row.packages[0])
          expect(manifest.version.startsWith(`${row.version}.`)).toBe(true)
        if (manifest.engines?.node) ranges.push(manifest.engines.node)
      }
      const lowest = minimum(semver, ranges) as string
      expect(lowest).toMatch(/^\d+\.\d+\.\d+$/)
      const line = table
        .split('\n')
        .find((candidate) => candidate.startsWith(`| ${row.host} | ${row.version}`))
      expect(line, `no row "${row.host} | ${row.version}"`).toBeDefined()
      const cell = (line as string).split(' | ')[2] as string
      const stated = /^≥ (\d+(?:\.\d+\.\d+)?) \(tested: (\d+)\)$/.exec(cell)
      expect(stated, cell).not.toBeNull()
      const [, minimumStated, testedMajor] = stated as RegExpExecArray
      // "≥ 20" stands for 20.0.0.
      const written = (minimumStated as string).includes('.')
        ? minimumStated
        : `${minimumStated}.0.0`
      expect(written).toBe(lowest)
      const used = fixtureNodeVersion(row.fixture)
      expect(used.split('.')[0]).toBe(testedMajor)
      for (const range of ranges)
        expect(semver.satisfies(used, range), `${used} in ${range}`).toBe(true)
    })
  }
})
