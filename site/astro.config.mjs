// @ts-check

import {defineConfig} from 'astro/config'
import vram from 'astro-vram'
import {rehypeHeadingAnchors, rehypeTableRegions} from './plugins/rehype-reader.mjs'
import remarkArch from './plugins/remark-arch.mjs'
import remarkDecisionChart from './plugins/remark-decision-chart.mjs'
import remarkErrata from './plugins/remark-errata.mjs'
import remarkVramAnchors from './plugins/remark-vram-anchors.mjs'

// The demo site of remark-vram. Every ```vram block in src/pages/*.md is
// computed at build time by the astro-vram integration, which also brings
// remark-math, rehype-katex, KaTeX's CSS and fonts; nothing is fetched from the
// network. The decision charts are drawn at build time as inline SVG by a
// site plugin (the path taken, one step under another, readable on a phone),
// so article pages load no chart runtime.
export default defineConfig({
  trailingSlash: 'ignore',
  build: {format: 'directory'},
  integrations: [
    vram({
      // Labels in the page's language: `lang` in each page's frontmatter.
      getLocale: (/** @type {import('vfile').VFile} */ file) =>
        /** @type {any} */ (file.data).astro?.frontmatter?.lang,
      errors: 'fatal',
      // remark-vram's chart stays a `<pre class="mermaid">` that remarkDecisionChart redraws.
      diagrams: false,
      // The errata box reads what remark-vram found (`file.data.vram`).
      afterRemarkPlugins: [remarkErrata, remarkDecisionChart],
    }),
  ],
  markdown: {
    // Site-only plugins, run before remark-vram: anchors before each block
    // (for the errata box's links) and `arch:` references to a preset's shape.
    remarkPlugins: [remarkVramAnchors, remarkArch],
    // Ids and self-links on headings; wide tables scroll in a focusable, named region.
    rehypePlugins: [rehypeHeadingAnchors, rehypeTableRegions],
  },
})
