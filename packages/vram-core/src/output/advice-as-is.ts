import type {Advice, AdviceEdge, AdviceNode, Result, Scenario} from '../types.js'

/**
 * Ends an advice chart where nothing is to be changed: the writer's
 * configuration fits as it is, or there is no GPU to check it against. The
 * leaf follows the last node on the path; both charts (the §8 tree and the
 * single-GPU fine-tune) end this way.
 */
export function adviceAsIs(
  scenario: Scenario,
  base: Result,
  chart: {nodes: AdviceNode[]; edges: AdviceEdge[]; path: string[]},
): Advice {
  const {nodes, edges, path} = chart
  nodes.push({
    id: 'leaf',
    kind: 'leaf',
    label: scenario.gpu ? 'advice.fitsAsIs' : 'advice.noGpu',
    total: base.perDevice.total,
    fits: base.fits,
  })
  edges.push({from: path[path.length - 1] as string, to: 'leaf'})
  path.push('leaf')
  return {
    nodes,
    edges,
    path,
    solution: base.fits
      ? {change: {}, total: base.perDevice.total, devices: base.devices}
      : undefined,
  }
}
