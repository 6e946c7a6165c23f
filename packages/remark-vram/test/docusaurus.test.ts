/**
 * `remark-vram/docusaurus`: Docusaurus reads a page's title and meta
 * description from the markdown text before remark runs, so the hook must
 * hand it the text with references resolved to the figures the plugin prints.
 * (The real build is test/hosts/docusaurus.test.ts.)
 */

import type {Root} from 'mdast'
import {VFile} from 'vfile'
import {describe, expect, test} from 'vitest'
import {createParseFrontMatter, resolveReferencesInText} from '../src/docusaurus.js'
import {remarkVram} from '../src/node.js'

const doc = `# Serving \`vram:qwen.model\`

It needs \`vram:qwen.total\`, and \`vram:nope.total\` is not a block.

\`\`\`vram id=qwen
model: Qwen/Qwen2.5-7B
batch: 16
seq: 32768
\`\`\`
`

/** What the plugin itself prints for a reference, in a paragraph of its own. */
function printed(reference: string): string {
  const tree: Root = {
    type: 'root',
    children: [
      {
        type: 'code',
        lang: 'vram',
        meta: 'id=qwen',
        value: 'model: Qwen/Qwen2.5-7B\nbatch: 16\nseq: 32768',
      },
      {type: 'paragraph', children: [{type: 'inlineCode', value: reference}]},
    ],
  }
  remarkVram()(tree, new VFile(), () => {})
  const paragraph = tree.children.at(-1)
  return paragraph?.type === 'paragraph' && paragraph.children[0]?.type === 'text'
    ? paragraph.children[0].value
    : ''
}

describe('remark-vram/docusaurus', () => {
  test('references become the plugin’s figures; unknown ones and the block stay as written', () => {
    const out = resolveReferencesInText(doc, 'doc.md')
    expect(printed('vram:qwen.total')).toMatch(/^\d+(\.\d+)? GB$/)
    expect(out).toContain(`# Serving ${printed('vram:qwen.model')}\n`)
    expect(out).toContain(`It needs ${printed('vram:qwen.total')}, and \`vram:nope.total\``)
    expect(out.slice(out.indexOf('```vram'))).toBe(doc.slice(doc.indexOf('```vram')))
  })

  test('a text without references is returned as it is', () => {
    const text = '# Title\n\nNo figures here.\n'
    expect(resolveReferencesInText(text, 'doc.md')).toBe(text)
  })

  test('parseFrontMatter keeps Docusaurus’s front matter and resolves the content', async () => {
    const parse = createParseFrontMatter({units: 'GiB'})
    const result = await parse({
      filePath: 'doc.md',
      fileContent: `---\ntitle: x\n---\n${doc}`,
      defaultParseFrontMatter: async ({fileContent}) => ({
        frontMatter: {title: 'x'},
        content: fileContent.replace(/^---\n[\s\S]*?\n---\n/, ''),
      }),
    })
    expect(result.frontMatter).toEqual({title: 'x'})
    expect(result.content).toMatch(/It needs \d+(\.\d+)? GiB,/)
  })
})
