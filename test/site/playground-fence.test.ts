/**
 * The playground wraps the editor's text in a ```vram fence: whatever the
 * writer types (backticks, tildes, `javascript:` links, CR line endings) stays
 * the code block's text, never markdown of its own. Runs in Node, without the
 * site build.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {vramFence} from '../../site/src/scripts/fence.js'
import {
  rehypeStringify,
  remarkGfm,
  remarkMath,
  remarkParse,
  remarkRehype,
  remarkVram,
  unified,
} from '../hosts/shared.js'

function parse(markdown: string) {
  return unified().use(remarkParse).use(remarkGfm).use(remarkMath).parse(markdown)
}

/** What micromark keeps of a code line: line endings as LF, NUL as U+FFFD. */
function normalised(body: string): string {
  return body.replace(/\r\n?/g, '\n').replaceAll('\0', '\uFFFD')
}

describe('the playground fence', () => {
  it('keeps a typed closing fence and a javascript: link inside the block', () => {
    const body = 'model: llama-2-7b\n```\n\n[click me](javascript:alert(1))\n````\n~~~'
    const tree = parse(vramFence(body))
    expect(tree.children).toHaveLength(1)
    expect(tree.children[0]).toMatchObject({type: 'code', lang: 'vram', value: body})
    // Through the plugin to HTML, as the playground renders it: no link, the text stays code.
    const html = String(
      unified()
        .use(remarkParse)
        .use(remarkGfm)
        .use(remarkMath)
        .use(remarkVram, {errors: 'warn'})
        .use(remarkRehype)
        .use(rehypeStringify)
        .processSync(vramFence(body)),
    )
    expect(html).not.toMatch(/<a\b/)
    expect(html).toContain('[click me](javascript:alert(1))')
  })

  it('holds any text as exactly one vram code block (fuzzed)', () => {
    const piece = fc.oneof(
      fc.string({maxLength: 12}),
      fc.constantFrom(
        '`',
        '```',
        '````',
        '~~~',
        '\n',
        '\r',
        '\r\n',
        '    ',
        '> ',
        '- ',
        '[x](javascript:alert(1))',
        '<script>',
        '\0',
      ),
    )
    fc.assert(
      fc.property(fc.array(piece, {maxLength: 20}), (pieces) => {
        const body = pieces.join('')
        const tree = parse(vramFence(body))
        expect(tree.children).toHaveLength(1)
        expect(tree.children[0]).toMatchObject({type: 'code', lang: 'vram'})
        expect((tree.children[0] as {value: string}).value).toBe(normalised(body))
      }),
      {seed: 13, numRuns: 1000},
    )
  })
})
