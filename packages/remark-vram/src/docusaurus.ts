/**
 * remark-vram for Docusaurus: `markdown.parseFrontMatter`. Docusaurus takes a
 * page's title (`# …`) and its meta description (the first line of prose)
 * from the markdown text, before any remark plugin runs, so a
 * `` `vram:ID.PATH` `` reference there would reach the `<title>`, the sidebar
 * and `<meta name="description">` as raw code. This hook hands Docusaurus the
 * text with every reference replaced by its figure; the page itself is still
 * compiled from the file by MDX and remark-vram.
 */
import type {Code, InlineCode, Paragraph, Root, RootContent} from 'mdast'
import {fromMarkdown} from 'mdast-util-from-markdown'
import {visit} from 'unist-util-visit'
import {VFile} from 'vfile'
import remarkVram from './node.js'
import type {Options} from './options.js'

/** What Docusaurus passes to `markdown.parseFrontMatter`. */
export interface ParseFrontMatterParams {
  filePath: string
  fileContent: string
  defaultParseFrontMatter: (params: {
    filePath: string
    fileContent: string
  }) => Promise<ParsedFrontMatter>
}

/** What `markdown.parseFrontMatter` returns. */
export interface ParsedFrontMatter {
  frontMatter: Record<string, unknown>
  content: string
}

/**
 * Builds a `markdown.parseFrontMatter` for `docusaurus.config`: Docusaurus's
 * own parsing, then the references in the content resolved.
 *
 * @param options remark-vram's options (the same as in the plugin entries).
 */
export function createParseFrontMatter(options?: Readonly<Options> | null | undefined) {
  return async function parseFrontMatter(
    params: ParseFrontMatterParams,
  ): Promise<ParsedFrontMatter> {
    const result = await params.defaultParseFrontMatter(params)
    return {...result, content: resolveReferencesInText(result.content, params.filePath, options)}
  }
}

/** `markdown.parseFrontMatter` with remark-vram's default options. */
export const parseFrontMatter = createParseFrontMatter()

/**
 * Replaces every resolvable `` `vram:ID.PATH` `` in a markdown text by its
 * figure, as the plugin writes it. Unresolvable ones stay as they are: the
 * plugin reports them when the page is compiled.
 */
export function resolveReferencesInText(
  markdown: string,
  path: string,
  options?: Readonly<Options> | null | undefined,
): string {
  if (!markdown.includes('vram:')) return markdown
  const tree = fromMarkdown(markdown)
  const blocks: Code[] = []
  const references: InlineCode[] = []
  visit(tree, (node) => {
    if (node.type === 'code' && node.lang === 'vram') blocks.push(node)
    else if (node.type === 'inlineCode' && node.value.startsWith('vram:')) references.push(node)
  })
  if (references.length === 0) return markdown
  // A document of the blocks, then each reference alone in a paragraph.
  const paragraphs: Paragraph[] = references.map((node) => ({
    type: 'paragraph',
    children: [{...node}],
  }))
  const probe: Root = {
    type: 'root',
    children: [...blocks.map((node): RootContent => ({...node})), ...paragraphs],
  }
  const file = new VFile({path, value: markdown})
  // A preprocessor is synchronous: no `next` callback, and no `.gguf` header is awaited here.
  remarkVram({...options, errors: 'warn', show: [], references: true})(probe, file, () => {})
  let out = markdown
  for (const [index, node] of [...references.entries()].reverse()) {
    const children = paragraphs[index]?.children ?? []
    const start = node.position?.start.offset
    const end = node.position?.end.offset
    const resolved =
      children.length === 1 && children[0]?.type === 'text' ? children[0].value : null
    if (resolved === null || start === undefined || end === undefined) continue
    out = out.slice(0, start) + resolved + out.slice(end)
  }
  return out
}
