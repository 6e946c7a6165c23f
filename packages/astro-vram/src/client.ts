// Client-side mermaid (astro-vram's `diagrams: 'client'`, also usable on its
// own as `astro-vram/client`): turns every `pre.mermaid` (remark-vram's
// `mermaid: 'pre'` output) and every ```mermaid block left alone by Shiki
// (`pre > code.language-mermaid`) into an SVG, in the light or dark theme the
// reader's system asks for, and redraws when that preference changes. Mermaid
// comes from the npm package, bundled by Vite; it is only loaded on pages that
// have a diagram.

type Mermaid = typeof import('mermaid')['default']

const darkQuery = window.matchMedia('(prefers-color-scheme: dark)')
let loading: Promise<Mermaid> | undefined
// Renders run one after another: a redraw resets nodes another run may be drawing.
let queue: Promise<void> = Promise.resolve()

function load(): Promise<Mermaid> {
  loading ??= import('mermaid').then((module) => module.default)
  return loading
}

/** Renders (or re-renders) the diagrams inside `root`. */
export function renderMermaid(root: ParentNode = document): Promise<void> {
  const next = queue.then(() => draw(root))
  queue = next.catch(() => undefined)
  return next
}

/** A ```mermaid block (`<pre><code class="language-mermaid">`) becomes `pre.mermaid`. */
function adoptCodeBlocks(root: ParentNode): void {
  for (const code of root.querySelectorAll<HTMLElement>('pre > code.language-mermaid')) {
    const pre = code.parentElement as HTMLElement
    pre.classList.add('mermaid')
    pre.textContent = code.textContent ?? ''
  }
}

async function draw(root: ParentNode): Promise<void> {
  adoptCodeBlocks(root)
  const nodes = [...root.querySelectorAll<HTMLElement>('pre.mermaid')]
  if (nodes.length === 0) return
  for (const node of nodes) {
    // Keep the diagram source so a theme change can draw it again.
    if (node.dataset.source === undefined) node.dataset.source = node.textContent ?? ''
    else if (node.dataset.processed) {
      node.removeAttribute('data-processed')
      node.textContent = node.dataset.source
    }
  }
  const mermaid = await load()
  mermaid.initialize({
    startOnLoad: false,
    theme: darkQuery.matches ? 'dark' : 'default',
    securityLevel: 'strict',
    flowchart: {htmlLabels: true},
  })
  await mermaid.run({nodes})
}

/** Renders the page's diagrams now and again whenever the colour scheme changes. */
export function watchMermaid(): void {
  const render = () => {
    renderMermaid().catch((error: unknown) => console.error('mermaid failed:', error))
  }
  render()
  darkQuery.addEventListener('change', render)
}
