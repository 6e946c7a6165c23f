/** A plain unified pipeline: remark-parse, remark-math, remark-vram, remark-rehype, rehype-katex. */
import {describe, expect, test} from 'vitest'
import {
  documents,
  rehypeKatex,
  rehypeStringify,
  remarkMath,
  remarkParse,
  remarkRehype,
  remarkVram,
  unified,
  VFile,
} from './shared.js'

const doc = `# Qwen2.5-7B

\`\`\`vram id=qwen
model: Qwen/Qwen2.5-7B
batch: 16
seq: 32768
gpu: h100-sxm-80gb
show: [breakdown, formulas, summary, advice]
\`\`\`

The KV cache takes \`vram:qwen.kv_cache\`; the writer's own math still works: $a^2$.
`

function pipeline(options?: Parameters<typeof remarkVram>[0]) {
  return unified()
    .use(remarkParse)
    .use(remarkMath)
    .use(remarkVram, options)
    .use(remarkRehype)
    .use(rehypeKatex)
    .use(rehypeStringify)
}

describe('plain unified', () => {
  test('renders tables, KaTeX and mermaid to HTML', () => {
    const html = String(pipeline().processSync(doc))
    expect(html).toContain('<table>')
    expect(html).toContain('<td align="right">30.1</td>')
    // Three components × (formula, substituted), the total's formula, and the writer's $a^2$.
    expect(html.match(/class="katex"/g)?.length).toBe(8)
    expect(html).not.toContain('katex-error')
    expect(html).toContain('<pre><code class="language-mermaid">flowchart TD')
    expect(html).toContain('The KV cache takes 30.1 GB')
  })

  test('`mermaid: pre` gives pre.mermaid', () => {
    const html = String(pipeline({mermaid: 'pre'}).processSync(doc))
    expect(html).toContain('<pre class="mermaid">flowchart TD')
    expect(html).not.toContain('language-mermaid')
  })

  for (const document of documents) {
    test(`fixture ${document.name}`, async () => {
      const file = new VFile({path: document.path, value: document.value})
      const html = String(await pipeline(document.options).process(file))
      expect(html).not.toContain('katex-error')
      if (document.value.includes('formulas')) expect(html).toContain('class="katex"')
    })
  }
})
