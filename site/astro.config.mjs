// @ts-check

import {defineConfig} from 'astro/config'
import vram from 'astro-vram'
import remarkArch from './plugins/remark-arch.mjs'
import remarkErrata from './plugins/remark-errata.mjs'
import remarkVramAnchors from './plugins/remark-vram-anchors.mjs'

// The demo site of remark-vram. Every ```vram block in src/pages/*.md is
// computed at build time by the astro-vram integration, which also brings
// remark-math, rehype-katex, KaTeX's CSS and fonts, and the client script that
// draws mermaid diagrams; nothing is fetched from the network.
export default defineConfig({
  trailingSlash: 'ignore',
  build: {format: 'directory'},
  integrations: [
    vram({
      // Labels in the page's language: `lang` in each page's frontmatter.
      getLocale: (/** @type {import('vfile').VFile} */ file) =>
        /** @type {any} */ (file.data).astro?.frontmatter?.lang,
      errors: 'fatal',
      // The errata box reads what remark-vram found (`file.data.vram`).
      afterRemarkPlugins: [remarkErrata],
    }),
  ],
  markdown: {
    // Site-only plugins, run before remark-vram: anchors before each block
    // (for the errata box's links) and `arch:` references to a preset's shape.
    remarkPlugins: [remarkVramAnchors, remarkArch],
  },
  vite: {
    build: {
      // mermaid's own chunks are large; they are only loaded on pages with a diagram.
      chunkSizeWarningLimit: 4096,
    },
  },
})
