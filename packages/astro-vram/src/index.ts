/**
 * astro-vram: the Astro integration of remark-vram. `integrations: [vram()]`
 * registers remark-math, remark-vram and rehype-katex, serves KaTeX's CSS
 * (from the katex that rehype-katex renders with), keeps ```mermaid away from
 * Shiki and draws the diagrams (a client script bundled by Vite, or SVG at
 * build time).
 */
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'
import type {AstroIntegration} from 'astro'
import rehypeKatex from 'rehype-katex'
import remarkMath from 'remark-math'
import remarkVram, {
  documentsReading,
  onConfigRead,
  type Options as RemarkVramOptions,
  version,
} from 'remark-vram'
import type {Pluggable, PluggableList} from 'unified'

/** How the mermaid diagrams (the `advice` chart, and your own ```` ```mermaid ````) are drawn. */
export type Diagrams = 'client' | 'svg' | false

/** Options of rehype-katex (KaTeX's own options). */
export type KatexOptions = Record<string, unknown>

/** Configuration of `vram()`: remark-vram's options, plus what the integration wires. */
export interface Options extends Omit<RemarkVramOptions, 'mermaid'> {
  /**
   * `'client'` (default): a script, bundled by Vite and loaded by every page,
   * imports mermaid only on pages with a diagram and draws it in the reader's
   * light or dark theme. `'svg'`: SVG at build time with rehype-mermaid, which
   * needs `rehype-mermaid` and `playwright` installed and a Chromium
   * (`svg.executablePath`). `false`: remark-vram emits `<pre class="mermaid">`
   * and you draw it yourself.
   */
  diagrams?: Diagrams | null | undefined
  /** rehype-mermaid's options for `diagrams: 'svg'` (`strategy`, `launchOptions`, `mermaidConfig`). */
  svg?: Readonly<Record<string, unknown>> | null | undefined
  /**
   * `true` (default): rehype-katex renders the formulas and every page links
   * KaTeX's CSS (and fonts) of the same katex; an object: rehype-katex's
   * options; `false`: neither (bring your own math renderer).
   */
  katex?: boolean | KatexOptions | null | undefined
  /**
   * Remark plugins to run after remark-vram (your `markdown.remarkPlugins`
   * run before it): those that read its output, such as `file.data.vram`.
   */
  afterRemarkPlugins?: PluggableList | null | undefined
}

const require = createRequire(import.meta.url)

/** KaTeX's stylesheet from the katex that rehype-katex itself imports. */
export function katexCssPath(): string {
  const fromRehypeKatex = createRequire(require.resolve('rehype-katex'))
  return fromRehypeKatex.resolve('katex/dist/katex.min.css')
}

/** The client script that draws `pre.mermaid` and `code.language-mermaid`. */
const clientPath = fileURLToPath(new URL('./client.js', import.meta.url))

/** Languages Shiki (or Prism) must leave alone: diagrams and math. */
const excludedLanguages = ['mermaid', 'math']

/**
 * The integration: `integrations: [vram()]` in `astro.config.mjs`.
 *
 * @param options Configuration (optional); remark-vram's options pass through.
 */
export default function vram(options?: Readonly<Options> | null | undefined): AstroIntegration {
  const {
    diagrams = 'client',
    svg,
    katex = true,
    afterRemarkPlugins,
    ...remarkVramOptions
  } = options ?? {}
  return {
    name: 'astro-vram',
    hooks: {
      'astro:config:setup': async ({config, updateConfig, injectScript, logger}) => {
        const remarkPlugins: PluggableList = [
          remarkMath,
          // `version` makes Astro's content cache key change when the figures may change.
          [remarkVram, {version, ...remarkVramOptions, mermaid: 'pre'}],
          ...(afterRemarkPlugins ?? []),
        ]
        const rehypePlugins: PluggableList = []
        if (katex !== false && katex !== null) {
          rehypePlugins.push(katex === true ? rehypeKatex : [rehypeKatex, katex])
          injectScript('page-ssr', `import ${JSON.stringify(katexCssPath())}`)
        }
        if (diagrams === 'svg') rehypePlugins.push(await rehypeMermaid(svg))
        else if (diagrams === 'client') {
          injectScript(
            'page',
            `import {watchMermaid} from ${JSON.stringify(clientPath)}\nwatchMermaid()`,
          )
        }

        const markdown = config.markdown as typeof config.markdown & {processor?: unknown}
        // Astro ≥ 6.4 `markdown.processor`: the unified processor takes the plugins in its options.
        if (markdown.processor !== undefined) {
          const processorOptions = (markdown.processor as {options?: Record<string, unknown>})
            .options
          if (processorOptions && Array.isArray(processorOptions.remarkPlugins)) {
            processorOptions.remarkPlugins.push(...remarkPlugins)
            processorOptions.rehypePlugins = [
              ...((processorOptions.rehypePlugins as PluggableList | undefined) ?? []),
              ...rehypePlugins,
            ]
          } else {
            logger.warn(
              'this markdown processor runs no remark plugins: use `processor: unified()` from @astrojs/markdown-remark so that ```vram blocks are computed',
            )
          }
        }

        const highlight = markdown.syntaxHighlight as unknown
        updateConfig({
          markdown: {
            ...(markdown.processor === undefined ? {remarkPlugins, rehypePlugins} : {}),
            ...(typeof highlight === 'string'
              ? {syntaxHighlight: {type: highlight, excludeLangs: excludedLanguages}}
              : typeof highlight === 'object' && highlight !== null
                ? {syntaxHighlight: {excludeLangs: missing(highlight, excludedLanguages)}}
                : {}),
          } as never,
        })
      },
      // A page is rendered again when a file its blocks read changes or appears
      // (a `.gguf` downloaded after the page showed "no such file").
      'astro:server:setup': ({server}) => {
        onConfigRead((path) => server.watcher.add(path))
        const reload = (path: string) => {
          const documents = documentsReading(path)
          if (documents.length === 0) return
          for (const document of documents)
            for (const module of server.moduleGraph.getModulesByFile(document) ?? [])
              server.moduleGraph.invalidateModule(module)
          server.ws.send({type: 'full-reload'})
        }
        server.watcher.on('change', reload)
        server.watcher.on('add', reload)
      },
    },
  }
}

/** The languages not yet excluded (Astro concatenates arrays when it merges config). */
function missing(highlight: object, languages: string[]): string[] {
  const excluded = (highlight as {excludeLangs?: unknown}).excludeLangs
  return languages.filter((language) => !(Array.isArray(excluded) && excluded.includes(language)))
}

/** rehype-mermaid (optional peer dependency) for SVG at build time. */
async function rehypeMermaid(svg: Readonly<Record<string, unknown>> | null | undefined) {
  let plugin: unknown
  try {
    plugin = (await import('rehype-mermaid' as string)).default
  } catch (cause) {
    throw new Error(
      "astro-vram: `diagrams: 'svg'` needs rehype-mermaid and playwright: `npm install rehype-mermaid playwright` (and a Chromium, see `svg.launchOptions.executablePath`)",
      {cause},
    )
  }
  return [plugin, {strategy: 'inline-svg', ...svg}] as Pluggable
}
