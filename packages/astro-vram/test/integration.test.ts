/**
 * What `vram()` hands Astro in `astro:config:setup`, for the configurations a
 * build test does not cover: options passed through to remark-vram, each form
 * of `syntaxHighlight`, and Astro ≥ 6.4's `markdown.processor` in the cases a
 * build does not reach (test/hosts/astro.test.ts builds Astro 7, whose Sätteri
 * astro-vram replaces, and test/hosts/starlight.test.ts Starlight on it).
 */
import rehypeKatex from 'rehype-katex'
import remarkMath from 'remark-math'
import remarkVram, {version} from 'remark-vram'
import {describe, expect, test} from 'vitest'
import vram from '../src/index.js'

interface Setup {
  updates: Array<{markdown?: Record<string, unknown>}>
  scripts: Array<[string, string]>
  warnings: string[]
}

async function setup(
  markdown: Record<string, unknown>,
  options?: Parameters<typeof vram>[0],
  integrations: Array<{name: string}> = [{name: 'astro-vram'}],
): Promise<Setup> {
  const result: Setup = {updates: [], scripts: [], warnings: []}
  const hook = vram(options).hooks['astro:config:setup'] as (params: unknown) => Promise<void>
  await hook({
    config: {markdown, integrations},
    updateConfig: (update: {markdown?: Record<string, unknown>}) => result.updates.push(update),
    injectScript: (stage: string, content: string) => result.scripts.push([stage, content]),
    logger: {
      warn: (message: string) => result.warnings.push(message),
      info: (message: string) => result.warnings.push(message),
    },
  })
  return result
}

const shiki = {type: 'shiki', excludeLangs: ['math']}

describe('vram()', () => {
  test('registers remark-math, remark-vram (options through, `pre` charts, version) and rehype-katex', async () => {
    const {updates} = await setup({syntaxHighlight: shiki}, {units: 'GiB', locale: 'zh'})
    const markdown = updates[0]?.markdown ?? {}
    expect(markdown.remarkPlugins).toEqual([
      remarkMath,
      [remarkVram, {version, units: 'GiB', locale: 'zh', mermaid: 'pre'}],
    ])
    expect(markdown.rehypePlugins).toEqual([rehypeKatex])
  })

  test('KaTeX’s CSS on every page and the client script; neither when turned off', async () => {
    const on = await setup({syntaxHighlight: shiki})
    expect(on.scripts.map(([stage]) => stage)).toEqual(['page-ssr', 'page'])
    expect(on.scripts[0]?.[1]).toMatch(/^import ".*katex\/dist\/katex\.min\.css"$/)
    expect(on.scripts[1]?.[1]).toMatch(/watchMermaid\(\)/)
    const off = await setup({syntaxHighlight: shiki}, {katex: false, diagrams: false})
    expect(off.scripts).toEqual([])
    expect(off.updates[0]?.markdown?.rehypePlugins).toEqual([])
  })

  test('adds only the missing Shiki exclusions, for each form of syntaxHighlight', async () => {
    const object = await setup({syntaxHighlight: shiki})
    // Astro concatenates arrays when merging: `math` is already there.
    expect(object.updates[0]?.markdown?.syntaxHighlight).toEqual({excludeLangs: ['mermaid']})
    const name = await setup({syntaxHighlight: 'prism'})
    expect(name.updates[0]?.markdown?.syntaxHighlight).toEqual({
      type: 'prism',
      excludeLangs: ['mermaid', 'math'],
    })
    const none = await setup({syntaxHighlight: false})
    expect(none.updates[0]?.markdown).not.toHaveProperty('syntaxHighlight')
  })

  test('Astro ≥ 6.4: plugins go into a unified processor, in place', async () => {
    const processor = {name: 'unified', options: {remarkPlugins: [], rehypePlugins: []}}
    const unified = await setup({syntaxHighlight: shiki, processor})
    expect(processor.options.remarkPlugins).toHaveLength(2)
    expect(processor.options.rehypePlugins).toEqual([rehypeKatex])
    expect(unified.updates[0]?.markdown).not.toHaveProperty('remarkPlugins')
    expect(unified.updates[0]?.markdown).not.toHaveProperty('processor')
    expect(unified.warnings).toEqual([])
  })

  test('Sätteri given plugins by Starlight before vram(): the build fails with what to write', async () => {
    const satteri = {name: 'satteri', options: {mdastPlugins: [{name: 'asides'}], hastPlugins: []}}
    await expect(
      setup({syntaxHighlight: shiki, processor: satteri}, undefined, [
        {name: '@astrojs/starlight'},
        {name: 'astro-vram'},
      ]),
    ).rejects.toThrow(
      "astro-vram: Astro's Sätteri Markdown processor runs no remark plugins, and Starlight has already given it plugins that replacing it would lose: put `vram()` first in `integrations` (`integrations: [vram(), starlight({…})]`), or use `markdown: {processor: unified()}` in astro.config.mjs (`import {unified} from '@astrojs/markdown-remark'`)",
    )
  })

  test('a processor that is neither unified nor Sätteri: the build fails with what to write', async () => {
    await expect(setup({syntaxHighlight: shiki, processor: {name: 'markdown-it'}})).rejects.toThrow(
      "astro-vram: the `markdown-it` Markdown processor runs no remark plugins, so ```vram blocks would stay code: use `markdown: {processor: unified()}` in astro.config.mjs (`import {unified} from '@astrojs/markdown-remark'`)",
    )
  })

  test('Sätteri without @astrojs/markdown-remark 7: the build fails with the install line', async () => {
    // The workspace has @astrojs/markdown-remark 6 (Astro 5's), which has no `unified()`.
    await expect(
      setup({syntaxHighlight: shiki, processor: {name: 'satteri', options: {mdastPlugins: []}}}),
    ).rejects.toThrow(
      "astro-vram: Astro's default Markdown processor (Sätteri) runs no remark plugins, and `unified()` from @astrojs/markdown-remark 7 is not installed: `npm install @astrojs/markdown-remark`",
    )
  })
})
