/**
 * Reads the decision chart remark-vram emits for `show: [advice]` (a mermaid
 * `flowchart TD` written by remark-vram's `flowchart()`) back into a graph:
 * nodes with their translated, formatted labels, labelled edges, the path
 * taken and the classes `over` (does not fit) and `other` (the branch of the
 * other mode). The grammar is remark-vram's own output, not mermaid at large:
 * one node or edge per line, labels quoted with mermaid's `#NN;` escapes and
 * `<br/>` line breaks.
 *
 * @typedef {'start' | 'question' | 'action' | 'leaf'} NodeKind
 * @typedef {{id: string, kind: NodeKind, lines: string[], over: boolean, other: boolean}} GraphNode
 * @typedef {{from: string, to: string, label: string | undefined}} GraphEdge
 * @typedef {{nodes: Map<string, GraphNode>, edges: GraphEdge[], path: string[]}} DecisionGraph
 */

/** Opening brackets of remark-vram's node shapes. */
const shapes = /** @type {const} */ ([
  ['([', 'start'],
  ['[[', 'leaf'],
  ['{', 'question'],
  ['[', 'action'],
])

/** @param {string} value */
function unescapeLabel(value) {
  return value.replace(/#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
}

/** @param {string} label */
function labelLines(label) {
  return label.split('<br/>').map(unescapeLabel)
}

/**
 * @param {string} source The flowchart's text.
 * @returns {DecisionGraph | undefined} `undefined` when it is not a flowchart of remark-vram's.
 */
export function parseDecisionGraph(source) {
  const lines = source.split('\n')
  if (lines[0]?.trim() !== 'flowchart TD') return undefined
  /** @type {Map<string, GraphNode>} */
  const nodes = new Map()
  /** @type {GraphEdge[]} */
  const edges = []
  /** @type {string[]} */
  let path = []
  for (const raw of lines.slice(1)) {
    const line = raw.trim()
    const edge = /^(\w+) -->(?:\|"([^"]*)"\|)? (\w+)$/.exec(line)
    if (edge) {
      const [, from, label, to] = edge
      edges.push({
        from: /** @type {string} */ (from),
        to: /** @type {string} */ (to),
        label: label === undefined ? undefined : unescapeLabel(label),
      })
      continue
    }
    const classes = /^class ([\w,]+) (\w+)$/.exec(line)
    if (classes) {
      const ids = /** @type {string} */ (classes[1]).split(',')
      const name = classes[2]
      if (name === 'path') path = ids
      for (const id of ids) {
        const node = nodes.get(id)
        if (node && name === 'over') node.over = true
        if (node && name === 'other') node.other = true
      }
      continue
    }
    const node = /^(\w+)(\(\[|\[\[|\{|\[)"(.*)"(\]\)|\]\]|\}|\])$/.exec(line)
    if (node) {
      const [, id, open, label] = node
      const kind = shapes.find(([bracket]) => bracket === open)?.[1] ?? 'action'
      nodes.set(/** @type {string} */ (id), {
        id: /** @type {string} */ (id),
        kind,
        lines: labelLines(/** @type {string} */ (label)),
        over: false,
        other: false,
      })
    }
  }
  if (nodes.size === 0) return undefined
  return {nodes, edges, path: path.filter((id) => nodes.has(id))}
}
