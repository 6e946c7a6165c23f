/**
 * Every page of the built site as readers get it, in Debian's Chromium
 * (playwright-core): at 1280 px in the light scheme and at 390 px (a phone)
 * in the dark one, with axe-core (from npm, injected into the page) finding no
 * serious or critical violation, and no page wider than the phone's screen.
 * Article pages load at most 100 KiB of JavaScript and show their decision
 * charts with JavaScript off; the playground keeps its block in the URL.
 * Screenshots of each page at both widths go to test-output/site/readers/.
 */
import {existsSync, mkdirSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import type {AddressInfo} from 'node:net'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {buildSite, buildTimeout, distDir, filesUnder, outputDir, siteDir} from './helpers.js'
import {serveStatic} from './static-server.js'

type Browser = import('playwright-core').Browser
type Page = import('playwright-core').Page

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const haveChromium = existsSync(chromium)
if (!haveChromium && process.env.CI) {
  throw new Error(`Chromium is missing at ${chromium} (.ci/run installs Debian's chromium)`)
}

const require = createRequire(path.join(siteDir, 'package.json'))
const shots = path.join(outputDir, 'readers')
let browser: Browser
let server: import('node:http').Server
let base = ''
let axeSource = ''
/** Every page of the build, as URL paths (`/`, `/zh/`, `/en/fine-tuning/`, …). */
let pages: string[] = []

beforeAll(async () => {
  await buildSite()
  pages = filesUnder(distDir)
    .filter((file) => file.endsWith('index.html'))
    .map((file) => `/${file.replace(/index\.html$/, '')}`)
    .sort()
  server = await serveStatic(distDir)
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
  const playwright = (await import(
    require.resolve('playwright-core')
  )) as typeof import('playwright-core')
  browser = await playwright.chromium.launch({
    executablePath: chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  mkdirSync(shots, {recursive: true})
}, buildTimeout)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
})

const isArticle = (url: string) => url !== '/' && !url.startsWith('/playground')

async function open(
  url: string,
  options: {width: number; scheme: 'light' | 'dark'; javaScript?: boolean},
): Promise<Page> {
  const page = await browser.newPage({
    viewport: {width: options.width, height: 844},
    colorScheme: options.scheme,
    javaScriptEnabled: options.javaScript ?? true,
  })
  await page.route('**/*', (route) =>
    new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort(),
  )
  await page.goto(`${base}${url}`, {waitUntil: 'load'})
  if (url.startsWith('/playground') && options.javaScript !== false)
    await page.locator('#editor[data-ready]').waitFor({state: 'attached'})
  return page
}

interface Violation {
  id: string
  impact: string | null
  nodes: Array<{target: unknown[]; failureSummary?: string}>
}

async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({content: axeSource})
  const violations = (await page.evaluate(async () => {
    const run = (window as unknown as {axe: {run: (context: Document) => Promise<unknown>}}).axe
    return ((await run.run(document)) as {violations: unknown[]}).violations
  })) as Violation[]
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.nodes
          .slice(0, 3)
          .map((node) => `${node.target.join(' ')} (${node.failureSummary ?? ''})`)
          .join('; ')}`,
    )
}

const name = (url: string) => url.replace(/^\/|\/$/g, '').replace(/\//g, '-') || 'index'

describe.skipIf(!haveChromium)('every page, for every reader', () => {
  it('finds the pages: articles in both languages, the index and the playground', () => {
    for (const url of ['/', '/zh/', '/en/', '/zh/fine-tuning/', '/en/fine-tuning/', '/playground/'])
      expect(pages).toContain(url)
  })

  for (const [width, scheme] of [
    [1280, 'light'],
    [390, 'dark'],
  ] as const) {
    it(`has no serious or critical axe violation and no sideways scroll at ${width} px, ${scheme}`, async () => {
      const problems: string[] = []
      for (const url of pages) {
        const page = await open(url, {width, scheme})
        for (const violation of await axe(page)) problems.push(`${url}: ${violation}`)
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth)
        if (scrollWidth > width) problems.push(`${url}: ${scrollWidth} px wide at ${width} px`)
        await page.screenshot({
          path: path.join(shots, `${name(url)}-${width}-${scheme}.png`),
          fullPage: true,
        })
        await page.close()
      }
      expect(problems).toEqual([])
    }, 300_000)
  }

  it('links every page from every page, with a skip link to the content', async () => {
    const missing: string[] = []
    for (const url of pages) {
      const page = await open(url, {width: 1280, scheme: 'light', javaScript: false})
      const links = await page.evaluate(() =>
        [...document.querySelectorAll('a[href]')].map(
          (link) => new URL((link as HTMLAnchorElement).href).pathname,
        ),
      )
      for (const target of pages) if (!links.includes(target)) missing.push(`${url} → ${target}`)
      expect(await page.locator('a.skip-link[href="#main"]').count(), url).toBe(1)
      expect(await page.locator('main#main').count(), url).toBe(1)
      await page.close()
    }
    expect(missing).toEqual([])
  }, 120_000)

  it('loads at most 100 KiB of JavaScript on article pages, and no chart runtime', async () => {
    for (const url of pages.filter(isArticle)) {
      const page = await browser.newPage()
      let bytes = 0
      const scripts: string[] = []
      page.on('response', async (response) => {
        if (response.request().resourceType() !== 'script') return
        scripts.push(response.url())
        bytes += (await response.body()).length
      })
      await page.goto(`${base}${url}`, {waitUntil: 'networkidle'})
      bytes += await page.evaluate(() =>
        [...document.querySelectorAll('script:not([src])')].reduce(
          (sum, script) => sum + (script.textContent?.length ?? 0),
          0,
        ),
      )
      expect(bytes, `${url}: ${scripts.join(', ')}`).toBeLessThanOrEqual(100 * 1024)
      expect(scripts.filter((script) => /mermaid|cytoscape/.test(script))).toEqual([])
      await page.close()
    }
  }, 120_000)

  it('shows the decision charts with JavaScript off: SVG, readable at 390 px, and the path as text', async () => {
    const withCharts = pages.filter(isArticle)
    for (const url of withCharts) {
      const page = await open(url, {width: 390, scheme: 'dark', javaScript: false})
      const chart = page.locator('figure.decision-chart').first()
      expect(await chart.count(), url).toBe(1)
      const svg = chart.locator('svg[role="img"]')
      expect(await svg.locator('.dc-step').count(), url).toBeGreaterThan(3)
      // Drawn at (nearly) its own size: 13-unit labels stay at least 12 px on a phone.
      const box = await svg.boundingBox()
      expect(box?.width ?? 0, url).toBeGreaterThan(340)
      // The accessible description is the ordered path, one item per step.
      const described = await svg.getAttribute('aria-describedby')
      const steps = await page.locator(`#${described} > li`).count()
      expect(steps).toBe(await svg.locator('.dc-step').count())
      await chart.screenshot({path: path.join(shots, `${name(url)}-chart-390-dark.png`)})
      await page.close()
    }
  }, 120_000)

  it('keeps wide tables in focusable, named scroll regions', async () => {
    const page = await open('/en/', {width: 390, scheme: 'dark'})
    const regions = page.locator('.table-scroll[role="region"]')
    expect(await regions.count()).toBeGreaterThan(3)
    for (const region of await regions.all()) {
      expect(await region.getAttribute('tabindex')).toBe('0')
      expect(await region.getAttribute('aria-label')).toMatch(/^Table: \S/)
      expect(await region.evaluate((node) => node.scrollWidth > node.clientWidth)).toBe(true)
      // The visible cue: a line above the table says it scrolls.
      const hint = await region.evaluate((node) => getComputedStyle(node, '::before').content)
      expect(hint).toContain('Scroll sideways')
    }
    // The errata keep every column on screen: one card per erratum.
    const cell = page.locator('aside.errata td.num strong').first()
    const box = await cell.boundingBox()
    expect((box?.x ?? 999) + (box?.width ?? 0)).toBeLessThanOrEqual(390)
    await page.close()
  }, 60_000)

  it('keeps the playground block in the URL: reload, back and forward, shared link', async () => {
    const page = await open('/playground/', {width: 1280, scheme: 'light'})
    const content = page.locator('.cm-content')
    await content.click()
    await page.keyboard.press('Control+End')
    await page.keyboard.type('\nunits: GiB')
    await page.waitForFunction(() =>
      new URLSearchParams(location.hash.slice(1)).get('block')?.includes('units: GiB'),
    )
    const shared = page.url()
    // Another example is another history entry; back returns to the edited block.
    await page.selectOption('#preset', 'advice')
    await page.waitForFunction(() =>
      new URLSearchParams(location.hash.slice(1)).get('block')?.includes('show: [advice]'),
    )
    await page.goBack()
    await page.waitForFunction(() =>
      document.querySelector('.cm-content')?.textContent?.includes('units: GiB'),
    )
    await page.goForward()
    await page.waitForFunction(() =>
      document.querySelector('.cm-content')?.textContent?.includes('show: [advice]'),
    )
    // The link opens the same block in a new page, and a reload keeps it.
    const other = await browser.newPage()
    await other.goto(shared, {waitUntil: 'load'})
    await other.locator('#editor[data-ready]').waitFor({state: 'attached'})
    expect(await other.locator('.cm-content').textContent()).toContain('units: GiB')
    await other.reload()
    await other.locator('#editor[data-ready]').waitFor({state: 'attached'})
    expect(await other.locator('.cm-content').textContent()).toContain('units: GiB')
    await other.waitForFunction(() =>
      document.querySelector('#total')?.textContent?.includes('GiB'),
    )
    await other.close()
    await page.close()
  }, 60_000)

  it('lets the keyboard leave the editor (Esc then Tab) and announces diagnostics', async () => {
    const page = await open('/playground/', {width: 1280, scheme: 'light'})
    const content = page.locator('.cm-content')
    await content.click()
    await page.keyboard.press('Tab')
    expect(
      await page.evaluate(() => document.activeElement?.classList.contains('cm-content')),
    ).toBe(true)
    await page.keyboard.press('Escape')
    await page.keyboard.press('Tab')
    expect(
      await page.evaluate(() => document.activeElement?.classList.contains('cm-content')),
    ).toBe(false)
    // A typo: the diagnostic is announced in a live region.
    await content.click()
    await page.keyboard.press('Control+Home')
    await page.keyboard.type('sqe: 1\n')
    await page.waitForFunction(() =>
      document.querySelector('#announce[aria-live]')?.textContent?.includes('sqe'),
    )
    // Completion offers keys from vram-core's declaration.
    await page.keyboard.type('ser')
    await page.keyboard.press('Control+Space')
    await page.locator('.cm-tooltip-autocomplete li', {hasText: 'serve'}).first().waitFor()
    await page.close()
  }, 60_000)
})
