/**
 * Starlight (latest, 0.42) on Astro 7 and Node.js 24, a real build: the
 * fixture site test/hosts/fixtures/starlight, installed from the packed
 * tarballs, whose configuration is `integrations: [vram(), starlight({title})]`
 * as the astro-vram README says (`vram()` first: it sets the unified processor
 * before Starlight registers its own Markdown plugins on it).
 * `node scripts/host-fixtures.mjs` installs it (the test command does).
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {beforeAll, describe, expect, test} from 'vitest'
import {buildFixture, fixtureFolder} from './fixture-site.js'
import {katexOfRehypeKatex, measureFormulas} from './katex-width.js'

const site = fixtureFolder('starlight')
const dist = join(site, 'dist')

function page(path: string): string {
  return readFileSync(join(dist, path, 'index.html'), 'utf8').replaceAll('<!-- -->', '')
}

beforeAll(() => {
  buildFixture('starlight', {
    cli: '.bin/astro',
    args: ['build'],
    output: 'dist',
    env: {ASTRO_TELEMETRY_DISABLED: '1'},
  })
}, 600_000)

describe('Starlight with astro-vram', () => {
  test('a .md page: table, KaTeX, the chart left to the client script', () => {
    const html = page('guides/serving')
    expect(html).toContain('<table>')
    expect(html).toContain('class="katex"')
    expect(html).toMatch(/<pre class="mermaid"[^>]*>flowchart TD/)
    expect(html).toMatch(/Serving takes [\d.]+ GB per GPU/)
    expect(html).not.toContain('vram:')
    const script = /<script type="module" src="\/(_astro\/page\.[^"]+\.js)"/.exec(html)?.[1]
    expect(readFileSync(join(dist, script as string), 'utf8')).toContain('language-mermaid')
  })

  test('a heading with a reference reaches "On this page" with its figure', () => {
    const html = page('guides/serving')
    const heading = /<h2 id="(kv-cache-(\d+)-gb-per-gpu)">KV cache: ([\d.]+) GB per GPU<\/h2>/.exec(
      html,
    )
    expect(heading).not.toBeNull()
    const [, id, digits, size] = heading as RegExpExecArray
    expect(digits).toBe((size as string).replace('.', ''))
    expect(html).toMatch(
      new RegExp(`<a href="#${id}"[^>]*>\\s*<span[^>]*>KV cache: ${size} GB per GPU</span>`),
    )
  })

  test('Expressive Code keeps the other code blocks, including the writer’s own ```mermaid', () => {
    const html = page('guides/serving')
    expect(html).toMatch(/<div class="expressive-code[\s\S]*data-language="js"/)
    expect(html).toMatch(/data-language="mermaid"/)
  })

  test('an .mdx page, and KaTeX’s CSS on Starlight’s pages', () => {
    const html = page('guides/training')
    expect(html).toContain('<table>')
    expect(html).toMatch(/Training needs [\d.]+ GB\./)
    // KaTeX's stylesheet is in a stylesheet the page links (Astro names its bundles).
    const {version} = katexOfRehypeKatex(site)
    const linked = [...html.matchAll(/<link rel="stylesheet" href="\/(_astro\/[^"]+\.css)"/g)]
      .map((match) => readFileSync(join(dist, match[1] as string), 'utf8'))
      .join('\n')
    expect(linked).toContain(`.katex-version:after{content:"${version}"}`)
  })

  test('the CSS is the stylesheet of the KaTeX that rendered: same widths in Chromium', async () => {
    const formulas = await measureFormulas(site, dist, '/guides/serving/')
    expect(formulas.length).toBeGreaterThan(0)
    for (const formula of formulas) {
      expect(Math.abs(formula.site - formula.katex), formula.tex).toBeLessThan(0.5)
      expect(Math.abs(formula.unstyled - formula.katex), formula.tex).toBeGreaterThan(2)
    }
  }, 120_000)
})
