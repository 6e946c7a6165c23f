/**
 * The pipelines the tests run (shared with the cross-host tests in the
 * repository's `test/hosts/`, which import their dependencies through here).
 */
import {compile} from '@mdx-js/mdx'
import type {Root} from 'mdast'
import rehypeKatex from 'rehype-katex'
import rehypeStringify from 'rehype-stringify'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import remarkStringify from 'remark-stringify'
import {unified} from 'unified'
import {VFile} from 'vfile'
import remarkVram, {type Options} from '../src/node.js'

export type {Nodes, Root, Table} from 'mdast'
export {default as rehypeKatex} from 'rehype-katex'
export {default as rehypeStringify} from 'rehype-stringify'
export {default as remarkStringify} from 'remark-stringify'
export {compile, remarkGfm, remarkMath, remarkParse, remarkRehype, remarkVram, unified, VFile}

/** Parses markdown with GFM and math, then runs remark-vram. */
export function transform(file: VFile, options?: Options): Root {
  const processor = unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkMath)
    .use(remarkVram, options)
  return processor.runSync(processor.parse(file), file) as Root
}

/** Serialises a tree back to markdown (GFM tables, `$` math). */
export function toMarkdown(tree: Root): string {
  return unified().use(remarkStringify).use(remarkGfm).use(remarkMath).stringify(tree)
}

/** Parses markdown with GFM and math, without remark-vram. */
export function parseMarkdown(value: string): Root {
  return unified().use(remarkParse).use(remarkGfm).use(remarkMath).parse(value)
}

/** Turns a transformed tree into HTML with KaTeX. */
export function toHtml(tree: Root, file: VFile): string {
  const processor = unified().use(remarkRehype).use(rehypeKatex).use(rehypeStringify)
  const hast = processor.runSync(structuredClone(tree), file)
  return processor.stringify(hast, file)
}
