/**
 * Next.js 16, real builds: the fixture app test/hosts/fixtures/nextjs (App
 * Router, @next/mdx, a page.mdx and a page.md) configured as the README says,
 * built once with Turbopack (the default of `next build`) and once with
 * webpack (`next build --webpack`). `node scripts/host-fixtures.mjs` installs
 * it (the test command does).
 */
import {readdirSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {beforeAll, describe, expect, test} from 'vitest'
import {buildFixture, fixtureFolder} from './fixture-site.js'
import {measureFormulas} from './katex-width.js'

const app = fixtureFolder('nextjs')
const appRequire = createRequire(join(app, 'package.json'))
const bundlers = {turbopack: [], webpack: ['--webpack']} as const

beforeAll(() => {
  for (const [bundler, flags] of Object.entries(bundlers)) {
    buildFixture('nextjs', {
      cli: '.bin/next',
      args: ['build', ...flags],
      output: `.next-${bundler}`,
      env: {NEXT_TELEMETRY_DISABLED: '1', NEXT_DIST_DIR: `.next-${bundler}`},
    })
  }
}, 900_000)

for (const bundler of Object.keys(bundlers)) {
  const dist = join(app, `.next-${bundler}`)
  const html = (page: string) =>
    readFileSync(join(dist, 'server', 'app', `${page}.html`), 'utf8').replaceAll('<!-- -->', '')

  describe(`Next.js 16 with ${bundler}`, () => {
    test('page.mdx: table, KaTeX, the chart as pre.mermaid, references resolved', () => {
      const page = html('index')
      expect(page).toContain('<h1>Serving Llama 2 70B</h1>')
      expect(page).toContain('<table>')
      expect(page).toContain('class="katex"')
      expect(page).toMatch(/<pre class="mermaid">flowchart TD/)
      const total = /<strong>Total<\/strong><\/td><td[^>]*><strong>([^<]+)<\/strong>/.exec(
        page,
      )?.[1]
      expect(page).toContain(`Two-way tensor parallelism needs ${total} GB per GPU.`)
    })

    test('page.md is compiled too', () => {
      const page = html('md')
      expect(page).toContain('<table>')
      expect(page).toMatch(/It needs [\d.]+ GB\./)
      expect(page).not.toContain('vram:')
    })

    test('KaTeX’s CSS and fonts are bundled from the katex rehype-katex renders with', () => {
      // Turbopack writes static/chunks/*.css, webpack static/css/*.css.
      const assets = join(dist, 'static')
      const css = readdirSync(assets, {recursive: true, encoding: 'utf8'})
        .filter((file) => file.endsWith('.css'))
        .map((file) => readFileSync(join(assets, file), 'utf8'))
        .join('\n')
      const version = createRequire(appRequire.resolve('rehype-katex'))('katex/package.json')
        .version as string
      expect(css).toContain(`.katex-version:after{content:"${version}"}`)
      const media = readdirSync(join(dist, 'static', 'media'))
      expect(media.some((file) => file.startsWith('KaTeX_Main'))).toBe(true)
    })

    test('the CSS is the stylesheet of the KaTeX that rendered: same widths in Chromium', async () => {
      // The prerendered page and Next's static assets, as `next start` serves them.
      const routes = {'/_next/': dist, '/': join(dist, 'server', 'app')}
      const formulas = await measureFormulas(app, routes, '/')
      expect(formulas.length).toBeGreaterThan(0)
      for (const formula of formulas) {
        expect(Math.abs(formula.site - formula.katex), formula.tex).toBeLessThan(0.5)
        expect(Math.abs(formula.unstyled - formula.katex), formula.tex).toBeGreaterThan(2)
      }
    }, 120_000)
  })
}
