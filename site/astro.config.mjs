// @ts-check
import {defineConfig} from 'astro/config'
import rehypeKatex from 'rehype-katex'
import remarkMath from 'remark-math'
import remarkVram from 'remark-vram'
import {engineVersion} from 'vram-core'
import remarkArch from './plugins/remark-arch.mjs'
import remarkErrata from './plugins/remark-errata.mjs'
import remarkVramAnchors from './plugins/remark-vram-anchors.mjs'

// The demo site of remark-vram. Every ```vram block in src/pages/*.md is
// computed at build time; nothing is fetched from the network (KaTeX's CSS and
// fonts and mermaid are bundled from their npm packages).
export default defineConfig({
  trailingSlash: 'ignore',
  build: {format: 'directory'},
  markdown: {
    remarkPlugins: [
      remarkMath,
      remarkVramAnchors,
      [
        remarkVram,
        {
          // Labels in the page's language: `lang` in each page's frontmatter.
          getLocale: (/** @type {import('vfile').VFile} */ file) =>
            file.data.astro?.frontmatter?.lang,
          // `pre.mermaid`, which Shiki leaves alone and the client script draws.
          mermaid: 'pre',
          errors: 'fatal',
          // Part of the options so Astro's config hash (and any cached render)
          // changes whenever the engine's figures may change.
          version: engineVersion,
        },
      ],
      remarkArch,
      remarkErrata,
    ],
    rehypePlugins: [rehypeKatex],
    syntaxHighlight: {type: 'shiki', excludeLangs: ['mermaid', 'math']},
  },
  vite: {
    build: {
      // mermaid's own chunks are large; they are only loaded on pages with a diagram.
      chunkSizeWarningLimit: 4096,
    },
  },
})
