import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {writeLlama2Q4KM} from '../../vram-core/test/gguf-header.js'
import {
  remarkGfm,
  remarkMath,
  remarkParse,
  remarkStringify,
  remarkVram,
  unified,
  VFile,
} from './pipelines.js'

let folder: string
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'remark-vram-gguf-'))
  writeLlama2Q4KM(join(folder, 'model.gguf'))
})
afterAll(() => rmSync(folder, {recursive: true, force: true}))

const doc = '```vram\nmodel:\n  config: ./model.gguf\nseq: 4096\n```\n'
const processor = () =>
  unified().use(remarkParse).use(remarkGfm).use(remarkMath).use(remarkVram).use(remarkStringify)

describe('a .gguf model in a document (Node entry)', () => {
  it('reads the header before the blocks are computed (`process`)', async () => {
    const file = new VFile({path: join(folder, 'post.md'), value: doc})
    const output = String(await processor().process(file))
    expect(output).toContain('Llama 2 7B (test header)')
    expect(file.messages).toEqual([])
  })
  it('stays synchronous for documents without one', () => {
    const file = new VFile({
      path: join(folder, 'plain.md'),
      value: '```vram\nmodel: llama-2-7b\n```\n',
    })
    expect(String(processor().processSync(file))).toContain('Llama 2 7B')
  })
})
