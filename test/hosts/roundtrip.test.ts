/**
 * remark-stringify with remark-gfm and remark-math: the output is markdown
 * that parses back to the same tables (cells, inline math, alignment).
 */
import {describe, expect, test} from 'vitest'
import {
  documents,
  type Nodes,
  parseMarkdown,
  type Root,
  type Table,
  toMarkdown,
  transform,
  VFile,
} from './shared.js'

function cellText(node: Nodes): string {
  if (node.type === 'inlineMath') return `$${node.value}$`
  if ('value' in node) return node.value
  if ('children' in node) return node.children.map((child) => cellText(child as Nodes)).join('')
  return ''
}

function tables(tree: Root) {
  const out: Array<{align: Table['align']; rows: string[][]}> = []
  const walk = (node: Nodes) => {
    if (node.type === 'table') {
      out.push({
        align: node.align,
        rows: node.children.map((row) => row.children.map((cell) => cellText(cell))),
      })
      return
    }
    if ('children' in node) for (const child of node.children) walk(child as Nodes)
  }
  walk(tree)
  return out
}

describe('markdown round trip', () => {
  for (const document of documents) {
    test(document.name, () => {
      const tree = transform(
        new VFile({path: document.path, value: document.value}),
        document.options,
      )
      const markdown = toMarkdown(tree)
      const back = parseMarkdown(markdown)
      expect(tables(back)).toEqual(tables(tree))
      // Stable: serialising the re-parsed tree gives the same markdown.
      expect(toMarkdown(back)).toBe(markdown)
    })
  }

  test('inline math in tables comes back as inline math', () => {
    const doc = '```vram\nmodel: llama-2-7b\nshow: [breakdown, formulas]\n```\n'
    const back = parseMarkdown(toMarkdown(transform(new VFile(doc))))
    const maths = JSON.stringify(back).match(/"type":"inlineMath"/g)
    expect(maths?.length).toBe(7)
  })
})
