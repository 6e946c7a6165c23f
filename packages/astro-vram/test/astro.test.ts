/**
 * astro-vram in a real Astro 5 build: a fixture site whose whole configuration
 * is `integrations: [vram()]` (test/fixtures/basic), built with the astro CLI,
 * then read as HTML.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {beforeAll, describe, expect, test} from 'vitest'

const fixture = fileURLToPath(new URL('fixtures/basic/', import.meta.url))
const dist = join(fixture, 'dist')
const packageRequire = createRequire(new URL('../package.json', import.meta.url))
const astroBin = join(dirname(packageRequire.resolve('astro/package.json')), 'astro.js')
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
let html = ''

/** Builds a fixture site with the astro CLI and returns its index page. */
function build(root: string): string {
  execFileSync(process.execPath, [astroBin, 'build', '--root', root], {
    env: {...process.env, ASTRO_TELEMETRY_DISABLED: '1'},
    stdio: 'pipe',
  })
  return readFileSync(join(root, 'dist', 'index.html'), 'utf8')
}

beforeAll(() => {
  html = build(fixture)
}, 180_000)

describe('astro-vram (Astro 5)', () => {
  test('remark-vram computes the block: the table, the summary and inline references', () => {
    expect(html).toContain('<table>')
    expect(html).toMatch(/<td[^>]*>Weights<\/td>/)
    // The heading's reference is the model's name, the prose's one a size.
    expect(html).toMatch(/<h1[^>]*>Serving Llama 2 70B<\/h1>/)
    expect(html).toMatch(/Serving needs \d+(\.\d+)? GB per GPU/)
    expect(html).not.toContain('vram:')
  })

  test('rehype-katex renders the formulas and the page links KaTeX’s CSS with its fonts', () => {
    expect(html).toContain('class="katex"')
    const css = [...html.matchAll(/<link rel="stylesheet" href="\/(_astro\/[^"]+\.css)"/g)].map(
      (match) => readFileSync(join(dist, match[1] as string), 'utf8'),
    )
    expect(css.join('\n')).toMatch(/\.katex\{/)
    expect(readdirSync(join(dist, '_astro')).some((file) => file.startsWith('KaTeX_Main'))).toBe(
      true,
    )
    // The stylesheet is the one of the katex rehype-katex renders with.
    const fromRehypeKatex = createRequire(packageRequire.resolve('rehype-katex'))
    const version = fromRehypeKatex('katex/package.json').version as string
    expect(css.join('\n')).toContain(`.katex-version:after{content:"${version}"}`)
  })

  test('mermaid stays out of Shiki and the client script is bundled', () => {
    // remark-vram's chart and the writer's own ```mermaid, neither highlighted.
    expect(html).toMatch(/<pre class="mermaid">flowchart TD/)
    expect(html).toContain('<code class="language-mermaid">flowchart LR')
    expect(html).not.toMatch(/data-language="mermaid"/)
    // Other languages still go through Shiki.
    expect(html).toMatch(/class="astro-code[^"]*"[^>]*data-language="js"/)
    const script = /<script type="module" src="\/(_astro\/[^"]+\.js)"/.exec(html)?.[1]
    expect(script).toBeDefined()
    const bundle = readFileSync(join(dist, script as string), 'utf8')
    expect(bundle).toContain('language-mermaid')
  })
})

const haveChromium = existsSync(chromium)
// Under CI the test command installs Chromium, so its absence is a failure, not a skip.
if (!haveChromium && process.env.CI) {
  throw new Error(`Chromium is missing at ${chromium} (.ci/run installs Debian's chromium)`)
}

describe.skipIf(!haveChromium)("astro-vram with `diagrams: 'svg'`", () => {
  test('rehype-mermaid draws the chart at build time with the system Chromium; no script', () => {
    const page = build(fileURLToPath(new URL('fixtures/svg/', import.meta.url)))
    expect(page).toMatch(/<svg id="mermaid-0"[^>]*>/)
    expect(page).toContain('Your configuration')
    expect(page).not.toContain('<pre class="mermaid">')
    expect(page).not.toContain('<script')
  }, 180_000)
})

/**
 * Issue 25: a hostile page (a FIFO named `*.gguf` in prose, in a ```yaml block
 * and in a vram block; a block reading `/proc/self/environ`) once hung the
 * build forever. It must end: failing with positioned messages, or with
 * `errors: 'warn'` building the page with visible notices that quote nothing
 * of the environment. The FIFO is made here (git holds no FIFOs).
 */
describe('astro-vram on a hostile page', () => {
  const hostile = (name: string) => {
    const root = fileURLToPath(new URL(`fixtures/${name}/`, import.meta.url))
    const fifo = join(root, 'src/pages/fifo.gguf')
    rmSync(fifo, {force: true})
    execFileSync('mkfifo', [fifo])
    rmSync(join(root, 'dist'), {recursive: true, force: true})
    const run = spawnSync(process.execPath, [astroBin, 'build', '--root', root], {
      env: {...process.env, ASTRO_TELEMETRY_DISABLED: '1', VRAM_CANARY: 'canary-5b1d0e77'},
      encoding: 'utf8',
      // The hang detector: the page builds in seconds once Astro is up.
      timeout: 280_000,
    })
    rmSync(fifo, {force: true})
    return {run, root}
  }

  test('errors: fatal fails the build with the positioned message', () => {
    const {run} = hostile('hostile')
    expect(run.signal).toBeNull()
    expect(run.status).not.toBe(0)
    const output = run.stdout + run.stderr
    expect(output).toContain(
      'Cannot read `/proc/self/environ`: system files (/proc, /sys, /dev) are never read',
    )
    // The message's place in the page (Astro prints the VFileMessage).
    expect(output).toContain('src/pages/index.md')
    expect(output).toMatch(/start: \{ line: 11, column: 17/)
    expect(output).not.toContain('canary-5b1d0e77')
  }, 300_000)

  test("errors: 'warn' builds the page with a visible notice per bad block", () => {
    const {run, root} = hostile('hostile-warn')
    expect(run.signal).toBeNull()
    expect(run.status).toBe(0)
    const page = readFileSync(join(root, 'dist', 'index.html'), 'utf8')
    expect(page).toContain(
      'remark-vram: Cannot read <code>/proc/self/environ</code>: system files (/proc, /sys, /dev) are never read; point <code>config</code> at a Hugging Face config.json file (11:17)',
    )
    expect(page).toContain(
      'remark-vram: Cannot read <code>./fifo.gguf</code>: not a regular file (a device, FIFO or socket); point <code>config</code> at a Hugging Face config.json file (16:11)',
    )
    expect(page).toContain('17.6 GB in total')
    expect(page).not.toContain('canary-5b1d0e77')
  }, 300_000)
})
