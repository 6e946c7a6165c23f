/**
 * A part of a document compiled alone, as Docusaurus compiles a blog post's
 * excerpt (the text above `<!-- truncate -->`, with the post's path):
 * references to blocks below the marker resolve from the file on disk, to
 * the same figures as in the whole post; a reference to no block at all is
 * still an error at its place.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {remarkParse, remarkStringify, remarkVram, unified, VFile} from './shared.js'

const folder = mkdtempSync(join(tmpdir(), 'remark-vram-excerpt-'))
afterAll(() => rmSync(folder, {recursive: true, force: true}))

const excerpt = 'Serving Llama 2 70B takes `vram:serve.total` per GPU.\n'
const post = `${excerpt}
<!-- truncate -->

\`\`\`vram id=serve
model: llama-2-70b
gpu: h100-sxm-80gb
parallel: {tp: 2}
show: [summary]
\`\`\`
`

function markdown(value: string, path: string): {out: string; file: VFile} {
  const file = new VFile({path, value})
  const processor = unified().use(remarkParse).use(remarkVram).use(remarkStringify)
  const out = String(processor.processSync(file))
  return {out, file}
}

describe('a blog excerpt compiled alone', () => {
  test('resolves a reference to a block below the truncate marker, as the whole post does', () => {
    const path = join(folder, 'post.md')
    writeFileSync(path, post)
    const whole = /takes ([\d.]+ GB) per GPU/.exec(markdown(post, path).out)?.[1]
    expect(whole).toMatch(/^\d/)
    const {out, file} = markdown(excerpt, path)
    expect(out).toBe(`Serving Llama 2 70B takes ${whole} per GPU.\n`)
    expect(file.messages).toEqual([])
  })

  test('a reference to no block anywhere is still reported at its place', () => {
    const path = join(folder, 'other.md')
    writeFileSync(path, post.replace('id=serve', 'id=other'))
    let error: unknown
    try {
      markdown(excerpt, path)
    } catch (thrown) {
      error = thrown
    }
    expect(error).toMatchObject({
      reason:
        'Unknown reference `vram:serve.total`: no block has the id `serve`; add `id: NAME` to a block',
      ruleId: 'unknown-reference',
      line: 1,
      column: 27,
    })
  })
})
