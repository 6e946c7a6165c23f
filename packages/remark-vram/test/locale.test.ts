/**
 * Every label the plugin writes has a translation in each built-in
 * dictionary, and Chinese output carries no English words or stray spaces.
 */
import {describe, expect, test} from 'vitest'
import {
  accountings,
  attentions,
  modes,
  optimizers,
  precisions,
  quantizeScopes,
  recomputes,
} from 'vram-core'
import {en, type LabelKey, sameInEveryLanguage, zh} from '../src/locale.js'
import {toMarkdown, transform, VFile} from './pipelines.js'

const keys = Object.keys(en).filter((key) => key !== 'intl' && key !== 'count') as LabelKey[]
const placeholders = (template: string) =>
  [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('the zh dictionary', () => {
  test.each(keys)('translates %s', (key) => {
    const value = (zh as Record<string, unknown>)[key]
    expect(typeof value === 'string' && value.length > 0, `zh has no ${key}`).toBe(true)
    if (!sameInEveryLanguage.has(key)) {
      expect(value, `zh ${key} is the English text; translate it`).not.toBe(en[key])
    }
    expect(placeholders(value as string)).toEqual(placeholders(en[key]))
  })

  test('has no label English lacks', () => {
    const extra = Object.keys(zh).filter((key) => !(key in en))
    expect(extra).toEqual([])
  })
})

/**
 * Words that stay as they are in Chinese technical writing: names of models,
 * GPUs, frameworks, optimizers and dtypes, and the symbols of the article.
 */
const untranslated = new Set(
  `Llama Qwen GPU GPUs GB GiB KV TP PP DP EP CP SP ZeRO AdamW Adam SGD Adafactor Lion bf fp
  FlashAttention eager DeepSpeed CPU CUDA GQA int bpw nf H100 SXM A100 80GB GeForce RTX B N M`.split(
    /\s+/,
  ),
)

function englishWords(markdown: string): string[] {
  const file = new VFile({value: markdown})
  const tree = transform(file, {locale: 'zh', errors: 'warn'})
  expect(file.messages.map((message) => message.reason)).toEqual([])
  // In a mermaid chart, only the quoted labels are words a reader sees.
  const visible = toMarkdown(tree).replace(/```mermaid\n([\s\S]*?)```/g, (_, chart: string) =>
    (chart.match(/"[^"]*"/g) ?? []).join(' ').replaceAll('<br/>', ' '),
  )
  const words = visible.match(/[A-Za-z][A-Za-z]*(?:-[A-Za-z]+)*/g) ?? []
  return words.filter(
    (word) => word.length > 1 && !untranslated.has(word) && !/^(bf|fp|int)\d/.test(word),
  )
}

/** A block sweeping `key` over every value the engine accepts. */
function sweepOver(key: string, values: readonly string[], base: string): string {
  return `\`\`\`vram\nmodel: llama-2-7b\ngpu: h100-sxm-80gb\n${base}vary: {${key}: [${values.join(', ')}]}\n\`\`\`\n`
}

describe('Chinese output', () => {
  const training = 'mode: training\nparallel: {dp: 2, zero: 1}\n'
  const cases: Array<[string, readonly string[], string]> = [
    ['mode', modes, ''],
    ['precision', precisions, 'mode: training\n'],
    ['optimizer', optimizers, training],
    ['recompute', recomputes, training],
    ['attention', attentions, ''],
    ['accounting', accountings, training],
    ['quantize', quantizeScopes, 'dtype: int4\n'],
    [
      'parallel.offload',
      ['none', 'optimizer', 'params'],
      'mode: training\nparallel: {dp: 2, zero: 3}\n',
    ],
    ['parallel.sp', ['true', 'false'], 'parallel: {tp: 2}\n'],
  ]
  test.each(cases)('translates every value of %s', (key, values, base) => {
    expect(englishWords(sweepOver(key, values, base))).toEqual([])
  })

  test('translates captions, summaries, breakdowns and matrices', () => {
    const markdown = [
      '```vram\nmodel: llama-2-7b\nmode: training\nrecompute: selective\nattention: eager\nparallel: {tp: 2, sp: true, dp: 2, zero: 2, offload: optimizer}\ngpu: a100-80gb\nshow: [breakdown, summary]\n```',
      '```vram\nmodel: llama-3.1-8b\ngpu: rtx-4090\nvary: {dtype: [bf16, int4], seq: [4096, 32768]}\n```',
      '```vram\nmodel: llama-2-7b\nmode: training\nbatch: 8\ngpu: h100-sxm-80gb\nvary: {parallel.dp: [1, 8]}\n```',
      '```vram\nmodel: llama-2-7b\nmode: training\nbatch: 8\nparallel: {dp: 8}\ngpu: rtx-4090\nshow: [summary, advice]\n```',
      '```vram\nmodel: llama-3.1-70b\nseq: 32768\nbatch: 8\ngpu: h100-sxm-80gb\nshow: [summary, advice]\n```',
    ].join('\n\n')
    expect(englishWords(markdown)).toEqual([])
  })

  test('has no space between two Chinese words', () => {
    const file = new VFile({
      value: '```vram\nmodel: llama-2-7b\nvary: {dtype: [bf16, int8]}\n```\n',
    })
    const text = toMarkdown(transform(file, {locale: 'zh'}))
    expect(text).toContain('对比数据类型')
    expect(text).not.toMatch(/[\p{Script=Han}] +[\p{Script=Han}]/u)
  })
})
