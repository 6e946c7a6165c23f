import {beforeAll, describe, expect, it} from 'vitest'
import {buildSite, buildTimeout, distDir, filesUnder, readDist} from './helpers.js'

// `astro build` of site/ from scratch, then assertions on the HTML in dist/.

/** The text of an HTML fragment, tags dropped and entities of interest decoded. */
function text(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<span class="katex-mathml">[\s\S]*?<\/span>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;|\u00a0|\u202f/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, ' ')
}

/** The errata box of a page, as text. */
function errata(html: string): string {
  const match = /<aside[^>]*class="errata[^"]*"[\s\S]*?<\/aside>/.exec(html)
  return match ? text(match[0]) : ''
}

let zh = ''
let en = ''
let playground = ''
let index = ''

beforeAll(async () => {
  await buildSite()
  zh = readDist('zh/index.html')
  en = readDist('en/index.html')
  playground = readDist('playground/index.html')
  index = readDist('index.html')
}, buildTimeout)

describe('site build', () => {
  it('writes the four pages', () => {
    const files = filesUnder(distDir)
    for (const page of ['index.html', 'zh/index.html', 'en/index.html', 'playground/index.html'])
      expect(files).toContain(page)
    expect(index).toContain('href="/zh/"')
    expect(index).toContain('href="/playground/"')
  })

  it('leaves no vram source, reference or fence behind', () => {
    for (const html of [zh, en]) {
      expect(html).not.toContain('```vram')
      expect(html).not.toContain('language-vram')
      expect(html).not.toMatch(/<code>vram:/)
      expect(html).not.toMatch(/<code>arch:/)
      expect(text(html)).not.toMatch(/\bNaN\b|Infinity|undefined/)
    }
  })

  it('shows the computed figures of the Chinese article', () => {
    const body = text(zh)
    // §3.1: P × b for 7B/13B/70B.
    for (const figure of ['28', '14', '3.5', '52', '6.5', '280', '140', '35']) {
      expect(body).toContain(figure)
    }
    // §3.2: 12 bytes × 7e9 parameters of optimizer state.
    expect(body).toContain('84 GB')
    // §7 with the real Qwen2.5-7B: weights, KV cache, total.
    expect(body).toContain('15.2')
    expect(body).toContain('30.1')
    expect(body).toContain('47.3')
    // The article's own §7 dimensions give 68.7 GB; so does Llama-2-7B at 128K (64 GiB).
    expect(body).toContain('68.7 GB')
    // Llama-2-7B KV cache at 4K: 2 GiB = 2.15 GB.
    expect(body).toContain('2.15 GB')
    // §7 TP=4: weights per GPU.
    expect(body).toContain('3.81 GB')
    // The real model's shape, from the preset.
    expect(body).toMatch(/层数：\s?28/)
    expect(body).toContain('18,944')
    // Per 1B parameters: 2 GB in FP16; 2 + 6 + 12 GB for mixed-precision training.
    expect(body).toMatch(/≈ 2 GB/)
    expect(body).toMatch(/2 GB \+ 6 GB \+ 12 GB/)
  })

  it('shows the same figures in the English translation', () => {
    const body = text(en)
    for (const figure of ['84 GB', '15.2', '30.1', '47.3', '68.7 GB', '2.15 GB', '3.81 GB']) {
      expect(body).toContain(figure)
    }
    expect(body).toMatch(/Layers: 28/)
    expect(body).toContain('Errata')
  })

  it('lists the article’s wrong figures in the errata box', () => {
    for (const html of [zh, en]) {
      const box = errata(html)
      expect(box).not.toBe('')
      // §7: the printed KV cache and total, next to the computed ones.
      expect(box).toContain('32.8 GB')
      expect(box).toContain('30.1')
      expect(box).toContain('~50 GB')
      // §4: gradients, activations, total.
      expect(box).toContain('~60 GB')
      expect(box).toContain('~174 GB')
      // The summary's 128K KV cache (64 GiB written as GB).
      expect(box).toContain('64 GB')
      // §7's "available batch" column.
      for (const batch of ['16', '32', '64']) expect(box).toContain(batch)
      // Figures the article got right are not errata.
      expect(box).not.toContain('15.2 GB')
    }
    expect(errata(zh)).toContain('勘误')
  })

  it('renders formulas with KaTeX and draws the advice chart as inline SVG at build time', () => {
    for (const html of [zh, en]) {
      expect(html).toContain('class="katex"')
      expect(html).toMatch(/<figure class="decision-chart"><div[^>]*><svg[^>]*role="img"/)
      expect(html).not.toContain('class="mermaid"')
      expect(html).not.toMatch(/<script[^>]+src=/)
      // The article's own static flowchart is gone.
      expect(html).not.toContain('显存不够')
    }
    // The path, in the page's language, with the recomputed totals.
    expect(text(en)).toMatch(/Your configuration — 208 GB \(too big\)/)
    expect(text(zh)).toContain('当前配置：208 GB（装不下）。')
    expect(text(zh)).toContain('训练还是推理？接着：训练。')
    expect(text(en)).toContain('Training or inference? Then: training.')
  })

  it('names each erratum by the article’s section, not by block id', () => {
    expect(errata(en)).toContain('7. A worked case')
    expect(errata(zh)).toContain('7. 具体案例')
    for (const html of [zh, en]) expect(errata(html)).not.toMatch(/\b(kv|train7b)\b/)
  })

  it('writes the Chinese pages without stray spaces after full-width punctuation, one term for the KV cache', () => {
    for (const html of [zh, readDist('zh/fine-tuning/index.html')]) {
      // In the HTML as written (tags not replaced by spaces): within a text node.
      const raw = html.replace(/<(script|style)[\s\S]*?<\/\1>/g, '')
      expect(raw.match(/.{0,12}[，。：；！？、）][ \t]+(?=[^\s<|])/g) ?? []).toEqual([])
      expect(text(html)).not.toContain('KV Cache')
      // Navigation and footer in Chinese.
      expect(html).toContain('跳到正文')
      expect(html).toContain('本站每个数字都在构建时由')
    }
  })

  it('bundles KaTeX’s stylesheet and fonts and fetches nothing from the network', () => {
    const files = filesUnder(distDir)
    const css = files.filter((file) => file.endsWith('.css'))
    expect(css.some((file) => readDist(file).includes('.katex'))).toBe(true)
    expect(files.some((file) => /KaTeX_Main-Regular.*\.woff2$/.test(file))).toBe(true)
    for (const file of files.filter((name) => /\.(html|css)$/.test(name))) {
      const content = readDist(file)
      // No stylesheet, script, font or image from another host.
      expect(content, file).not.toMatch(/<(link|script|img)[^>]+(href|src)="(https?:)?\/\//)
      expect(content, file).not.toMatch(/url\((["']?)(https?:)?\/\//)
      expect(content, file).not.toMatch(/@import\s+(url\()?["']?https?:/)
    }
  })

  it('credits the original article on both article pages', () => {
    for (const html of [zh, en]) {
      expect(html).toContain('LLM 在 GPU 上的显存计算')
      expect(html).toContain('2025-06-02')
    }
  })

  it('ships the playground with its presets and editor', () => {
    expect(playground).toContain('id="editor"')
    expect(playground).toContain('id="preset"')
    expect(playground).toContain('Qwen2.5-7B inference on one H100')
    expect(playground).toMatch(/<script type="module" src="\/_astro\/[^"]+\.js"/)
  })
})

describe('the fine-tuning page beyond the article', () => {
  let pages: Array<[string, string]> = []
  beforeAll(() => {
    pages = [
      ['en', text(readDist('en/fine-tuning/index.html'))],
      ['zh', text(readDist('zh/fine-tuning/index.html'))],
    ]
  })

  it('is linked from the index in both languages and leaves no source behind', () => {
    expect(index).toContain('href="/en/fine-tuning/"')
    expect(index).toContain('href="/zh/fine-tuning/"')
    for (const [, body] of pages) {
      expect(body).not.toMatch(/vram:|arch:|```|\bNaN\b|Infinity|undefined/)
    }
  })

  it('prints PEFT’s trainable count and share for LoRA r=16 on all-linear', () => {
    // Hand derivation: 16 × [2·(4096+4096) + 2·(4096+1024) + 3·(4096+14336)] × 32 = 41,943,040,
    // 0.5196 % of 8,030,261,248 + 41,943,040 (PEFT prints trainable%: 0.5196).
    for (const [, body] of pages) {
      expect(body).toContain('41,943,040')
      expect(body).toContain('0.52%')
    }
  })

  it('breaks the adapter runs into frozen base, adapter, gradients, optimizer and activations', () => {
    const [[, en], [, zh]] = pages as [[string, string], [string, string]]
    for (const label of ['Frozen base weights', 'Adapter weights', 'Adapter gradients'])
      expect(en).toContain(label)
    for (const label of ['冻结的基座权重', '适配器权重', '适配器梯度']) expect(zh).toContain(label)
    // The single-GPU chart proposes no sharding across devices.
    expect(en).toContain('Nothing to shard: what can the run give up?')
    expect(en).not.toMatch(/More TP \/ PP|Enable ZeRO/)
  })
})

describe('the local-inference page beyond the article', () => {
  let pages: Array<[string, string]> = []
  beforeAll(() => {
    pages = [
      ['en', text(readDist('en/local/index.html'))],
      ['zh', text(readDist('zh/local/index.html'))],
    ]
  })

  it('is linked from the index in both languages and leaves no source behind', () => {
    expect(index).toContain('href="/en/local/"')
    expect(index).toContain('href="/zh/local/"')
    for (const [, body] of pages) {
      expect(body).not.toMatch(/vram:|arch:|```|\bNaN\b|Infinity|undefined/)
    }
  })

  it('shows the engine rows and a host column, and advises no sharding', () => {
    const [[, en], [, zh]] = pages as [[string, string], [string, string]]
    for (const label of ['Compute buffer', 'Host (GB)', 'Most layers on the GPU'])
      expect(en).toContain(label)
    for (const label of ['计算缓冲区', '主机内存（GB）']) expect(zh).toContain(label)
    expect(en).toContain('Quantize the KV cache')
    expect(en).not.toMatch(/More TP \/ PP|Enable ZeRO/)
  })
})
