import {visit} from 'unist-util-visit'
import {evaluateBlock} from 'vram-core'

/**
 * Site-only: inline code `arch:PRESET.FIELD` (for example `arch:qwen2.5-7b.layers`)
 * becomes that field of the model preset's architecture, as vram-core reads it
 * from the bundled Hugging Face config. remark-vram's references give computed
 * figures (`vram:ID.PATH`); the article's §7 also lists the model's shape, which
 * this prints from the same preset data instead of copying numbers by hand.
 */
const fields = {
  layers: (a) => a.layers,
  hidden: (a) => a.hidden,
  ffn: (a) => a.ffn,
  heads: (a) => a.heads,
  kv_heads: (a) => a.kvHeads ?? a.heads,
  head_dim: (a) => a.headDim ?? (a.hidden && a.heads ? a.hidden / a.heads : undefined),
  vocab: (a) => a.vocab,
  context: (a) => a.contextLength,
  name: (a) => a.name,
}

const cache = new Map()

function architecture(preset) {
  if (!cache.has(preset)) {
    const {block} = evaluateBlock({model: preset, show: []})
    cache.set(preset, block?.result?.scenario.model)
  }
  return cache.get(preset)
}

/** @returns {(tree: any, file: import('vfile').VFile) => void} */
export default function remarkArch() {
  return (tree, file) => {
    visit(tree, 'inlineCode', (node, index, parent) => {
      const match = /^arch:(.+)\.([a-z_]+)$/.exec(node.value)
      if (!match || !parent || index === undefined) return
      const [, preset, field] = match
      const read = fields[field]
      const arch = architecture(preset)
      const value = read && arch ? read(arch) : undefined
      if (value === undefined) {
        file.fail(`Unknown architecture reference \`${node.value}\``, {
          place: node.position,
          ruleId: 'unknown-reference',
          source: 'site',
        })
      }
      parent.children[index] = {
        type: 'text',
        value: typeof value === 'number' ? value.toLocaleString('en-US') : String(value),
      }
    })
  }
}
