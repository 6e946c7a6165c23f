import {visit} from 'unist-util-visit'
import {parseDecisionGraph} from './decision-graph.mjs'

/**
 * Site-only: draws remark-vram's decision chart (`show: [advice]`) as inline
 * SVG when the page is built, so article pages need no chart runtime and the
 * chart is there without JavaScript. Instead of mermaid's whole tree (a wide
 * picture that shrinks to unreadable text on a phone), it lays out the path
 * taken as one column, step under step, with each branch not taken beside the
 * step it leaves from. The column is 360 units wide, so at 390 px it is drawn
 * at its own size. Next to the picture, the same path as an ordered list: the
 * SVG's accessible description, and a `<details>` for any reader.
 *
 * Runs after remark-vram (in astro-vram's `afterRemarkPlugins`, and in the
 * playground's pipeline) and replaces its `<pre class="mermaid">` node.
 *
 * @typedef {import('./decision-graph.mjs').DecisionGraph} DecisionGraph
 * @typedef {import('./decision-graph.mjs').GraphNode} GraphNode
 * @typedef {{type: 'element', tagName: string, properties: Record<string, unknown>, children: Array<HastChild>}} HastElement
 * @typedef {HastElement | {type: 'text', value: string}} HastChild
 * @typedef {{locale?: 'en' | 'zh' | undefined}} Options
 */

const words = {
  en: {
    caption: 'The decision path, step by step; branches not taken on the right.',
    captionAlone: 'The decision path, step by step.',
    text: 'The path as text',
    notTaken: 'Not taken',
    fits: ' (fits)',
    tooBig: ' (too big)',
    next: 'Then',
    /** Punctuation of the text version. */
    join: ' — ',
    colon: ': ',
    stop: '.',
    space: ' ',
    semicolon: '; ',
    step_: (n) => ` (step ${n})`,
  },
  zh: {
    caption: '决策路径，逐步自上而下；右侧是没有走的分支。',
    captionAlone: '决策路径，逐步自上而下。',
    text: '文字版路径',
    notTaken: '未走的分支',
    fits: '（装得下）',
    tooBig: '（装不下）',
    next: '接着',
    join: '：',
    colon: '：',
    stop: '。',
    space: '',
    semicolon: '；',
    step_: (n) => `（第 ${n} 步）`,
  },
}

/** Layout, in SVG units (CSS pixels at the chart's own size). */
const width = 360
const margin = 4
const gutter = 24
const sideWidth = 116
const mainFont = 13
const mainLine = 17
const sideFont = 12
const sideLine = 15
const rowGap = 38
const sideGap = 6

/** Approximate advance of a character, in ems: CJK and full-width forms are square. */
function advance(character) {
  const code = character.codePointAt(0) ?? 0
  if (code >= 0x2e80) return 1
  if (character === ' ') return 0.3
  if (/[il.,:;'|!()[\]]/.test(character)) return 0.32
  if (/[MWmw@%]/.test(character)) return 0.85
  return 0.58
}

function measure(text, size) {
  let total = 0
  for (const character of text) total += advance(character)
  return total * size
}

/**
 * Breaks `text` into lines no wider than `room` units: between words for
 * Latin text, between any two characters for CJK.
 */
function wrap(text, room, size) {
  const tokens = text.match(/[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+/g) ?? []
  const lines = []
  let line = ''
  for (const token of tokens) {
    const next = line + token
    if (line.trim() !== '' && measure(next.trimEnd(), size) > room) {
      lines.push(line.trimEnd())
      line = /^\s+$/.test(token) ? '' : token
    } else line = next
  }
  if (line.trim() !== '') lines.push(line.trimEnd())
  return lines.length > 0 ? lines : ['']
}

/** @returns {HastElement} */
function h(tagName, properties, children = []) {
  return {
    type: 'element',
    tagName,
    properties,
    children: children.map((child) =>
      typeof child === 'string' ? {type: 'text', value: child} : child,
    ),
  }
}

/** A text block: one `<tspan>` per line, the first baseline at `y`. */
function textBlock(lines, x, y, lineHeight, className, anchor) {
  return h(
    'text',
    {x, y, className: [className], textAnchor: anchor},
    lines.map((line, index) => h('tspan', {x, dy: index === 0 ? 0 : lineHeight}, [line])),
  )
}

/** The shape of a node: pill, hexagon (question), box, or double box (leaf). */
function shape(node, x, y, w, hgt, classes) {
  const className = ['dc-shape', ...classes]
  if (node.kind === 'question') {
    const inset = 10
    const points = [
      [x + inset, y],
      [x + w - inset, y],
      [x + w, y + hgt / 2],
      [x + w - inset, y + hgt],
      [x + inset, y + hgt],
      [x, y + hgt / 2],
    ]
    return [h('polygon', {points: points.map((point) => point.join(',')).join(' '), className})]
  }
  const rx = node.kind === 'start' ? Math.min(hgt / 2, 18) : 4
  const outer = h('rect', {x, y, width: w, height: hgt, rx, className})
  if (node.kind !== 'leaf') return [outer]
  return [
    outer,
    h('rect', {
      x: x + 3,
      y: y + 3,
      width: w - 6,
      height: hgt - 6,
      rx: 2,
      className: ['dc-inner'],
    }),
  ]
}

function arrowHead(x, y, direction, className) {
  const points =
    direction === 'down'
      ? [
          [x - 4, y - 7],
          [x + 4, y - 7],
          [x, y],
        ]
      : [
          [x - 7, y - 4],
          [x - 7, y + 4],
          [x, y],
        ]
  return h('polygon', {points: points.map((point) => point.join(',')).join(' '), className})
}

/** The label of a node for the text version: ✓ and ✗ in words. */
function spoken(node, dictionary) {
  return node.lines
    .map((line) => line.replace(/ ✓$/, dictionary.fits).replace(/ ✗$/, dictionary.tooBig))
    .join(dictionary.join)
}

/**
 * The chart as hast: a `<figure>` holding the SVG, its caption and the text version.
 *
 * @param {DecisionGraph} graph
 * @param {'en' | 'zh'} locale
 * @param {string} id Unique prefix for the element ids.
 * @returns {HastElement}
 */
export function decisionChart(graph, locale, id) {
  const dictionary = words[locale]
  const steps = graph.path.map((name) => /** @type {GraphNode} */ (graph.nodes.get(name)))
  const stepOf = new Map(graph.path.map((name, index) => [name, index + 1]))
  /** Branches not taken, per step: edges leaving the step to anything but the next step. */
  const branches = steps.map((node, index) =>
    graph.edges
      .filter((edge) => edge.from === node.id && edge.to !== graph.path[index + 1])
      .map((edge) => ({edge, target: /** @type {GraphNode} */ (graph.nodes.get(edge.to))}))
      .filter((branch) => branch.target !== undefined),
  )
  const withSide = branches.some((list) => list.length > 0)
  const mainWidth = withSide ? width - 2 * margin - gutter - sideWidth : width - 2 * margin
  const sideX = margin + mainWidth + gutter
  const centre = margin + mainWidth / 2

  /** @type {HastElement[]} */
  const drawn = []
  let y = margin
  steps.forEach((node, index) => {
    const inset = node.kind === 'question' ? 18 : 10
    // The step labels are bold: measure them a little wider.
    const lines = node.lines.flatMap((line) => wrap(line, mainWidth - 2 * inset, mainFont * 1.12))
    const boxHeight = lines.length * mainLine + 14
    const fits = node.lines.some((line) => line.endsWith('✓'))
    const classes = [
      `dc-${node.kind}`,
      ...(node.over ? ['dc-over'] : []),
      ...(fits ? ['dc-fits'] : []),
    ]
    drawn.push(
      h('g', {className: ['dc-step']}, [
        ...shape(node, margin, y, mainWidth, boxHeight, classes),
        textBlock(lines, centre, y + 7 + mainFont, mainLine, 'dc-label', 'middle'),
      ]),
    )
    // Branches not taken: dashed boxes on the right, each behind its edge's label.
    let sideY = y
    for (const {edge, target} of branches[index] ?? []) {
      const later = stepOf.get(target.id)
      const head = `${edge.label ?? ''} →`.trim()
      const body = target.lines.flatMap((line) => wrap(line, sideWidth - 12, sideFont))
      if (later !== undefined) body.push(dictionary.step_(later).trim())
      const sideLines = [...wrap(head, sideWidth - 12, sideFont), ...body]
      const sideHeight = sideLines.length * sideLine + 10
      const from = y + boxHeight / 2
      const to = sideY + Math.min(sideHeight / 2, 16)
      drawn.push(
        h('g', {className: ['dc-branch']}, [
          h('polyline', {
            points: `${margin + mainWidth},${from} ${sideX - 10},${from} ${sideX - 10},${to} ${sideX},${to}`,
            className: ['dc-branch-edge'],
          }),
          arrowHead(sideX, to, 'right', ['dc-branch-head']),
          h('rect', {
            x: sideX,
            y: sideY,
            width: sideWidth,
            height: sideHeight,
            rx: 4,
            className: ['dc-branch-box'],
          }),
          textBlock(
            sideLines,
            sideX + 6,
            sideY + 5 + sideFont,
            sideLine,
            'dc-branch-label',
            'start',
          ),
        ]),
      )
      sideY += sideHeight + sideGap
    }
    const rowBottom = Math.max(y + boxHeight, sideY - sideGap)
    if (index + 1 < steps.length) {
      const next = rowBottom + rowGap
      const edge = graph.edges.find(
        (candidate) => candidate.from === node.id && candidate.to === graph.path[index + 1],
      )
      drawn.push(
        h('line', {
          x1: centre,
          y1: y + boxHeight,
          x2: centre,
          y2: next - 1,
          className: ['dc-edge'],
        }),
        arrowHead(centre, next, 'down', ['dc-head']),
      )
      if (edge?.label) {
        drawn.push(
          textBlock(
            [edge.label],
            centre + 8,
            (rowBottom + next) / 2 + 4,
            sideLine,
            'dc-edge-label',
            'start',
          ),
        )
      }
      y = next
    } else y = rowBottom
  })
  const height = Math.ceil(y + margin)

  const captionId = `${id}-caption`
  const textId = `${id}-text`
  const items = steps.map((node, index) => {
    const next = graph.edges.find(
      (edge) => edge.from === node.id && edge.to === graph.path[index + 1],
    )
    const d = dictionary
    /** A sentence ends with the language's full stop, unless it already ends with `?`, `？`, …. */
    const sentence = (text) => (/[?？!！.。]$/.test(text) ? text : `${text}${d.stop}`)
    const sentences = [sentence(spoken(node, d))]
    if (next?.label) sentences.push(sentence(`${d.next}${d.colon}${next.label}`))
    const notTaken = (branches[index] ?? []).map(({edge, target}) => {
      const later = stepOf.get(target.id)
      return `${edge.label ?? ''} → ${spoken(target, d)}${later ? d.step_(later) : ''}`
    })
    if (notTaken.length > 0) {
      sentences.push(sentence(`${d.notTaken}${d.colon}${notTaken.join(d.semicolon)}`))
    }
    const parts = [sentences.join(d.space)]
    return h('li', {}, [parts.join('')])
  })

  return h('figure', {className: ['decision-chart']}, [
    h('div', {className: ['decision-chart-picture']}, [
      h(
        'svg',
        {
          viewBox: `0 0 ${width} ${height}`,
          width,
          height,
          role: 'img',
          ariaLabelledBy: captionId,
          ariaDescribedBy: textId,
          className: ['decision-chart-svg'],
        },
        drawn,
      ),
    ]),
    h('figcaption', {id: captionId}, [withSide ? dictionary.caption : dictionary.captionAlone]),
    h('details', {className: ['decision-chart-text']}, [
      h('summary', {}, [dictionary.text]),
      h('ol', {id: textId}, items),
    ]),
  ])
}

/**
 * @param {Readonly<Options> | null | undefined} [options]
 * @returns {(tree: any, file: import('vfile').VFile) => void}
 */
export default function remarkDecisionChart(options) {
  return (tree, file) => {
    /** @type {any} */
    const data = file.data
    const language = String(
      options?.locale ?? data.astro?.frontmatter?.lang ?? data.vram?.locale ?? 'en',
    )
    const locale = language.startsWith('zh') ? 'zh' : 'en'
    let count = 0
    visit(tree, (node) => {
      let source
      const hast = node.data
      const classes = hast?.hProperties?.className
      if (
        node.type === 'paragraph' &&
        hast?.hName === 'pre' &&
        Array.isArray(classes) &&
        classes.includes('mermaid')
      ) {
        source = String(hast.hChildren?.[0]?.value ?? '')
      } else if (node.type === 'html') {
        // The same chart already expanded to HTML (the site benchmark's pre-expanded pages).
        const html = /^<pre class="mermaid">([\s\S]*)<\/pre>$/.exec(node.value.trim())?.[1]
        if (html === undefined) return
        source = html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
      } else return
      const graph = parseDecisionGraph(source)
      if (!graph || graph.path.length === 0) return
      const figure = decisionChart(graph, locale, `decision-${++count}`)
      Object.assign(node, {
        type: 'paragraph',
        children: [],
        data: {hName: figure.tagName, hProperties: figure.properties, hChildren: figure.children},
      })
      delete node.value
    })
  }
}
