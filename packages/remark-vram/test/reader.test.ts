/**
 * What a reader sees (issue 12), beyond the fixtures: suggestions that work
 * when pasted, fit marks that are words (no HTML), and the citations option.
 */
import {describe, expect, test} from 'vitest'
import {toHtml, toMarkdown, transform, VFile} from './pipelines.js'

function render(value: string, options: Record<string, unknown> = {}) {
  const file = new VFile({value})
  const tree = transform(file, {errors: 'warn', ...options})
  return {file, tree, markdown: toMarkdown(tree), html: toHtml(tree, file)}
}

describe('an ambiguous reference', () => {
  const sweeps = [
    'model: llama-2-7b\nvary: {dtype: [4.85bpw, bf16]}',
    'vary: {model: [llama-2-7b, qwen2.5-7b], dtype: [4.85bpw, bf16]}',
    'model: llama-2-7b\nvary: {dtype: [bf16, bf16]}',
  ]
  test.each(sweeps)('suggests a reference that resolves when pasted (%s)', (yaml) => {
    const block = `\`\`\`vram id=s\n${yaml}\nshow: []\n\`\`\`\n\n`
    const first = render(`${block}\`vram:s.total\`\n`)
    const reason = first.file.messages[0]?.reason ?? ''
    const suggested = /write `(vram:[^`]+)`/.exec(reason)?.[1]
    expect(suggested, reason).toBeDefined()
    const second = render(`${block}\`${suggested}\`\n`)
    expect(second.file.messages).toEqual([])
    expect(second.markdown).toMatch(/\d GB\n$/)
  })
})

describe('fit marks', () => {
  const matrix =
    '```vram\nmodel: llama-3.1-8b\ngpu: rtx-4090\nvary: {dtype: [bf16, int4], seq: [4096, 131072]}\n```\n'
  test('are words in the cell, in Markdown and HTML, with no HTML node', () => {
    for (const [locale, mark] of [
      ['en', ' (does not fit)'],
      ['zh', '（装不下）'],
    ] as const) {
      const {markdown, html, tree, file} = render(matrix, {locale})
      // bf16 at N = 131,072: 16.1 GB weights + 17.2 GB KV cache (32 layers × 8 KV heads × 128
      // × 2 × 2 bytes × 131,072) + the 0.287 GB CUDA context = 33.5 GB > 25.8 GB × 0.99.
      expect(markdown).toContain(`33.5${mark}`)
      expect(html).toContain(`<td align="right">33.5${mark}</td>`)
      expect(file.messages).toEqual([])
      expect(JSON.stringify(tree)).not.toContain('"type":"html"')
    }
  })
})

describe('citations', () => {
  const block = '```vram\nmodel: llama-2-7b\nmode: training\nshow: [formulas]\n```\n'
  test('full by default, short on request, none leaves the line out', () => {
    expect(render(block).markdown).toContain(
      'Activations: [Korthikanti et al. 2022, “Reducing Activation Recomputation in Large Transformer Models”, Table 2](https://arxiv.org/abs/2205.05198)',
    )
    expect(render(block, {citations: 'short'}).markdown).toContain(
      'Activations: [Korthikanti et al. 2022, Table 2](https://arxiv.org/abs/2205.05198)',
    )
    const none = render(block, {citations: 'none'}).markdown
    expect(none).not.toContain('Sources')
    expect(none).toContain('$M_{act}')
  })
  test('never cite "the article" without its title', () => {
    // A hand-set `buffers` row is the article's allowance, cited as such.
    const buffers = block.replace('show:', 'buffers: 2 GB\nshow:')
    for (const citations of ['full', 'short']) {
      const {markdown} = render(buffers, {citations})
      expect(markdown).not.toMatch(/\barticle\b/)
      expect(markdown).toContain('“LLM 在 GPU 上的显存计算”')
    }
  })
  test('reject an unknown style', () => {
    expect(() => render(block, {citations: 'apa'})).toThrow(
      "remark-vram: option `citations` must be one of 'full', 'short', 'none', not \"apa\"",
    )
  })
})
