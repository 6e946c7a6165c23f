/**
 * Site-only wiring: copies remark-vram's `file.data.vram.errata` into the Astro
 * page's frontmatter, where the article layout reads it to draw the errata box.
 * Runs after remark-vram (list it after remark-vram in `remarkPlugins`).
 *
 * @returns {(tree: unknown, file: import('vfile').VFile) => void}
 */
export default function remarkErrata() {
  return (_tree, file) => {
    /** @type {any} */
    const data = file.data
    const vram = data.vram
    // On a page without blocks (the benchmark's pre-expanded pages) the frontmatter already has them.
    if (!vram || vram.blocks.length === 0) return
    data.astro ??= {}
    data.astro.frontmatter ??= {}
    const frontmatter = data.astro.frontmatter
    frontmatter.errata = vram.errata.map((entry) => JSON.parse(JSON.stringify(entry)))
    frontmatter.vram_blocks = vram.blocks.length
  }
}
