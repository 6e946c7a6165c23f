import {visit} from 'unist-util-visit'

/** @param {any} node */
function textOf(node) {
  if (typeof node.value === 'string') return node.value
  return (node.children ?? []).map(textOf).join('')
}

/**
 * Site-only wiring: copies remark-vram's `file.data.vram.errata` into the Astro
 * page's frontmatter, where the article layout reads it to draw the errata box.
 * Each entry gets `section`: the title of the article's section its figure is
 * written in (the last heading above its line), which readers know, unlike
 * block ids. Runs after remark-vram (list it after remark-vram in `remarkPlugins`).
 *
 * @returns {(tree: unknown, file: import('vfile').VFile) => void}
 */
export default function remarkErrata() {
  return (tree, file) => {
    /** @type {any} */
    const data = file.data
    const vram = data.vram
    // On a page without blocks (the benchmark's pre-expanded pages) the frontmatter already has them.
    if (!vram || vram.blocks.length === 0) return
    data.astro ??= {}
    data.astro.frontmatter ??= {}
    const frontmatter = data.astro.frontmatter
    /** @type {Array<{line: number, text: string}>} */
    const headings = []
    visit(/** @type {any} */ (tree), 'heading', (/** @type {any} */ node) => {
      if (node.depth <= 3 && node.position) {
        headings.push({line: node.position.start.line, text: textOf(node).trim()})
      }
    })
    frontmatter.errata = vram.errata.map((/** @type {any} */ entry) => {
      const copy = JSON.parse(JSON.stringify(entry))
      const above = headings.filter((heading) => heading.line < (entry.line ?? 0)).at(-1)
      if (above) copy.section = above.text
      return copy
    })
    frontmatter.vram_blocks = vram.blocks.length
  }
}
