/**
 * The `models` option: Hub models pinned by `vram models pull`, given as data
 * or found as `vram.models.json` above the markdown file (Node entry).
 * The config is Qwen2.5-7B's from `vram-core/test/reference/models.json`
 * (source there); 7,615,616,512 is that file's hand derivation.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import browserVram from '../src/index.js'
import {remarkParse, remarkVram, toMarkdown, transform, unified, VFile} from './pipelines.js'

const references = JSON.parse(
  readFileSync(new URL('../../vram-core/test/reference/models.json', import.meta.url), 'utf8'),
) as {models: Array<{id: string; config: Record<string, unknown>}>}
const config = references.models.find((model) => model.id === 'Qwen/Qwen2.5-7B')?.config
const pinFile = {
  version: 1,
  models: {'test-org/qwen-7b': {revision: 'main', commit: 'a'.repeat(40), config}},
}
const doc = '```vram\nmodel: test-org/qwen-7b\nseq: 1\n```\n'

let folder: string
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'remark-vram-models-'))
  writeFileSync(join(folder, 'vram.models.json'), JSON.stringify(pinFile))
  mkdirSync(join(folder, 'docs'))
})
afterAll(() => rmSync(folder, {recursive: true, force: true}))

describe('pinned Hub models', () => {
  it('Node: the nearest vram.models.json above the file', () => {
    const file = new VFile({path: join(folder, 'docs', 'post.md'), value: doc})
    const output = toMarkdown(transform(file))
    expect(file.messages).toEqual([])
    expect(output).toContain('test-org/qwen-7b')
  })

  it('`models: false` reads none: the block shows the pull command', () => {
    const file = new VFile({path: join(folder, 'docs', 'post.md'), value: doc})
    transform(file, {models: false, errors: 'warn'})
    expect(file.messages[0]?.ruleId).toBe('unknown-model')
    expect(file.messages[0]?.place).toMatchObject({start: {line: 2, column: 8}})
    expect(String(file.messages[0]?.message)).toContain('vram models pull test-org/qwen-7b')
  })

  it('a path, relative to the working directory', () => {
    const file = new VFile({path: join(tmpdir(), 'elsewhere.md'), value: doc})
    transform(file, {models: join(folder, 'vram.models.json')})
    expect(file.messages).toEqual([])
  })

  it('browser entry: pins given as data', () => {
    const file = new VFile({value: doc})
    const processor = unified().use(remarkParse).use(browserVram, {models: pinFile})
    processor.runSync(processor.parse(file), file)
    expect(file.messages).toEqual([])
  })

  it('a malformed `models` object is the host’s bug: a TypeError', () => {
    expect(() =>
      unified()
        .use(remarkParse)
        .use(remarkVram, {models: {version: 1}})
        .freeze(),
    ).toThrow(/option `models` is not a vram.models.json/)
  })
})

describe('a vram.models.json that cannot be read', () => {
  it('the block naming a model says why, at its position', () => {
    const broken = mkdtempSync(join(tmpdir(), 'remark-vram-models-broken-'))
    try {
      writeFileSync(join(broken, 'vram.models.json'), '{"version": 1, "models": {')
      const file = new VFile({path: join(broken, 'post.md'), value: doc})
      transform(file, {errors: 'warn'})
      expect(file.messages[0]?.ruleId).toBe('unknown-model')
      expect(file.messages[0]?.place).toMatchObject({start: {line: 2, column: 8}})
      expect(String(file.messages[0]?.message)).toContain('(`vram.models.json`: cannot read')
    } finally {
      rmSync(broken, {recursive: true, force: true})
    }
  })
})
