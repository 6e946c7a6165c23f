/**
 * The site's decision chart (site/plugins/remark-decision-chart.mjs) on a
 * flowchart written by hand in remark-vram's grammar: the path in order, the
 * branches not taken beside their step, the text version, the same chart from
 * an HTML `<pre class="mermaid">`, and remark-vram's own output in both languages.
 */
import {describe, expect, it} from 'vitest'
import {parseDecisionGraph} from '../../site/plugins/decision-graph.mjs'
import remarkDecisionChart from '../../site/plugins/remark-decision-chart.mjs'
import {rehypeStringify, remarkParse, remarkRehype, remarkVram, unified} from '../hosts/shared.js'

const flowchart = `flowchart TD
  n_start(["Your configuration<br/>208 GB ✗"])
  n_q1{"Using ZeRO?"}
  n_a["Enable ZeRO-2<br/>102 GB ✗"]
  n_b["More TP #40;TP 4#41;<br/>53.6 GB ✓"]
  n_leaf[["Fits: ZeRO-2<br/>39.5 GB ✓"]]
  n_start --> n_q1
  n_q1 -->|"no"| n_a
  n_q1 -->|"yes"| n_b
  n_a --> n_leaf
  classDef path stroke-width:3px,font-weight:bold
  class n_start,n_q1,n_a,n_leaf path
  class n_start,n_a over`

function html(markdown: string, plugins: 'vram' | 'none' = 'none'): string {
  const processor = unified().use(remarkParse)
  if (plugins === 'vram') processor.use(remarkVram, {mermaid: 'pre'})
  return String(
    processor
      .use(remarkDecisionChart)
      .use(remarkRehype, {allowDangerousHtml: true})
      .use(rehypeStringify, {allowDangerousHtml: true})
      .processSync(markdown),
  )
}

describe('decision chart', () => {
  it('reads remark-vram’s flowchart: nodes, labels, edges, path, classes', () => {
    const graph = parseDecisionGraph(flowchart)
    expect(graph?.path).toEqual(['n_start', 'n_q1', 'n_a', 'n_leaf'])
    expect(graph?.nodes.get('n_b')?.lines).toEqual(['More TP (TP 4)', '53.6 GB ✓'])
    expect(graph?.nodes.get('n_q1')?.kind).toBe('question')
    expect(graph?.nodes.get('n_leaf')?.kind).toBe('leaf')
    expect(graph?.nodes.get('n_a')?.over).toBe(true)
    expect(graph?.edges).toContainEqual({from: 'n_q1', to: 'n_b', label: 'yes'})
    expect(parseDecisionGraph('graph LR\n  a --> b')).toBeUndefined()
  })

  it('draws the path as SVG steps and as an ordered list, with the branch not taken', () => {
    const out = html(`<pre class="mermaid">${flowchart.replace(/&/g, '&amp;')}</pre>\n`)
    expect(out.match(/class="dc-step"/g)).toHaveLength(4)
    expect(out.match(/class="dc-branch"/g)).toHaveLength(1)
    expect(out).toContain('role="img"')
    expect(out).toContain('aria-describedby="decision-1-text"')
    expect(out).toContain(
      '<li>Using ZeRO? Then: no. Not taken: yes → More TP (TP 4) — 53.6 GB (fits).</li>',
    )
    expect(out).toContain('<li>Enable ZeRO-2 — 102 GB (too big).</li>')
    expect(out).not.toContain('class="mermaid"')
  })

  it('replaces remark-vram’s own chart, in the page’s language', () => {
    const block = [
      '```vram',
      'model: llama-2-7b',
      'mode: training',
      'dtype: fp16',
      'batch: 32',
      'seq: 4096',
      'parallel: {dp: 8}',
      'gpu: h100-sxm-80gb',
      'show: [advice]',
      '```',
      '',
    ].join('\n')
    const en = html(block, 'vram')
    expect(en).toContain('<figure class="decision-chart">')
    expect(en).not.toContain('class="mermaid"')
    // The path of the site's §8 chart: ZeRO-2 first, then full recompute.
    expect(en).toMatch(/Enable ZeRO-2[\s\S]*Recompute activations \(full\)/)
    const zh = String(
      unified()
        .use(remarkParse)
        .use(remarkVram, {mermaid: 'pre', locale: 'zh'})
        .use(remarkDecisionChart)
        .use(remarkRehype)
        .use(rehypeStringify)
        .processSync(block),
    )
    expect(zh).toContain('文字版路径')
    expect(zh).toContain('当前配置：208 GB（装不下）。')
  })
})
