import {visit} from 'unist-util-visit'

/**
 * Site-only: puts an empty anchor `<div id="vram-ID">` before every
 * ```` ```vram id=ID ```` fence, so the errata box can link to the table a
 * figure belongs to. Runs before remark-vram (which replaces the fence).
 *
 * @returns {(tree: any) => void}
 */
export default function remarkVramAnchors() {
  return (tree) => {
    /** @type {Array<{parent: any, index: number, id: string}>} */
    const found = []
    visit(tree, 'code', (node, index, parent) => {
      if (node.lang !== 'vram' || !parent || index === undefined) return
      const id =
        /(?:^|\s)id=([A-Za-z_][\w-]*)/.exec(node.meta ?? '')?.[1] ??
        /^id:\s*([A-Za-z_][\w-]*)\s*$/m.exec(node.value)?.[1]
      if (id) found.push({parent, index, id})
    })
    for (const {parent, index, id} of found.reverse()) {
      parent.children.splice(index, 0, {
        type: 'html',
        value: `<div id="vram-${id}" class="vram-anchor"></div>`,
      })
    }
  }
}
