#!/usr/bin/env node
// Benchmark (not a test): what remark-vram adds to the demo site's build.
//
// Builds the site twice over, alternating, in one run:
//   as-is     site/src as written: every ```vram block computed at build time;
//   expanded  the same pages with every ```vram block (and every inline
//             `vram:` reference) already replaced by the markdown remark-vram
//             expands it to; remark-vram (registered by the astro-vram
//             integration) stays in the config but finds no block to compute.
// Both are copies under site/.bench/ with an astro.config.mjs that re-exports
// site/astro.config.mjs, so they share every setting and plugin.
// Reports the wall time of `astro build` for each and their ratio (see the
// note on noise below); writes bench/site-build.json (ignored by git).
//
// Also times the markdown pipeline alone, in process (parse → remark-vram →
// rehype-katex → HTML, against the pre-expanded markdown without remark-vram),
// which is far less noisy than whole builds on a shared 2-core machine.
//
// Usage: node bench/site-build.mjs [--runs N] (default 5 measured runs each,
// after one warm-up build of each).
import {spawnSync} from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import {createRequire} from 'node:module'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const site = path.join(root, 'site')
const work = path.join(site, '.bench')
const astroBin = path.join(site, 'node_modules', '.bin', 'astro')

const runsFlag = process.argv.indexOf('--runs')
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : Number(process.env.BENCH_RUNS ?? 5)
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number ≥ 1')

if (!existsSync(astroBin)) {
  console.error('site/ is not installed: run `npx -y pnpm@10 install` first')
  process.exit(1)
}

// The site's own dependencies (this script lives outside site/).
const siteRequire = createRequire(path.join(site, 'package.json'))
const load = async (name) => import(pathToFileURL(siteRequire.resolve(name)).href)
const {unified} = await load('unified')
const {default: remarkParse} = await load('remark-parse')
const {default: remarkGfm} = await load('remark-gfm')
const {default: remarkMath} = await load('remark-math')
const {default: remarkStringify} = await load('remark-stringify')
const {default: remarkRehype} = await load('remark-rehype')
const {default: rehypeKatex} = await load('rehype-katex')
const {default: rehypeStringify} = await load('rehype-stringify')
const {default: remarkVram} = await load('remark-vram')
const {visit} = await load('unist-util-visit')
const {VFile} = await load('vfile')
const {default: remarkVramAnchors} = await import(
  pathToFileURL(path.join(site, 'plugins', 'remark-vram-anchors.mjs')).href
)

const escapeHtml = (value) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** remark-vram's `mermaid: 'code'` output as the `<pre class="mermaid">` the site's `'pre'` mode gives. */
function mermaidAsPre() {
  return (tree) => {
    visit(tree, 'code', (node, index, parent) => {
      if (node.lang !== 'mermaid' || !parent || index === undefined) return
      parent.children[index] = {
        type: 'html',
        value: `<pre class="mermaid">${escapeHtml(node.value)}</pre>`,
      }
    })
  }
}

/** One page with its blocks expanded: the markdown and the errata the layout shows. */
async function expand(markdown, filePath) {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(markdown)
  if (!match) throw new Error(`${filePath}: no frontmatter`)
  const frontmatter = match[1]
  const lang = /^lang:\s*"?(\w+)"?/m.exec(frontmatter)?.[1] ?? 'en'
  const body = markdown.slice(match[0].length)
  const file = new VFile({value: body, path: filePath})
  const processor = unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkMath)
    .use(remarkVramAnchors)
    .use(remarkVram, {locale: lang, mermaid: 'code', errors: 'fatal'})
    .use(mermaidAsPre)
    .use(remarkStringify, {fences: true, bullet: '-', rule: '-'})
  const expanded = String(await processor.process(file))
  const {errata, blocks} = file.data.vram
  // JSON is YAML: the layout reads these exactly as remark-errata would have set them.
  const extra = `errata: ${JSON.stringify(errata)}\nvram_blocks: ${blocks.length}`
  return `---\n${frontmatter}\n${extra}\n---\n\n${expanded}`
}

const variants = {
  'as-is': `// Benchmark copy of the site: the same configuration.
export {default} from ${JSON.stringify(path.join(site, 'astro.config.mjs'))}
`,
  expanded: `// Benchmark copy of the site: blocks pre-expanded, the same configuration.
export {default} from ${JSON.stringify(path.join(site, 'astro.config.mjs'))}
`,
}

async function prepare() {
  rmSync(work, {recursive: true, force: true})
  for (const [name, config] of Object.entries(variants)) {
    const dir = path.join(work, name)
    mkdirSync(dir, {recursive: true})
    cpSync(path.join(site, 'src'), path.join(dir, 'src'), {recursive: true})
    cpSync(path.join(site, 'public'), path.join(dir, 'public'), {recursive: true})
    writeFileSync(path.join(dir, 'astro.config.mjs'), config)
  }
  const pages = path.join(work, 'expanded', 'src', 'pages')
  const bodies = []
  let blocks = 0
  for (const name of readdirSync(pages).filter((entry) => entry.endsWith('.md'))) {
    const file = path.join(pages, name)
    const source = readFileSync(file, 'utf8')
    blocks += (source.match(/^```vram/gm) ?? []).length
    const expanded = await expand(source, path.join(site, 'src', 'pages', name))
    if (/```vram|`vram:/.test(expanded)) throw new Error(`${name}: a vram block survived`)
    writeFileSync(file, expanded)
    const body = (text) => text.replace(/^---\n[\s\S]*?\n---\n/, '')
    bodies.push({
      name,
      lang: /^lang:\s*"?(\w+)/m.exec(source)?.[1],
      source: body(source),
      expanded: body(expanded),
    })
  }
  return {blocks, bodies}
}

/** Median ms per page of the markdown → HTML pipeline, with and without remark-vram. */
async function pipeline(bodies, iterations = 20) {
  const make = (lang, withVram) => {
    const processor = unified().use(remarkParse).use(remarkGfm).use(remarkMath)
    if (withVram) processor.use(remarkVram, {locale: lang, mermaid: 'pre'})
    return processor
      .use(remarkRehype, {allowDangerousHtml: true})
      .use(rehypeKatex)
      .use(rehypeStringify, {allowDangerousHtml: true})
  }
  const out = {}
  for (const variant of ['as-is', 'expanded']) {
    const samples = []
    for (let round = 0; round < iterations + 3; round++) {
      const start = performance.now()
      for (const page of bodies) {
        const processor = make(page.lang, variant === 'as-is')
        await processor.process(variant === 'as-is' ? page.source : page.expanded)
      }
      if (round >= 3) samples.push(performance.now() - start)
    }
    out[variant] = median(samples) / bodies.length
  }
  return out
}

function build(name) {
  const dir = path.join(work, name)
  rmSync(path.join(dir, 'dist'), {recursive: true, force: true})
  const start = performance.now()
  const result = spawnSync(astroBin, ['build'], {
    cwd: dir,
    env: {...process.env, ASTRO_TELEMETRY_DISABLED: '1'},
    encoding: 'utf8',
  })
  const ms = performance.now() - start
  if (result.status !== 0) {
    console.error(result.stdout, result.stderr)
    throw new Error(`astro build (${name}) exited with ${result.status}`)
  }
  return ms
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const {blocks, bodies} = await prepare()
console.log(`site: ${blocks} vram blocks in src/pages; ${runs} measured builds of each variant`)

// Same output? The expanded copy must carry the same figures (sanity check).
build('as-is')
build('expanded')
const strip = (html) => html.replace(/\/_astro\/[^"]+/g, '').replace(/mermaid-\d+/g, '')
for (const page of ['zh/index.html', 'en/index.html']) {
  const a = strip(readFileSync(path.join(work, 'as-is', 'dist', page), 'utf8'))
  const b = strip(readFileSync(path.join(work, 'expanded', 'dist', page), 'utf8'))
  for (const figure of ['30.1', '47.3', '68.7 GB', '32.8 GB']) {
    if (!a.includes(figure) || !b.includes(figure)) throw new Error(`${page}: ${figure} missing`)
  }
  console.log(
    `${page}: as-is ${a.length} bytes, expanded ${b.length} bytes of HTML${a === b ? ' (identical)' : ''}`,
  )
}

const markdown = await pipeline(bodies)
console.log(
  `markdown pipeline per page: with remark-vram ${markdown['as-is'].toFixed(1)} ms, pre-expanded ${markdown.expanded.toFixed(1)} ms`,
)

const times = {'as-is': [], expanded: []}
for (let run = 0; run < runs; run++) {
  // Alternate, and swap who goes first each round, so drift hits both alike.
  const order = run % 2 === 0 ? ['as-is', 'expanded'] : ['expanded', 'as-is']
  for (const name of order) {
    const ms = build(name)
    times[name].push(ms)
    console.log(`run ${run + 1} ${name.padEnd(8)} ${(ms / 1000).toFixed(2)} s`)
  }
}

// Whole builds on a shared 2-core VM are noisy (±20 % between identical
// builds), so three estimates: the ratio of the fastest builds (the least
// disturbed), the median of the per-round ratios (each round builds both
// back to back), and the ratio of the medians.
const asIs = median(times['as-is'])
const expanded = median(times.expanded)
const ratios = {
  fastest: Math.min(...times['as-is']) / Math.min(...times.expanded),
  pairedMedian: median(times['as-is'].map((ms, index) => ms / times.expanded[index])),
  medians: asIs / expanded,
}
const ratio = ratios.fastest
const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  runs,
  blocks,
  medianMs: {asIs: Math.round(asIs), expanded: Math.round(expanded)},
  timesMs: Object.fromEntries(
    Object.entries(times).map(([name, list]) => [name, list.map((ms) => Math.round(ms))]),
  ),
  ratio: Number(ratio.toFixed(3)),
  ratios: Object.fromEntries(
    Object.entries(ratios).map(([name, value]) => [name, Number(value.toFixed(3))]),
  ),
  markdownPipelineMsPerPage: {
    withVram: Number(markdown['as-is'].toFixed(2)),
    expanded: Number(markdown.expanded.toFixed(2)),
  },
}
writeFileSync(path.join(root, 'bench', 'site-build.json'), `${JSON.stringify(report, null, 2)}\n`)
console.log(
  `median build: as-is ${(asIs / 1000).toFixed(2)} s, expanded ${(expanded / 1000).toFixed(2)} s`,
)
console.log(
  `ratio as-is / expanded: ${ratio.toFixed(3)} (fastest builds; target ≤ 1.10); median of rounds ${ratios.pairedMedian.toFixed(3)}, of medians ${ratios.medians.toFixed(3)}`,
)
console.log(
  `markdown pipeline alone: ${(markdown['as-is'] / markdown.expanded).toFixed(3)} (${markdown['as-is'].toFixed(1)} ms vs ${markdown.expanded.toFixed(1)} ms per page)`,
)
if (!process.env.BENCH_KEEP) rmSync(work, {recursive: true, force: true})
