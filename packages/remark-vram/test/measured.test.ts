/**
 * `measured:` under the table: the published figure, how it was measured, its
 * source as a link and the ratio to the computed figure. The case is vLLM
 * 0.10.1.1 on one A100 80GB logging "Model loading took 14.2488 GiB" for
 * Qwen2-7B-Instruct (the shape of Qwen2.5-7B), at SOURCE below.
 */
import type {Link, Paragraph} from 'mdast'
import {describe, expect, test} from 'vitest'
import {toMarkdown, transform, VFile} from './pipelines.js'

const source =
  'https://github.com/dennislee22/vLLM-benchmarking/blob/b474d1e053c35c9aef8c02aae4efbc0d8675f033/log/vllm-7B-1gpuA10080GB-0.25GRAM.log'
const doc = `\`\`\`vram
model: qwen2.5-7b
dtype: bf16
gpu: a100-80gb
serve: {engine: vllm, gpu_memory_utilization: 0.25, max_model_len: 16384}
measured:
  weights: 14.2488 GiB
  how: vllm-log
  source: ${source}
\`\`\`
`

function render(locale?: string) {
  const file = new VFile({path: 'doc.md', value: doc})
  const tree = transform(file, locale ? {locale} : undefined)
  return {tree, file}
}

describe('measured: in the rendered page', () => {
  test('a paragraph after the summary: measured, as published, how, computed, ratio, source link', () => {
    const {tree, file} = render()
    expect(file.messages).toEqual([])
    const last = tree.children.at(-1) as Paragraph
    expect(last.type).toBe('paragraph')
    const link = last.children.find((child): child is Link => child.type === 'link')
    expect(link?.url).toBe(source)
    // 14.2488 GiB = 15.30 GB; computed 15,264,787,456 B (params × 2 + rotary cache) = 15.26 GB.
    expect(toMarkdown({type: 'root', children: [last]}).trim()).toBe(
      `Weights, measured: 15.3 GB (14.2488 GiB as published) by vLLM log; computed 15.3 GB, ratio 1.00 (computed / measured, within ±10%); [source](${source}).`,
    )
  })

  test('in Chinese', () => {
    const {tree} = render('zh')
    const text = toMarkdown({type: 'root', children: [tree.children.at(-1) as Paragraph]})
    expect(text.trim()).toBe(
      `实测模型参数：15.3 GB（原文 14.2488 GiB），测量方式 vLLM log；计算值 15.3 GB，比值 1.00（计算值 / 实测值，在 ±10% 以内）；[来源](${source})。`,
    )
  })

  test('shown even with show: []', () => {
    const file = new VFile({path: 'doc.md', value: doc.replace('measured:', 'show: []\nmeasured:')})
    const tree = transform(file)
    expect(tree.children).toHaveLength(1)
    expect(toMarkdown(tree)).toContain('ratio 1.00')
  })
})
