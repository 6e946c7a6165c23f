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
  {host: 'Astro + `astro-vram`', version: '6.4', fixture: 'astro6', packages: ['astro']},
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

/**
 * Each fixture site is installed with the README's own install line: every
 * package the line names is a dependency of the fixture, at the range the line
 * pins, and the fixture has nothing else but what the host's own starter
 * template has (and the packages of this repository, from their tarballs).
 */
describe('the fixtures are installed as the READMEs say', () => {
  const readmes = {
    'remark-vram': readFileSync(join(root, 'packages', 'remark-vram', 'README.md'), 'utf8'),
    'astro-vram': readFileSync(join(root, 'packages', 'astro-vram', 'README.md'), 'utf8'),
  }
  /** The packages of the first `npm install` line after `heading` in a README. */
  function installLine(
    readme: keyof typeof readmes,
    heading: string,
    pattern = /^npm install (.+)$/m,
  ) {
    const text = readmes[readme]
    const from = text.indexOf(heading)
    expect(from, heading).toBeGreaterThan(-1)
    const line = pattern.exec(text.slice(from))?.[1] as string
    return line.split(/\s+/).map((spec) => {
      const at = spec.lastIndexOf('@')
      return at > 0 ? {name: spec.slice(0, at), range: spec.slice(at + 1)} : {name: spec}
    })
  }
  const ours = ['astro-vram', 'remark-vram', 'vram-core', 'vram-cli']
  const cases = [
    {
      fixture: 'docusaurus',
      line: installLine('remark-vram', '### Docusaurus 3'),
      template: [
        '@docusaurus/core',
        '@docusaurus/preset-classic',
        '@mdx-js/react',
        'clsx',
        'prism-react-renderer',
        'react',
        'react-dom',
      ],
    },
    {
      fixture: 'nextjs',
      line: installLine('remark-vram', '### Next.js (MDX)'),
      template: ['next', 'react', 'react-dom'],
    },
    ...['astro5', 'astro6', 'astro7'].map((fixture) => ({
      fixture,
      line: [
        ...installLine('astro-vram', '## Install'),
        ...installLine('astro-vram', 'Writing `.mdx` pages?', /`npm install ([^`]+)`/),
      ],
      template: ['astro'],
    })),
    {
      fixture: 'starlight',
      line: installLine('astro-vram', '## Install'),
      template: ['@astrojs/starlight', 'astro', 'sharp'],
    },
  ]
  for (const {fixture, line, template} of cases) {
    test(`${fixture}: the install line, and nothing else but the host's template`, () => {
      const manifest = JSON.parse(
        readFileSync(join(fixtureFolder(fixture), 'package.json'), 'utf8'),
      ) as {dependencies: Record<string, string>}
      const dependencies = manifest.dependencies
      for (const {name, range} of line) {
        expect(Object.keys(dependencies), `${fixture} lacks ${name}`).toContain(name)
        if (ours.includes(name)) expect(dependencies[name]).toBe(`file:../.cache/packs/${name}.tgz`)
        // `npm install katex@0.16` saves `^0.16.<latest>`.
        else if (range)
          expect(dependencies[name], name).toMatch(
            new RegExp(`^\\^${range.replaceAll('.', '\\.')}\\b`),
          )
      }
      const named = new Set(line.map(({name}) => name))
      const extra = Object.keys(dependencies).filter(
        (name) => !named.has(name) && !template.includes(name) && !ours.includes(name),
      )
      expect(extra, `${fixture} installs more than the README says`).toEqual([])
    })
  }
})
