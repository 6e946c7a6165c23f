import {existsSync, mkdirSync} from 'node:fs'
import {createRequire} from 'node:module'
import type {AddressInfo} from 'node:net'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {buildSite, buildTimeout, distDir, outputDir, siteDir} from './helpers.js'
import {serveStatic} from './static-server.js'

// End to end in a real browser: Debian's Chromium driven by playwright-core
// (the site's dev dependency; no browser download). The built site is served
// from 127.0.0.1; any request to another host is blocked and fails the test.

type Playwright = typeof import('playwright-core')
type Browser = import('playwright-core').Browser
type Page = import('playwright-core').Page

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const haveChromium = existsSync(chromium)
if (!haveChromium && process.env.CI) {
  throw new Error(`Chromium is missing at ${chromium} (.ci/run installs Debian's chromium)`)
}

let browser: Browser
let server: import('node:http').Server
let base = ''

beforeAll(async () => {
  await buildSite()
  server = await serveStatic(distDir)
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // playwright-core is a dependency of site/, so resolve it from there.
  const require = createRequire(path.join(siteDir, 'package.json'))
  const playwright = (await import(require.resolve('playwright-core'))) as Playwright
  browser = await playwright.chromium.launch({
    executablePath: chromium,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  })
  mkdirSync(outputDir, {recursive: true})
}, buildTimeout)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
})

interface Watched {
  page: Page
  errors: string[]
  offsite: string[]
}

/** A page that records console errors, page errors, failed requests and off-site requests. */
async function open(url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Watched> {
  const page = await browser.newPage({viewport: {width: 1280, height: 900}, colorScheme})
  const errors: string[] = []
  const offsite: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`))
  page.on('requestfailed', (request) => {
    if (!offsite.includes(request.url()))
      errors.push(`request failed: ${request.url()} ${request.failure()?.errorText}`)
  })
  await page.route('**/*', (route) => {
    const target = new URL(route.request().url())
    if (target.hostname === '127.0.0.1' || target.protocol === 'data:') return route.continue()
    offsite.push(target.href)
    return route.abort()
  })
  await page.goto(`${base}${url}`, {waitUntil: 'load'})
  return {page, errors, offsite}
}

async function expectArticle(url: string, name: string): Promise<void> {
  const {page, errors, offsite} = await open(url)
  // KaTeX: server-rendered formulas, styled by the bundled stylesheet and fonts.
  expect(await page.locator('.katex').count()).toBeGreaterThan(20)
  const katexFont = await page
    .locator('.katex .mord')
    .first()
    .evaluate((node) => getComputedStyle(node).fontFamily)
  expect(katexFont).toMatch(/KaTeX/)
  // The bundled KaTeX fonts were actually loaded (from this server: off-site requests fail).
  await page.waitForFunction(() => document.fonts.status === 'loaded')
  const loaded = await page.evaluate(() =>
    [...document.fonts]
      .filter((face) => face.family.includes('KaTeX') && face.status === 'loaded')
      .map((face) => face.family),
  )
  expect(loaded).toContain('KaTeX_Main')
  // The advice chart: inline SVG from the build, the path taken drawn step by step.
  expect(await page.locator('figure.decision-chart svg .dc-step').count()).toBeGreaterThan(5)
  // The errata box.
  expect(await page.locator('aside.errata tbody tr').count()).toBeGreaterThan(5)
  await page.screenshot({path: path.join(outputDir, `${name}.png`), fullPage: true})
  // Dark scheme: the chart takes the page's dark colours (CSS variables), no redraw.
  const fill = () =>
    page
      .locator('figure.decision-chart .dc-label')
      .first()
      .evaluate((node) => getComputedStyle(node).fill)
  const light = await fill()
  await page.emulateMedia({colorScheme: 'dark'})
  expect(await fill()).not.toBe(light)
  await page
    .locator('figure.decision-chart')
    .first()
    .screenshot({path: path.join(outputDir, `${name}-dark-advice.png`)})
  expect(errors).toEqual([])
  expect(offsite).toEqual([])
  await page.close()
}

describe.skipIf(!haveChromium)('site in Chromium', () => {
  it('renders the Chinese article: KaTeX, decision chart SVG, errata, no errors', async () => {
    await expectArticle('/zh/', 'zh')
  }, 120_000)

  it('renders the English translation the same way', async () => {
    await expectArticle('/en/', 'en')
  }, 120_000)

  it('renders the index without errors', async () => {
    const {page, errors, offsite} = await open('/')
    expect(await page.locator('h1').textContent()).toContain('remark-vram')
    await page.screenshot({path: path.join(outputDir, 'index.png'), fullPage: true})
    expect(errors).toEqual([])
    expect(offsite).toEqual([])
    await page.close()
  }, 60_000)

  it('updates the playground as the reader types', async () => {
    const {page, errors, offsite} = await open('/playground/')
    const total = page.locator('#total')
    const output = page.locator('#output')
    const editor = page.locator('.cm-content')
    await page.locator('#editor[data-ready]').waitFor()
    await page.waitForFunction(() => document.querySelector('#total')?.textContent?.trim())
    // The first preset: Qwen2.5-7B, B=16, N=32768, with formulas.
    expect(await output.locator('table').count()).toBeGreaterThan(0)
    expect(await output.locator('.katex').count()).toBeGreaterThan(0)
    const before = (await total.textContent()) ?? ''
    const tableBefore = (await output.locator('table').first().textContent()) ?? ''
    // By hand: 7,615,616,512 × 2 B + KV 2 × 28 × 4 × 128 × 2 B × 16 × 32,768
    // + the CUDA context 287,047,680 B (pytorch/pytorch#86509) = 45.58 GB.
    expect(before).toMatch(/45\.6 GB/)

    // Edit the batch size: the total and the table change.
    const text = await page.evaluate(() =>
      [...document.querySelectorAll('.cm-content .cm-line')]
        .map((line) => line.textContent)
        .join('\n'),
    )
    expect(text).toContain('batch: 16')
    await editor.fill(text.replace('batch: 16', 'batch: 32'))
    await page.waitForFunction(
      (previous) => document.querySelector('#total')?.textContent !== previous,
      before,
    )
    const after = (await total.textContent()) ?? ''
    expect(after).not.toBe(before)
    // 15.2 GB weights + 2 × 30.1 GB KV cache + the 0.287 GB CUDA context (pytorch/pytorch#86509).
    expect(after).toMatch(/75\.6 GB/)
    expect((await output.locator('table').first().textContent()) ?? '').not.toBe(tableBefore)
    await page.screenshot({path: path.join(outputDir, 'playground.png'), fullPage: true})

    // Bad input: a positioned diagnostic, as a build would report it; the last output stays, marked.
    await editor.fill(text.replace('seq: 32768', 'sqe: 32768'))
    const diagnostic = page.locator('#diagnostics li.error').first()
    await diagnostic.waitFor()
    expect(await diagnostic.textContent()).toMatch(/^5:1 .*sqe/)
    expect(await diagnostic.textContent()).toContain('seq')
    expect(await page.locator('#stale').isVisible()).toBe(true)
    await page.screenshot({path: path.join(outputDir, 'playground-diagnostics.png')})

    // A typed closing fence stays inside the block: the link after it is YAML, not markdown.
    await editor.fill(`${text}\n\`\`\`\n\n[click me](javascript:alert(1))\n`)
    await page.waitForFunction(() =>
      document.querySelector('#diagnostics li.error')?.textContent?.includes('yaml-syntax'),
    )
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0)

    // The advice preset: the site's chart draws the recomputed decision path.
    await page.selectOption('#preset', 'advice')
    await output.locator('figure.decision-chart svg .dc-step').first().waitFor()
    expect(await output.locator('figure.decision-chart svg .dc-step').count()).toBeGreaterThan(5)
    await page.screenshot({path: path.join(outputDir, 'playground-advice.png'), fullPage: true})

    // The QLoRA preset: adapter rows, computed in the browser by the same engine.
    await page.selectOption('#preset', 'qlora')
    await page.waitForFunction(() =>
      document.querySelector('#output')?.textContent?.includes('Frozen base weights'),
    )
    const qlora = (await output.textContent()) ?? ''
    for (const row of ['Adapter weights', 'Adapter optimizer states', 'Adapter gradients'])
      expect(qlora).toContain(row)

    expect(errors).toEqual([])
    expect(offsite).toEqual([])
    await page.close()
  }, 120_000)
})
