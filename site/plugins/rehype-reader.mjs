import GithubSlugger from 'github-slugger'
import {visit} from 'unist-util-visit'

/**
 * Site-only rehype plugins for readers on any screen.
 *
 * @typedef {{type: string, tagName?: string, value?: string, properties?: Record<string, any>, children?: any[]}} Node
 */

/** @param {Node} node */
function textOf(node) {
  if (node.type === 'text') return node.value ?? ''
  if (node.properties?.className?.includes?.('katex-mathml')) return ''
  return (node.children ?? []).map(textOf).join('')
}

/** @param {import('vfile').VFile} file */
function localeOf(file) {
  /** @type {any} */
  const data = file.data
  return String(data.astro?.frontmatter?.lang ?? data.vram?.locale ?? 'en').startsWith('zh')
    ? 'zh'
    : 'en'
}

/**
 * Every `<h2>`–`<h4>` gets an id (GitHub's slugs, as Astro's own, which keeps
 * ids already set) and a link to itself, so any section can be shared. The
 * link's `#` is drawn by CSS: the heading's text (and Astro's table of
 * contents built from it) stays the writer's.
 *
 * @returns {(tree: Node, file: import('vfile').VFile) => void}
 */
export function rehypeHeadingAnchors() {
  return (tree, file) => {
    const slugger = new GithubSlugger()
    const zh = localeOf(file) === 'zh'
    visit(tree, 'element', (node) => {
      if (!/^h[2-4]$/.test(node.tagName ?? '')) return
      node.properties ??= {}
      const text = textOf(node).trim()
      const id = String(node.properties.id ?? slugger.slug(text))
      node.properties.id = id
      node.children ??= []
      node.children.push({
        type: 'element',
        tagName: 'a',
        properties: {
          className: ['heading-anchor'],
          href: `#${id}`,
          ariaLabel: zh ? `本节链接：${text}` : `Link to this section: ${text}`,
        },
        children: [],
      })
    })
  }
}

/** A scroll region: focusable (the arrow keys scroll it) and named. */
function region(className, label, child, hint) {
  return {
    type: 'element',
    tagName: 'div',
    properties: {
      className: [className],
      role: 'region',
      tabIndex: 0,
      ariaLabel: label,
      dataLabel: label,
      // Shown above a table while it scrolls (the layout's script marks the region).
      dataHint: hint,
    },
    children: [child],
  }
}

/** @param {Node} node */
function isDisplayMath(node) {
  if (node.tagName !== 'pre') return false
  const code = node.children?.find((child) => child.tagName === 'code')
  return Boolean(code?.properties?.className?.includes?.('math-display'))
}

/**
 * Every `<table>` and every display formula goes into a scroll region: on a
 * phone a wide one scrolls inside it, never the page. The region can be
 * focused (keyboard readers scroll it with the arrow keys) and is named: a
 * table after its caption line (remark-vram writes one before each
 * breakdown) or its section, a formula by its number. The layout's script
 * keeps role, name and tab stop only on regions that do scroll on the
 * reader's screen; without JavaScript every region keeps them.
 *
 * @returns {(tree: Node, file: import('vfile').VFile) => void}
 */
export function rehypeTableRegions() {
  return (tree, file) => {
    const zh = localeOf(file) === 'zh'
    const used = new Map()
    let heading = ''
    let formulas = 0
    /** @param {Node} parent */
    const walk = (parent) => {
      const children = parent.children ?? []
      for (let index = 0; index < children.length; index++) {
        const node = children[index]
        if (node.type !== 'element') continue
        if (/^h[1-6]$/.test(node.tagName ?? '')) {
          heading = textOf(node).trim()
          continue
        }
        if (isDisplayMath(node)) {
          formulas += 1
          children[index] = region(
            'math-scroll',
            zh ? `公式 ${formulas}` : `Formula ${formulas}`,
            node,
          )
          continue
        }
        if (node.tagName !== 'table') {
          if (node.tagName !== 'figure' && node.tagName !== 'svg') walk(node)
          continue
        }
        if (parent.properties?.className?.includes?.('table-scroll')) continue
        let previous
        for (let back = index - 1; back >= 0; back--) {
          const candidate = children[back]
          if (candidate.type === 'element') {
            previous = candidate
            break
          }
        }
        const caption = previous?.tagName === 'p' ? textOf(previous).trim() : ''
        let name = caption && caption.length <= 160 ? caption : heading
        if (!name) name = zh ? '表格' : 'Table'
        const seen = (used.get(name) ?? 0) + 1
        used.set(name, seen)
        if (seen > 1) name = `${name} (${seen})`
        children[index] = region(
          'table-scroll',
          zh ? `表格：${name}` : `Table: ${name}`,
          node,
          zh ? '左右滑动查看整张表 →' : 'Scroll sideways for the whole table →',
        )
      }
    }
    walk(tree)
  }
}
