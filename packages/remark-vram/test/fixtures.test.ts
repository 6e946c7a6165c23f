/**
 * Fixtures in the remark-gfm style: `fixtures/<case>/input.md` (and an
 * optional `config.json` of plugin options) → `output.md` (remark-stringify
 * with GFM and math) and `output.html` (remark-rehype, rehype-katex,
 * rehype-stringify); `messages.json` when the file has messages and
 * `data.json` when it has `expect` checks. Missing outputs are written;
 * `UPDATE=1` rewrites them all.
 */
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
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

function check(folder: string, name: string, actual: string): void {
  const path = join(folder, name)
  if (update || !existsSync(path)) writeFileSync(path, actual)
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
      if (file.messages.length > 0) {
        const messages = file.messages.map((message) => ({
          line: message.line,
          column: message.column,
          ruleId: message.ruleId,
          fatal: message.fatal,
          reason: message.reason,
        }))
        check(folder, 'messages.json', `${JSON.stringify(messages, null, 2)}\n`)
      }
      const data = file.data.vram
      if (data?.blocks.some((block) => block.expectations.length > 0)) {
        const {version: _version, ...rest} = data
        check(folder, 'data.json', `${JSON.stringify(rest, null, 2)}\n`)
      }
    })
  }
})
