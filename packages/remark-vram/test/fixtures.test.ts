/**
 * Fixtures in the remark-gfm style: `fixtures/<case>/input.md` (and an
 * optional `config.json` of plugin options) → `output.md` (remark-stringify
 * with GFM and math) and `output.html` (remark-rehype, rehype-katex,
 * rehype-stringify); `messages.json` when the file has messages and
 * `data.json` when it has `expect` checks. A missing output fails, as does
 * a `messages.json` or `data.json` the file no longer calls for: `UPDATE=1`
 * writes (and removes) them, to be read by eye before committing.
 */
import {existsSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, test} from 'vitest'
import {toHtml, toMarkdown, transform, VFile} from './pipelines.js'

const root = fileURLToPath(new URL('fixtures/', import.meta.url))
const update = Boolean(process.env.UPDATE)
const cases = readdirSync(root, {withFileTypes: true})
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()

/** Compares `actual` with the fixture file `name`; `undefined`: there must be no such file. */
function check(folder: string, name: string, actual: string | undefined): void {
  const path = join(folder, name)
  if (update) {
    if (actual === undefined) rmSync(path, {force: true})
    else writeFileSync(path, actual)
  }
  if (actual === undefined) {
    expect(existsSync(path), `${name} is no longer produced; run with UPDATE=1 to remove it`).toBe(
      false,
    )
    return
  }
  expect(existsSync(path), `${name} is missing; run with UPDATE=1 to write it`).toBe(true)
  expect(actual, `${name} differs; run with UPDATE=1 to accept`).toBe(readFileSync(path, 'utf8'))
}

describe('fixtures', () => {
  test('there are fixtures', () => {
    expect(cases.length).toBeGreaterThan(20)
  })

  for (const name of cases) {
    test(name, () => {
      const folder = join(root, name)
      const configPath = join(folder, 'config.json')
      const options = existsSync(configPath)
        ? JSON.parse(readFileSync(configPath, 'utf8'))
        : undefined
      const path = join(folder, 'input.md')
      const file = new VFile({path, value: readFileSync(path, 'utf8')})
      const tree = transform(file, options)
      check(folder, 'output.md', toMarkdown(tree))
      check(folder, 'output.html', `${toHtml(tree, file)}\n`)
      const messages = file.messages.map((message) => ({
        line: message.line,
        column: message.column,
        ruleId: message.ruleId,
        fatal: message.fatal,
        reason: message.reason,
      }))
      check(
        folder,
        'messages.json',
        messages.length > 0 ? `${JSON.stringify(messages, null, 2)}\n` : undefined,
      )
      const data = file.data.vram
      const {version: _version, ...rest} = data ?? {}
      check(
        folder,
        'data.json',
        data?.blocks.some((block) => block.expectations.length > 0)
          ? `${JSON.stringify(rest, null, 2)}\n`
          : undefined,
      )
    })
  }
})
