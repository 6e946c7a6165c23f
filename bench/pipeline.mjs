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
