import type {Code, Paragraph} from 'mdast'
import type {Advice, AdviceNode, Mode} from 'vram-core'
import type {Formatter} from './format.js'
import {fill, type LabelKey} from './locale.js'
import {text} from './mdast.js'
import type {MermaidShape} from './options.js'

/**
 * Escapes text for a quoted mermaid label (`"..."`): quotes, `#`, `<`, `>`,
 * `&` and backticks become mermaid entity codes (`#34;`), line breaks become
 * spaces. Nothing a label contains can close the quotes, start markup or a
 * markdown string.
 */
export function escapeLabel(value: string): string {
  return value
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[#"<>&`]/g, (character) => `#${character.codePointAt(0)};`)
}

/** Line break inside a label: mermaid's own `<br/>`, never part of escaped text. */
const lineBreak = '<br/>'

const shapes: Record<AdviceNode['kind'], [string, string]> = {
  start: ['([', '])'],
  question: ['{', '}'],
  action: ['[', ']'],
  leaf: ['[[', ']]'],
}

/** A configuration change (`{'parallel.zero': 2}`) in words: `ZeRO-2, TP 2`. */
export function describeChange(
  change: Readonly<Record<string, string | number | boolean>> | undefined,
  format: Formatter,
): string {
  if (!change) return ''
  const dictionary = format.dictionary
  const names: Record<string, LabelKey> = {
    'parallel.zero': 'advice.change.zero',
    'parallel.tp': 'advice.change.tp',
    'parallel.pp': 'advice.change.pp',
    'parallel.sp': 'advice.change.sp',
    recompute: 'advice.change.recompute',
    dtype: 'advice.change.dtype',
    kv_dtype: 'advice.change.kvDtype',
    seq: 'advice.change.seq',
    'model.kv_heads': 'advice.change.kvHeads',
    micro_batch: 'advice.change.microBatch',
    grad_accum: 'advice.change.gradAccum',
    optimizer: 'advice.change.optimizer',
    'parallel.offload': 'advice.change.offload',
    adapter: 'advice.change.adapter',
    'serve.cache_type': 'advice.change.kvDtype',
    'serve.ctx_size': 'advice.change.ctx',
    'serve.n_gpu_layers': 'advice.change.gpuLayers',
  }
  const parts: string[] = []
  for (const [key, value] of Object.entries(change)) {
    if (key === 'parallel.sp' && value === false) continue
    // Values the captions already name in the page's language (`AdamW`, "optimizer offloaded to CPU").
    const worded =
      key === 'optimizer'
        ? dictionary[`caption.optimizer.${value}` as LabelKey]
        : key === 'parallel.offload'
          ? dictionary[`caption.offload.${value}` as LabelKey]
          : undefined
    if (worded) {
      parts.push(worded)
      continue
    }
    const name = names[key]
    const shown =
      typeof value === 'number'
        ? format.integer(value)
        : typeof value === 'string'
          ? format.value(key, value)
          : String(value)
    parts.push(name ? fill(dictionary[name], {value: shown}) : `${key} = ${shown}`)
  }
  return parts.join(dictionary['caption.comma'])
}

function nodeLabel(node: AdviceNode, format: Formatter, figures: boolean): string {
  const dictionary = format.dictionary
  const params: Record<string, string | number | undefined> = {}
  for (const [key, value] of Object.entries((figures && node.params) || {})) {
    params[key] =
      typeof value === 'number'
        ? key === 'share'
          ? value
          : format.integer(value)
        : format.value(key, value)
  }
  if (node.kind === 'leaf') {
    params.change = describeChange(node.change, format)
    if (node.change && Object.keys(node.change).length === 0) params.change = undefined
  }
  const template = dictionary[node.label as LabelKey] ?? node.label
  const lines = [escapeLabel(fill(template, params))]
  if (figures && node.params?.none !== undefined)
    lines.push(escapeLabel(dictionary['advice.noOption']))
  if (figures && node.skipped && node.params === undefined) {
    // A step that changes nothing here (already applied, or not applicable).
    lines.push(escapeLabel(dictionary['advice.skipped']))
  } else if (figures && node.total !== undefined) {
    const mark = node.fits === undefined ? '' : node.fits ? ' ✓' : ' ✗'
    lines.push(escapeLabel(`${format.sizeWithUnit(node.total)}${mark}`))
  }
  return lines.join(lineBreak)
}

/** Nodes reachable from `from` along `edges`. */
function reachable(advice: Advice, from: string): Set<string> {
  const seen = new Set<string>([from])
  const queue = [from]
  while (queue.length > 0) {
    const current = queue.shift() as string
    for (const edge of advice.edges) {
      if (edge.from === current && !seen.has(edge.to)) {
        seen.add(edge.to)
        queue.push(edge.to)
      }
    }
  }
  return seen
}

/**
 * The article's §8 decision tree as a mermaid `flowchart TD`. Every node of
 * the branch of the block's mode shows its per-device total (✓ fits, ✗ does
 * not); the other mode's branch is drawn without figures and faded (class
 * `other`). The path taken gets the `path` class (thicker stroke, bold text)
 * and thicker edges; configurations that do not fit get a dashed border
 * (class `over`). No colours: the site's mermaid theme (light or dark) applies.
 */
export function flowchart(advice: Advice, format: Formatter, mode: Mode): string {
  const id = (name: string) => `n_${name.replace(/[^\w-]/g, '_')}`
  const otherEdge = `advice.edge.${mode === 'training' ? 'inference' : 'training'}`
  const onPath = new Set(advice.path)
  const other = new Set<string>()
  for (const edge of advice.edges) {
    if (edge.label !== otherEdge) continue
    for (const name of reachable(advice, edge.to)) if (!onPath.has(name)) other.add(name)
  }
  const lines = ['flowchart TD']
  for (const node of advice.nodes) {
    const [open, close] = shapes[node.kind]
    const label = nodeLabel(node, format, !other.has(node.id))
    lines.push(`  ${id(node.id)}${open}"${label}"${close}`)
  }
  const pathSteps = new Set<string>()
  for (let index = 0; index + 1 < advice.path.length; index++) {
    pathSteps.add(`${advice.path[index]}>${advice.path[index + 1]}`)
  }
  const pathEdges: number[] = []
  advice.edges.forEach((edge, index) => {
    const label = edge.label
      ? `|"${escapeLabel(format.dictionary[edge.label as LabelKey] ?? edge.label)}"|`
      : ''
    lines.push(`  ${id(edge.from)} -->${label} ${id(edge.to)}`)
    if (pathSteps.has(`${edge.from}>${edge.to}`)) pathEdges.push(index)
  })
  lines.push('  classDef path stroke-width:3px,font-weight:bold')
  lines.push('  classDef over stroke-dasharray:5 3')
  lines.push('  classDef other opacity:0.5')
  if (advice.path.length > 0) lines.push(`  class ${advice.path.map(id).join(',')} path`)
  const over = advice.nodes
    .filter((node) => node.fits === false && !other.has(node.id))
    .map((node) => id(node.id))
  if (over.length > 0) lines.push(`  class ${over.join(',')} over`)
  if (other.size > 0) lines.push(`  class ${[...other].map(id).join(',')} other`)
  if (pathEdges.length > 0) lines.push(`  linkStyle ${pathEdges.join(',')} stroke-width:3px`)
  return lines.join('\n')
}

/** The flowchart as the node `shape` asks for. */
export function mermaidNode(diagram: string, shape: MermaidShape): Code | Paragraph {
  if (shape === 'code') return {type: 'code', lang: 'mermaid', meta: null, value: diagram}
  // A paragraph whose hast is replaced: `<pre class="mermaid">` (not `pre > code`,
  // so syntax highlighters leave it alone) or Docusaurus's `<mermaid value>`.
  // Serialised back to markdown it is a plain paragraph of the diagram's text.
  if (shape === 'pre') {
    return {
      type: 'paragraph',
      children: [text(diagram)],
      data: {
        hName: 'pre',
        hProperties: {className: ['mermaid']},
        hChildren: [{type: 'text', value: diagram}],
      },
    }
  }
  return {
    type: 'paragraph',
    children: [text(diagram)],
    data: {hName: 'mermaid', hProperties: {value: diagram}, hChildren: []},
  }
}
