/**
 * Whether a built site's KaTeX stylesheet matches the KaTeX that rendered its
 * formulas, checked in Chromium: each inline formula of a built page, styled by
 * the site's own CSS, must be as wide as KaTeX's own rendering of the same TeX
 * (the `katex` that the site's rehype-katex imports) styled by that katex's own
 * `katex.min.css`. A stylesheet of another KaTeX (0.17+ renamed `.base`,
 * `.strut`, `.vlist`… to `.katex-base`…) lays the markup out differently, and
 * no stylesheet at all differs by far (the control).
 */
import {existsSync, readFileSync, statSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {createRequire} from 'node:module'
import type {AddressInfo} from 'node:net'
import {dirname, extname, join, normalize} from 'node:path'
import playwright from 'playwright-core'

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
}

export interface FormulaWidth {
  tex: string
  /** Width in the built page, with the site's CSS (px). */
  site: number
  /** Width of KaTeX's own rendering with its own CSS, same font size (px). */
  katex: number
  /** Width of KaTeX's own rendering without any stylesheet (px): the control. */
  unstyled: number
}

/** The `katex` package the fixture's rehype-katex imports: its folder and version. */
export function katexOfRehypeKatex(fixture: string): {folder: string; version: string} {
  const fromFixture = createRequire(join(fixture, 'package.json'))
  const fromRehypeKatex = createRequire(fromFixture.resolve('rehype-katex'))
  const manifest = fromRehypeKatex.resolve('katex/package.json')
  return {
    folder: dirname(manifest),
    version: (JSON.parse(readFileSync(manifest, 'utf8')) as {version: string}).version,
  }
}

/**
 * Serves `dist` (a built static site; or URL prefixes to folders, longest
 * first) and KaTeX's own rendering on 127.0.0.1, and measures up to `count`
 * inline formulas of `page` (a URL path) both ways.
 */
export async function measureFormulas(
  fixture: string,
  dist: string | Record<string, string>,
  page: string,
  count = 4,
): Promise<FormulaWidth[]> {
  const routes = Object.entries(typeof dist === 'string' ? {'/': dist} : dist).sort(
    ([a], [b]) => b.length - a.length,
  )
  const katex = katexOfRehypeKatex(fixture)
  const render = createRequire(join(katex.folder, 'package.json'))('katex') as {
    renderToString: (tex: string, options: Record<string, unknown>) => string
  }
  let reference = ''
  const server = await listen((url) => {
    if (url === '/__reference') return {body: reference, type: types['.html'] as string}
    if (url.startsWith('/__katex/')) return file(join(katex.folder, 'dist'), url.slice(8))
    const [prefix, folder] = routes.find(([prefix]) => url.startsWith(prefix)) ?? ['/', '']
    return folder ? file(folder, `/${url.slice(prefix.length)}`) : undefined
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const browser = await playwright.chromium.launch({executablePath: chromium})
  try {
    const tab = await browser.newPage()
    await tab.goto(origin + page, {waitUntil: 'networkidle'})
    await tab.evaluate(() => document.fonts.ready)
    await tab.evaluate(`globalThis.width = ${width}`)
    const site = await tab.evaluate((count) => {
      const width = (globalThis as unknown as {width: (element: Element) => number}).width
      const formulas = [...document.querySelectorAll('.katex')]
        .filter((element) => !element.closest('.katex-display'))
        .slice(0, count)
      return formulas.map((element) => ({
        tex: element.querySelector('annotation[encoding="application/x-tex"]')?.textContent ?? '',
        width: width(element),
        fontSize: getComputedStyle(element.parentElement as Element).fontSize,
      }))
    }, count)
    const results: FormulaWidth[] = []
    for (const formula of site) {
      const markup = render.renderToString(formula.tex, {throwOnError: false})
      const measure = async (styled: boolean) => {
        reference = `<!doctype html><html><head>${
          styled ? '<link rel="stylesheet" href="/__katex/katex.min.css">' : ''
        }</head><body><div style="font-size:${formula.fontSize}"><span id="formula">${markup}</span></div></body></html>`
        await tab.goto(`${origin}/__reference`, {waitUntil: 'networkidle'})
        await tab.evaluate(() => document.fonts.ready)
        return tab.evaluate(
          `(${width})(document.querySelector('#formula .katex'))`,
        ) as Promise<number>
      }
      results.push({
        tex: formula.tex,
        site: formula.width,
        katex: await measure(true),
        unstyled: await measure(false),
      })
    }
    return results
  } finally {
    await browser.close()
    server.close()
  }
}

/**
 * A formula's width however the line breaks it (an inline formula in a
 * narrow table cell wraps between its groups): the widths of the boxes of
 * its rendered groups (`.katex-html`'s children), summed. Runs in the page
 * (as source text, so that no transpiler helper leaks into it).
 */
const width = `function width(element) {
  const html = element.querySelector('.katex-html') || element
  let sum = 0
  for (const child of html.children) for (const rect of child.getClientRects()) sum += rect.width
  return sum
}`

type Response = {body: string | Buffer; type: string} | undefined

function file(root: string, url: string): Response {
  let path = normalize(join(root, decodeURIComponent(url.split('?')[0] as string)))
  if (!path.startsWith(normalize(root))) return undefined
  if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html')
  if (!existsSync(path) && existsSync(`${path}.html`)) path = `${path}.html`
  if (!existsSync(path)) return undefined
  return {body: readFileSync(path), type: types[extname(path)] ?? 'application/octet-stream'}
}

function listen(handle: (url: string) => Response): Promise<Server> {
  const server = createServer((request, response) => {
    const found = handle(request.url ?? '/')
    if (!found) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, {'content-type': found.type}).end(found.body)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}
