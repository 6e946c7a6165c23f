/**
 * Starlight 0.37 on Astro 5, a real build: the fixture site
 * test/hosts/fixtures/starlight, whose configuration is
 * `integrations: [starlight({title}), vram()]` as the astro-vram README says.
 * `node scripts/host-fixtures.mjs` installs it (the test command does).
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {beforeAll, describe, expect, test} from 'vitest'
import {buildFixture, fixtureFolder} from './fixture-site.js'

const site = fixtureFolder('starlight')
const dist = join(site, 'dist')

function page(path: string): string {
  return readFileSync(join(dist, path, 'index.html'), 'utf8').replaceAll('<!-- -->', '')
}

beforeAll(() => {
  buildFixture('starlight', {
    cli: 'astro/astro.js',
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
    const css = readdirSync(join(dist, '_astro'))
      .filter((file) => file.endsWith('.css'))
      .map((file) => readFileSync(join(dist, '_astro', file), 'utf8'))
      .join('\n')
    expect(css).toMatch(/\.katex-version:after\{content:"0\.16\.\d+"\}/)
    expect(html).toMatch(/<link rel="stylesheet" href="\/_astro\/index\.[^"]+\.css"/)
  })
})
