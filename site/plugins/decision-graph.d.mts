export type NodeKind = 'start' | 'question' | 'action' | 'leaf'

export interface GraphNode {
  id: string
  kind: NodeKind
  /** The label's lines, translated and formatted by remark-vram. */
  lines: string[]
  /** Does not fit (class `over`). */
  over: boolean
  /** On the other mode's branch (class `other`). */
  other: boolean
}

export interface GraphEdge {
  from: string
  to: string
  label: string | undefined
}

export interface DecisionGraph {
  nodes: Map<string, GraphNode>
  edges: GraphEdge[]
  /** Node ids of the path taken, in order. */
  path: string[]
}

export function parseDecisionGraph(source: string): DecisionGraph | undefined
