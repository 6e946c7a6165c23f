#!/usr/bin/env node
// Benchmark (not a test): what one ```vram block costs in a markdown pipeline,
// as ratios against anchors timed in the same run, round by round (so the
// machine's drift hits both alike), never as absolute times:
//   sweep      a 1,000-case `vary` through remark → rehype → HTML ÷ the engine
//              alone evaluating the same block (parse + evaluate);
//   breakdown  the pipeline's extra cost for a breakdown block over the same
//              fence left as code ÷ Shiki highlighting that fence (`codeToHast`,
//              what Astro's build pays for every fence);
//   formulas   the same for a `show: formulas` block, rehype-katex included;
//   100 × formulas  a page of 100 identical formula blocks ÷ a page of one.
// Usage: node bench/pipeline.mjs
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const siteRequire = createRequire(path.join(root, 'site', 'package.json'))
const load = async (name, from = siteRequire) => import(pathToFileURL(from.resolve(name)).href)
const {unified} = await load('unified')
const {default: remarkParse} = await load('remark-parse')
const {default: remarkGfm} = await load('remark-gfm')
const {default: remarkMath} = await load('remark-math')
const {default: remarkRehype} = await load('remark-rehype')
const {default: rehypeKatex} = await load('rehype-katex')
const {default: rehypeStringify} = await load('rehype-stringify')
const {default: remarkVram} = await load('remark-vram')
const {evaluateBlock, parseBlockSource} = await load('vram-core')
// Shiki as Astro resolves it (a dependency of astro).
const astroRequire = createRequire(siteRequire.resolve('astro/package.json'))
const {createHighlighter} = await load('shiki', astroRequire)
const highlighter = await createHighlighter({themes: ['github-dark'], langs: ['yaml']})

/** Median over rounds of time(a) ÷ time(b), each round timing both back to back. */
async function ratio(a, b, iterations, rounds = 11) {
  for (let i = 0; i < Math.max(3, iterations); i++) {
    await a()
    await b()
  }
  const timeOf = async (fn) => {
    const start = performance.now()
    for (let i = 0; i < iterations; i++) await fn()
    return performance.now() - start
  }
  const ratios = []
  for (let round = 0; round < rounds; round++) {
    const ta = await timeOf(a)
    ratios.push(ta / (await timeOf(b)))
  }
  ratios.sort((x, y) => x - y)
  return ratios[Math.floor(rounds / 2)]
}

/** Median over rounds of (time(a) − time(b)) ÷ time(c): a's extra cost over b against c. */
async function extraRatio(a, b, c, iterations, rounds = 11) {
  for (let i = 0; i < Math.max(3, iterations); i++) {
    await a()
    await b()
    await c()
  }
  const timeOf = async (fn) => {
    const start = performance.now()
    for (let i = 0; i < iterations; i++) await fn()
    return performance.now() - start
  }
  const ratios = []
  for (let round = 0; round < rounds; round++) {
    const ta = await timeOf(a)
    const tb = await timeOf(b)
    ratios.push((ta - tb) / (await timeOf(c)))
  }
  ratios.sort((x, y) => x - y)
  return ratios[Math.floor(rounds / 2)]
}

const pipeline = (withVram) => {
  const processor = unified().use(remarkParse).use(remarkGfm).use(remarkMath)
  if (withVram) processor.use(remarkVram, {mermaid: 'pre'})
  return processor.use(remarkRehype).use(rehypeKatex).use(rehypeStringify)
}
const withVram = pipeline(true)
const withoutVram = pipeline(false)
const fence = (lang, source) => `\`\`\`${lang}\n${source}\`\`\`\n`

const rows = []
const report = (name, value, target) => {
  rows.push(`| ${name} | ${value.toFixed(2)}× | ${target} |`)
  console.log(rows.at(-1))
}
console.log('| what | ratio (same run) | target |')
console.log('| --- | ---: | ---: |')

// 1. A 1,000-case sweep (40 batches × 25 sequence lengths): pipeline ÷ engine.
const batches = Array.from({length: 40}, (_, index) => index + 1)
const seqs = Array.from({length: 25}, (_, index) => 512 * (index + 1))
const sweep = `model: llama-2-7b\ngpu: h100-sxm-80gb\nvary:\n  batch: [${batches.join(', ')}]\n  seq: [${seqs.join(', ')}]\n`
report(
  'sweep of 1,000 cases: pipeline ÷ engine',
  await ratio(
    () => withVram.process(fence('vram', sweep)),
    () => evaluateBlock(parseBlockSource(sweep).value),
    2,
    7,
  ),
  '≤ 3×',
)

// 2. A breakdown block, and a formula block, against Shiki on the same fence.
const breakdown =
  'model: llama-2-7b\nmode: training\nbatch: 32\nseq: 4096\nparallel: {dp: 8, zero: 2}\ngpu: h100-sxm-80gb\n'
const formulas = `${breakdown}show: [formulas]\n`
const shiki = (source) => () => highlighter.codeToHast(source, {lang: 'yaml', theme: 'github-dark'})
report(
  'breakdown block ÷ Shiki',
  await extraRatio(
    () => withVram.process(fence('vram', breakdown)),
    () => withoutVram.process(fence('yaml', breakdown)),
    shiki(breakdown),
    50,
  ),
  '≤ 1.0×',
)
report(
  'formula block ÷ Shiki',
  await extraRatio(
    () => withVram.process(fence('vram', formulas)),
    () => withoutVram.process(fence('yaml', formulas)),
    shiki(formulas),
    10,
  ),
  '≤ 4×',
)
const many = Array.from({length: 100}, () => fence('vram', formulas)).join('\n')
report(
  '100 identical formula blocks ÷ one',
  await ratio(
    () => withVram.process(many),
    () => withVram.process(fence('vram', formulas)),
    1,
    5,
  ),
  '≤ 15×',
)

// 3. Where a formula block's time goes: KaTeX writing HTML, that HTML parsed
// back into a tree (what rehype-katex does for every formula), and the page's
// HTML written out. A memo of the parsed tree saves the first two on every
// repeat; emitting hast directly saves the second; nothing saves the third.
const katexRequire = createRequire(siteRequire.resolve('rehype-katex'))
const {default: katex} = await load('katex', katexRequire)
const {fromHtmlIsomorphic} = await load('hast-util-from-html-isomorphic', katexRequire)
const {toHtml} = await load(
  'hast-util-to-html',
  createRequire(siteRequire.resolve('rehype-stringify')),
)
const hast = await unified()
  .use(remarkRehype)
  .run(
    unified()
      .use(remarkParse)
      .use(remarkMath)
      .use(remarkVram, {mermaid: 'pre'})
      .runSync(unified().use(remarkParse).use(remarkMath).parse(fence('vram', formulas))),
  )
const maths = []
const collect = (node) => {
  const classes = node.properties?.className ?? []
  if (classes.includes('math-inline') || classes.includes('math-display')) {
    maths.push({
      tex: node.children.map((child) => child.value ?? '').join(''),
      display: classes.includes('math-display'),
    })
    return
  }
  for (const child of node.children ?? []) collect(child)
}
collect(hast)
const rendered = maths.map(({tex, display}) =>
  katex.renderToString(tex, {displayMode: display, throwOnError: false}),
)
const parsed = rendered.map((html) => fromHtmlIsomorphic(html, {fragment: true}))
const render = () =>
  maths.map(({tex, display}) =>
    katex.renderToString(tex, {displayMode: display, throwOnError: false}),
  )
const reparse = () => rendered.map((html) => fromHtmlIsomorphic(html, {fragment: true}))
const write = () => parsed.map((tree) => toHtml(tree))
const clone = () => parsed.map((tree) => structuredClone(tree))
const anchor = shiki(formulas)
console.log(
  `\nA formula block (${maths.length} formulas, ${rendered.reduce((sum, html) => sum + html.length, 0).toLocaleString('en-US')} characters of KaTeX HTML), each part ÷ Shiki on the same fence:\n`,
)
console.log('| part | ÷ Shiki |')
console.log('| --- | ---: |')
for (const [name, fn] of [
  ['katex.renderToString (a memo saves it on repeats)', render],
  ['parsing KaTeX HTML back (a memo or direct hast saves it)', reparse],
  ['copying a memoised tree (what a memo costs instead)', clone],
  ['writing the HTML out (no plugin avoids it)', write],
]) {
  console.log(`| ${name} | ${(await ratio(fn, anchor, 5, 7)).toFixed(2)}× |`)
}

// 4. Bundle sizes: vram-core as a browser bundle (minified, gzipped), with and
// without yaml (the playground needs it; a page that only reads results does not).
const viteRequire = createRequire(astroRequire.resolve('vite'))
const esbuild = await load('esbuild', viteRequire)
const {gzipSync} = await import('node:zlib')
const coreEntry = path.join(root, 'packages', 'vram-core', 'dist', 'index.js')
console.log('\nBundles (bytes, minified then gzipped):\n')
console.log('| bundle | min | min+gzip |')
console.log('| --- | ---: | ---: |')
for (const [name, external] of [
  ['vram-core', []],
  ['vram-core without yaml', ['yaml']],
]) {
  const built = await esbuild.build({
    entryPoints: [coreEntry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    external: [...external, 'node:*'],
    logLevel: 'silent',
  })
  const code = built.outputFiles[0].contents
  console.log(
    `| ${name} | ${code.length.toLocaleString('en-US')} | ${gzipSync(code).length.toLocaleString('en-US')} |`,
  )
}
