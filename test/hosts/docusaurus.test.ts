/**
 * Docusaurus 3, a real build: the fixture site test/hosts/fixtures/docusaurus
 * (classic preset, @docusaurus/theme-mermaid with @mermaid-js/layout-elk,
 * remark-math 6, rehype-katex 7, CommonJS package.json) installed with the
 * README's install line from the packed tarballs, on Node.js 24, wired as the
 * README says, with ```vram blocks in a .md doc, an .mdx doc, a page and a
 * blog post whose excerpt refers to a block below `<!-- truncate -->`.
 * `node scripts/host-fixtures.mjs` installs it (the test command does); the
 * build takes about two minutes on two idle cores.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {beforeAll, describe, expect, test} from 'vitest'
import {buildFixture, fixtureFolder} from './fixture-site.js'
import {measureFormulas} from './katex-width.js'

const site = fixtureFolder('docusaurus')
const build = join(site, 'build')
const siteRequire = createRequire(join(site, 'package.json'))

/** A built page, without the `<!-- -->` React puts between adjacent text nodes. */
function page(path: string): string {
  return readFileSync(join(build, path, 'index.html'), 'utf8').replaceAll('<!-- -->', '')
}

function metaDescription(html: string): string | undefined {
  return /<meta data-rh="true" name="description" content="([^"]*)"/.exec(html)?.[1]
}

/** The bold figure of the breakdown table's total row. */
function tableTotal(html: string): string | undefined {
  return /<strong>Total<\/strong><\/td><td[^>]*><strong>([^<]+)<\/strong>/.exec(html)?.[1]
}

/** Every JavaScript asset: the theme renders mermaid in the browser, from the page's chunk. */
function scripts(): string {
  const folder = join(build, 'assets', 'js')
  return readdirSync(folder)
    .map((file) => readFileSync(join(folder, file), 'utf8'))
    .join('\n')
}

beforeAll(() => {
  buildFixture('docusaurus', {
    cli: '.bin/docusaurus',
    args: ['build', '--no-minify'],
    output: 'build',
    env: {DOCUSAURUS_TELEMETRY: '0'},
  })
}, 900_000)

describe('Docusaurus 3 build', () => {
  test('a .md doc: table, KaTeX formulas, and a total the description repeats', () => {
    const html = page('docs/intro')
    expect(html).toContain('<table>')
    expect(html).toContain('class="katex"')
    const total = tableTotal(html)
    expect(total).toMatch(/^\d/)
    expect(metaDescription(html)).toBe(
      `Serving Llama 2 70B in fp16 takes ${total} GB per GPU with two-way tensor parallelism.`,
    )
    // The writer's own $…$ math still renders next to the plugin's.
    expect(html).toMatch(/Inline math still works[\s\S]*class="katex"/)
  })

  test('references in headings reach the title, the TOC and the anchor ids', () => {
    const html = page('docs/intro')
    expect(html).toMatch(/<title[^>]*>Serving Llama 2 70B \| remark-vram on Docusaurus<\/title>/)
    const heading = /<h2 class="anchor[^"]*" id="([^"]+)">KV cache: ([\d.]+ GB) per GPU/.exec(html)
    expect(heading).not.toBeNull()
    const [, id, size] = heading as RegExpExecArray
    expect(id).toBe(`kv-cache-${(size as string).replace(/\D/g, '')}-gb-per-gpu`)
    expect(html).toContain(
      `class="table-of-contents__link toc-highlight">KV cache: ${size} per GPU`,
    )
    expect(html).not.toContain('vram:')
  })

  test('an .mdx doc: the table next to an MDX component, references in the TOC', () => {
    const html = page('docs/training')
    expect(html).toContain('<table>')
    expect(html).toContain('<p class="vram-note">An MDX component next to the table.</p>')
    expect(html).toMatch(/table-of-contents__link[^>]*>Optimizer states take [\d.]+ GB</)
    expect(metaDescription(html)).toMatch(
      /^Mixed-precision AdamW training needs [\d.,]+ GB on one GPU\.$/,
    )
    expect(html).not.toContain('vram:')
  })

  test('a page (src/pages) and a blog post are computed too', () => {
    const memory = page('memory')
    expect(memory).toContain('<table>')
    expect(metaDescription(memory)).toBe(
      `Qwen2.5 7B serves 16 sequences of 32K tokens in ${tableTotal(memory)} GB.`,
    )
    const post = page('blog/advice')
    expect(post).toMatch(/Full training of Llama 2 70B needs [\d.,]+ GB per GPU/)
    expect(metaDescription(post)).toMatch(/^Full training of Llama 2 70B needs [\d.,]+ GB per GPU/)
    for (const html of [memory, post]) expect(html).not.toContain('vram:')
    // The blog emits the chart as the theme's element (`mermaid: 'docusaurus'`);
    // its heading reference still reaches the TOC and the id.
    expect(post).toContain('id="the-way-out-1-gpu-today"')
    expect(post).toMatch(/table-of-contents__link[^>]*>The way out: 1 GPU today</)
  })

  test('a blog excerpt (above `<!-- truncate -->`) resolves a reference to the block below it', () => {
    const post = /Full training of Llama 2 70B needs ([\d.,]+ GB) per GPU/.exec(page('blog/advice'))
    const list = page('blog')
    expect(list).toContain(`Full training of Llama 2 70B needs ${post?.[1]} per GPU`)
    expect(list).toContain('Read more')
    expect(list).not.toContain('vram:')
  })

  test('the CSS is the stylesheet of the KaTeX that rendered: same widths in Chromium', async () => {
    const formulas = await measureFormulas(site, build, '/docs/intro/')
    expect(formulas.length).toBeGreaterThan(0)
    for (const formula of formulas) {
      expect(Math.abs(formula.site - formula.katex), formula.tex).toBeLessThan(0.5)
      expect(Math.abs(formula.unstyled - formula.katex), formula.tex).toBeGreaterThan(2)
    }
  }, 120_000)

  test('the advice charts reach @docusaurus/theme-mermaid, from ```mermaid and from the element', () => {
    const js = scripts()
    // The doc's chart (```mermaid, turned into the theme's element by Docusaurus)
    // and the blog post's (`mermaid: 'docusaurus'`): both are the `mermaid` MDX component.
    expect(js).toMatch(
      /_components\.mermaid, \{\s*value: "flowchart TD\\n {2}n_start\(\[\\"Your configuration<br\/>[\d.]+ GB ✓/,
    )
    expect(js).toMatch(
      /_components\.mermaid, \{\s*value: "flowchart TD\\n {2}n_start\(\[\\"Your configuration<br\/>[\d,]+ GB ✗/,
    )
    // The theme found @mermaid-js/layout-elk and bundled the ELK layout for the browser.
    expect(js).toContain('org.eclipse.elk')
  })

  test('KaTeX’s CSS and fonts come from the katex that rehype-katex renders with', () => {
    const css = readdirSync(join(build, 'assets', 'css'))
      .map((file) => readFileSync(join(build, 'assets', 'css', file), 'utf8'))
      .join('\n')
    const rehypeKatex = createRequire(siteRequire.resolve('rehype-katex'))
    const version = rehypeKatex('katex/package.json').version as string
    expect(css).toMatch(new RegExp(`\\.katex-version:after\\s*\\{\\s*content:\\s*"${version}"`))
    expect(
      readdirSync(join(build, 'assets', 'fonts')).some((f) => f.startsWith('KaTeX_Main')),
    ).toBe(true)
  })
})
