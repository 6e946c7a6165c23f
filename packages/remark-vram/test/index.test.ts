import {readdirSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {describe, expect, test} from 'vitest'
import {engineVersion} from 'vram-core'
import {escapeLabel} from '../src/mermaid.js'
import {
  remarkGfm,
  remarkMath,
  remarkParse,
  remarkStringify,
  remarkVram,
  toMarkdown,
  transform,
  unified,
  VFile,
} from './pipelines.js'

describe('remark-vram', () => {
  test('should expose the public api', async () => {
    const api = await import('remark-vram')
    // The Node entry (Node resolves `remark-vram` to it): the browser entry's
    // exports plus what a dev server needs to reload pages on a file change.
    expect(Object.keys(api).sort()).toEqual([
      'default',
      'documentsReading',
      'en',
      'locales',
      'onConfigRead',
      'remarkVram',
      'sameInEveryLanguage',
      'version',
      'zh',
    ])
    expect(api.default).toBe(api.remarkVram)
    expect(Object.keys(api.locales)).toEqual(['en', 'zh'])
  })

  test('should not throw if not passed options', () => {
    expect(() => unified().use(remarkParse).use(remarkVram).freeze()).not.toThrow()
    const file = unified()
      .use(remarkParse)
      .use(remarkVram)
      .use(remarkStringify)
      .processSync('# hi\n\n`vram`\n')
    expect(String(file)).toBe('# hi\n\n`vram`\n')
    expect(file.data.vram).toMatchObject({blocks: [], errata: [], locale: 'en'})
  })

  test('should be synchronous (processSync)', () => {
    const file = unified()
      .use(remarkParse)
      .use(remarkGfm)
      .use(remarkMath)
      .use(remarkVram)
      .use(remarkStringify)
      .use(remarkGfm)
      .use(remarkMath)
      .processSync('```vram\nmodel: llama-2-7b\nshow: summary\n```\n')
    expect(String(file)).toBe('17.6 GB in total; no GPU given, so no fit check.\n')
  })

  test('should carry the engine version', async () => {
    const {version} = await import('remark-vram')
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(version).toBe(`remark-vram@${pkg.version} vram-core@${engineVersion}`)
  })

  test('should reject bad options in the attacher', () => {
    const use = (options: object) => () =>
      unified()
        .use(remarkParse)
        .use(remarkVram, options as never)
        .freeze()
    expect(use({mermaid: 'svg'})).toThrow(
      "remark-vram: option `mermaid` must be one of 'code', 'pre', 'docusaurus', not \"svg\"",
    )
    expect(use({errors: 'ignore'})).toThrow('option `errors`')
    expect(use({units: 'MB'})).toThrow('option `units`')
    expect(use({show: ['table']})).toThrow('option `show`')
    expect(use({readConfig: 'x'})).toThrow('option `readConfig`')
    expect(use({numberFormat: {maximumSignificantDigits: 50}})).toThrow('option `numberFormat`')
  })

  test('should throw nothing but vfile messages', () => {
    const file = new VFile({value: '# x'})
    let thrown: unknown
    try {
      transform(file, {
        getLocale() {
          throw new Error('boom')
        },
      })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBe(file.messages[0])
    expect(file.messages[0]).toMatchObject({
      reason: 'remark-vram failed: boom; please report it with the document',
      ruleId: 'internal-error',
      source: 'remark-vram',
      fatal: true,
    })
  })

  test('a dictionary with a malformed `intl` tag formats in English', () => {
    const doc = '```vram\nmodel: llama-2-7b\nshow: summary\n```\n'
    const out = toMarkdown(transform(new VFile(doc), {locales: {en: {intl: 'not a tag!'}}}))
    expect(out).toBe('17.6 GB in total; no GPU given, so no fit check.\n')
  })

  test('a solver at its bound says so: the whole context, or more than the search limit', () => {
    // Llama-3.1-8B at 131,072 tokens: 2 × 8,030,261,248 B of weights, 131,072 B of KV cache
    // per token, 2 GB of buffers = 35.2 GB.
    const seq = '```vram\nmodel: llama-3.1-8b\ngpu: b200\nsolve: seq\nshow: []\n```\n'
    expect(toMarkdown(transform(new VFile(seq)))).toBe(
      "Longest sequence that fits: 131,072, the model's whole context (35.2 GB per device).\n",
    )
    const tiny = '{layers: 1, hidden: 8, heads: 1, ffn: 8, vocab: 8, head_dim: 8}'
    const batch = `\`\`\`vram\nmodel: ${tiny}\ngpu: b200\nseq: 1\nbuffers: 0\nsolve: batch\nshow: []\n\`\`\`\n`
    expect(toMarkdown(transform(new VFile(batch)))).toBe(
      'More than 16,777,216 sequences fit; the search stops there.\n',
    )
  })

  test('the browser entry imports nothing from Node', () => {
    const dist = fileURLToPath(new URL('../dist/', import.meta.url))
    for (const name of readdirSync(dist)) {
      if (!name.endsWith('.js') || name === 'node.js') continue
      const code = readFileSync(dist + name, 'utf8')
      expect(code, name).not.toMatch(/from ['"](node:|fs|path|vram-core\/node)/)
    }
  })
})

describe('numbers', () => {
  const figures = (block: string, refs: string[], options = {}) => {
    const doc = `${refs.map((ref) => `\`vram:x.${ref}\``).join(' | ')}\n\n\`\`\`vram id=x\n${block}\nshow: []\n\`\`\`\n`
    const file = new VFile({value: doc})
    return toMarkdown(transform(file, options)).trim().split(' | ')
  }

  test('Qwen2.5-7B bf16: 15.23 GB of weights, 30.06 GB of KV cache (B=16, N=32768)', () => {
    expect(
      figures('model: Qwen/Qwen2.5-7B\nbatch: 16\nseq: 32768', ['weights', 'kv_cache', 'params'], {
        numberFormat: {maximumFractionDigits: 2},
      }),
    ).toEqual(['15.23 GB', '30.06 GB', '7.62B'])
  })

  test('Llama-2-7B fp16 KV cache at 4096 tokens, B=1: 2 GiB exactly', () => {
    expect(
      figures('model: llama-2-7b\ndtype: fp16\nseq: 4096\nunits: GiB', ['kv_cache'], {
        numberFormat: {maximumFractionDigits: 6},
      }),
    ).toEqual(['2 GiB'])
  })
})

describe('locales', () => {
  const doc = '`vram:x.fits`\n\n```vram id=x\nmodel: llama-2-7b\ngpu: a10g\nshow: summary\n```\n'

  test('built-in zh', () => {
    expect(toMarkdown(transform(new VFile(doc), {locale: 'zh'}))).toBe(
      '是\n\n单张 A10G：17.6 GB / 24.1 GB（73%），装得下，余量 6.28 GB。\n',
    )
  })

  test('a language tag falls back to its language, an unknown one to English', () => {
    expect(toMarkdown(transform(new VFile(doc), {locale: 'zh-TW'}))).toMatch(/^是/)
    expect(toMarkdown(transform(new VFile(doc), {locale: 'xx'}))).toMatch(/^yes/)
  })

  test('a locale added with `locales`, partial, over English', () => {
    const out = toMarkdown(
      transform(new VFile(doc), {
        locale: 'de',
        locales: {
          de: {
            intl: 'de',
            yes: 'ja',
            'summary.oneGpu': 'einer {name}',
            'summary.fits': '{total} von {capacity} auf {gpu} ({share}): passt, {headroom} frei',
          },
        },
      }),
    )
    expect(out).toBe('ja\n\n17,6 GB von 24,1 GB auf einer A10G (73\u00a0%): passt, 6,28 GB frei.\n')
  })

  test('`getLocale` picks the locale per file', () => {
    const file = new VFile({value: doc, data: {lang: 'zh'}})
    const out = toMarkdown(
      transform(file, {getLocale: (entry) => entry.data.lang as string | undefined}),
    )
    expect(out).toMatch(/^是/)
    expect(file.data.vram?.locale).toBe('zh')
  })
})

describe('mermaid labels', () => {
  test('escapes quotes, #, angle brackets, ampersands, backticks and line breaks', () => {
    expect(escapeLabel('a "b" #1 <script>&amp; `c`\nd')).toBe(
      'a #34;b#34; #35;1 #60;script#62;#38;amp; #96;c#96; d',
    )
  })

  test('no label can break the diagram', () => {
    const doc = '```vram\nmodel: llama-2-70b\ngpu: h100-sxm-80gb\nshow: [advice]\n```\n'
    const out = toMarkdown(
      transform(new VFile(doc), {
        locales: {en: {'advice.quantize': 'Quantize "<script>alert(1)</script>" ]) --> x'}},
      }),
    )
    expect(out).toContain(
      'n_i2["Quantize #34;#60;script#62;alert(1)#60;/script#62;#34; ]) --#62; x<br/>72.3 GB ✓"]',
    )
    expect(out).not.toContain('<script')
  })

  test('the path is highlighted without colours', () => {
    const doc = '```vram\nmodel: llama-2-70b\ngpu: h100-sxm-80gb\nshow: [advice]\n```\n'
    const out = toMarkdown(transform(new VFile(doc)))
    expect(out).toContain('  classDef path stroke-width:3px,font-weight:bold\n')
    expect(out).toContain('  class n_start,n_q1,n_i1,n_i2,n_leaf path\n')
    expect(out).not.toMatch(/fill:|color:|#[0-9a-f]{3,6}\b/i)
  })
})

describe('file.data.vram', () => {
  test('lists every block, its expectations and the errata', () => {
    const doc = [
      '```vram id=q',
      'model: Qwen/Qwen2.5-7B',
      'batch: 16',
      'seq: 32768',
      'expect:',
      '  weights: 15.2 GB',
      '  kv_cache: {value: 28 GB, erratum: wrong width}',
      '```',
      '',
      '```vram',
      'model: llama-2-7b',
      '```',
      '',
    ].join('\n')
    const file = new VFile({value: doc})
    transform(file)
    const data = file.data.vram
    expect(data?.version).toMatch(/^remark-vram@/)
    expect(data?.blocks.map((block) => [block.id, block.line, block.ok])).toEqual([
      ['q', 1, true],
      [undefined, 10, true],
    ])
    expect(data?.blocks[0]?.expectations.map((entry) => [entry.key, entry.ok])).toEqual([
      ['weights', true],
      ['kv_cache', false],
    ])
    expect(data?.errata).toEqual([
      {
        id: 'q',
        key: 'kv_cache',
        written: '28 GB',
        actual: '30.1 GB',
        erratum: 'wrong width',
        line: 7,
      },
    ])
  })
})
