/**
 * astro-vram's dev server (issue 25): a page whose block names a `.gguf` file
 * shows "no such file" until the file appears, then its figures, without a
 * restart and without touching the page; a changed file is read again.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, test} from 'vitest'
import {llama2Q4KMHeader, writeLlama2Q4KM} from '../../vram-core/test/gguf-header.js'

const root = fileURLToPath(new URL('fixtures/dev/', import.meta.url))
const model = join(root, 'src/pages/model.gguf')
const packageRequire = createRequire(new URL('../package.json', import.meta.url))
const astroBin = join(dirname(packageRequire.resolve('astro/package.json')), 'astro.js')
const port = 4391
let server: ChildProcess | undefined

afterAll(() => {
  server?.kill()
  rmSync(model, {force: true})
})

/** The page's HTML, once the dev server answers. */
async function page(): Promise<string> {
  for (let attempt = 0; attempt < 240; attempt++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`)
      if (response.ok) return await response.text()
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 500))
  }
  throw new Error('the dev server did not answer')
}

/** The page once `predicate` holds (the watcher reacts within a second or two). */
async function pageWhen(predicate: (html: string) => boolean): Promise<string> {
  let html = ''
  for (let attempt = 0; attempt < 40; attempt++) {
    html = await page()
    if (predicate(html)) return html
    await new Promise((done) => setTimeout(done, 500))
  }
  return html
}

describe('astro-vram dev server', () => {
  test('a .gguf file that appears or changes is read again, the page untouched', async () => {
    rmSync(model, {force: true})
    server = spawn(
      process.execPath,
      [astroBin, 'dev', '--root', root, '--host', '127.0.0.1', '--port', String(port)],
      {env: {...process.env, ASTRO_TELEMETRY_DISABLED: '1'}, stdio: 'ignore'},
    )
    /** What the page says of the model: its notice, or the model's name. */
    const said = (html: string) =>
      html.match(/Cannot read <code>[^<]*<\/code>: [^;<]*|Llama 2 7B \(test header\)/)?.[0]
    expect(said(await page())).toBe('Cannot read <code>./model.gguf</code>: no such file')
    writeLlama2Q4KM(model)
    const read = await pageWhen((html) => said(html) === 'Llama 2 7B (test header)')
    expect(said(read)).toBe('Llama 2 7B (test header)')
    // Cut short (a download restarted): refused, not half its weights.
    writeFileSync(model, llama2Q4KMHeader())
    const cut = await pageWhen((html) => said(html) !== 'Llama 2 7B (test header)')
    expect(said(cut)).toBe(
      'Cannot read <code>./model.gguf</code>: the file ends before its tensor data does (truncated: a download cut short?)',
    )
  }, 180_000)
})
