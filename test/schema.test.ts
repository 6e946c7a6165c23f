/**
 * `vram schema` (vram-core's `blockSchema`, JSON Schema draft 2020-12, spec §8)
 * accepts every block the repository's documents hold: the READMEs, the site,
 * the plugin's fixtures and the host fixtures. Checked with Ajv's 2020-12
 * build, the validator editors' YAML support is built on, not with vram's
 * own reader.
 */
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {Ajv2020} from 'ajv/dist/2020.js'
import {describe, expect, it} from 'vitest'
import {blockSchema} from '../packages/vram-core/src/input/keys.js'
import {parseBlockSource} from '../packages/vram-core/src/input/yaml-source.js'
import {evaluateBlock} from '../packages/vram-core/src/output/evaluate.js'

const parse = (body: string): unknown => parseBlockSource(body).value

const root = new URL('../', import.meta.url)
const documents = execFileSync('git', ['ls-files', '*.md', '*.mdx'], {cwd: root, encoding: 'utf8'})
  .split('\n')
  .filter(Boolean)

/** Every ```vram block body with where it is. */
const blocks = documents.flatMap((file) => {
  const text = readFileSync(new URL(file, root), 'utf8')
  return [...text.matchAll(/^```vram[^\n]*\n([\s\S]*?)^```/gm)].map((match) => {
    const line = text.slice(0, match.index).split('\n').length
    return {where: `${file}:${line}`, body: match[1] ?? ''}
  })
})

const validate = new Ajv2020({allErrors: true, strict: true, allowUnionTypes: true}).compile(
  blockSchema(),
)

describe('vram schema', () => {
  it('is a valid draft 2020-12 schema', () => {
    expect(typeof validate).toBe('function')
  })

  it('accepts every block the reader accepts, in every document of the repository', () => {
    const readable = blocks.filter(({body}) => {
      const {diagnostics} = evaluateBlock(parse(body) as Record<string, unknown>)
      return !diagnostics.some((entry) => entry.severity === 'error')
    })
    expect(readable.length).toBeGreaterThan(100)
    const rejected = readable
      .filter(({body}) => !validate(parse(body)))
      .map(({where}) => `${where}: ${JSON.stringify(validate.errors)}`)
    expect(rejected).toEqual([])
  })

  it('rejects what the reader rejects by shape: an unknown key, a bad value, a value past its limit', () => {
    expect(validate({model: 'llama-2-7b', modle: 'x'})).toBe(false)
    expect(validate({model: 'llama-2-7b', mode: 'serving'})).toBe(false)
    expect(
      validate({model: 'llama-2-7b', serve: {engine: 'vllm', gpu_memory_utilization: 1.5}}),
    ).toBe(false)
    expect(validate({model: 'llama-2-7b', batch: 2 ** 30})).toBe(false)
    expect(validate({model: 'llama-2-7b', parallel: {zero: 4}})).toBe(false)
    expect(validate({model: 'llama-2-7b', serve: {engine: 'vllm', 'max-model-len': 8192}})).toBe(
      true,
    )
  })
})
