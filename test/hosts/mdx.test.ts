/**
 * MDX 3 (what Docusaurus 3 and Next.js compile with): every document compiles,
 * so remark-vram emits no `html` (hast `raw`) nodes.
 */
import {describe, expect, test} from 'vitest'
import {
  compile,
  documents,
  rehypeKatex,
  remarkGfm,
  remarkMath,
  remarkVram,
  VFile,
} from './shared.js'

function options(vram: Parameters<typeof remarkVram>[0]) {
  return {
    remarkPlugins: [remarkGfm, remarkMath, [remarkVram, vram] as const],
    rehypePlugins: [rehypeKatex],
  }
}

describe('@mdx-js/mdx 3', () => {
  for (const document of documents) {
    test(`compiles ${document.name}`, async () => {
      const file = new VFile({path: document.path.replace(/\.md$/, '.mdx'), value: document.value})
      const out = await compile(file, options(document.options) as never)
      expect(String(out)).toContain('export default function MDXContent')
    })
  }

  test('the Docusaurus mermaid shape is the `mermaid` component with a `value`', async () => {
    const doc = '```vram\nmodel: llama-2-70b\ngpu: h100-sxm-80gb\nshow: [advice]\n```\n'
    const out = String(await compile(doc, options({mermaid: 'docusaurus'}) as never))
    expect(out).toMatch(/_components\.mermaid/)
    expect(out).toContain('value: "flowchart TD\\n')
  })

  test('a raw html node would not compile (the failure this guards against)', async () => {
    const remarkRaw = () => (tree: {children: unknown[]}) => {
      tree.children.push({type: 'html', value: '<div>x</div>'})
    }
    await expect(compile('# x', {remarkPlugins: [remarkRaw]} as never)).rejects.toThrow(
      /Cannot handle unknown node `raw`/,
    )
  })
})
