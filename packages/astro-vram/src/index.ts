/**
 * astro-vram: the Astro integration of remark-vram. `integrations: [vram()]`
 * registers remark-math, remark-vram and rehype-katex, serves KaTeX's CSS
 * (from the katex that rehype-katex renders with), keeps ```mermaid away from
 * Shiki and draws the diagrams (a client script bundled by Vite, or SVG at
 * build time). On Astro 7, whose default Markdown processor (Sätteri) runs no
 * remark plugins, it sets the unified processor of @astrojs/markdown-remark,
 * or fails the build saying what to write where that would lose plugins.
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
        // Astro ≥ 6.4 has `markdown.processor`; Astro 7's default (Sätteri) runs no remark plugins.
        const processor = markdown.processor as Processor | undefined
        let replacement: Processor | undefined
        if (processor !== undefined) {
          if (processor.name === 'unified' && Array.isArray(processor.options?.remarkPlugins)) {
            // The unified processor reads its options at render time: adding to them is enough.
            const processorOptions = processor.options as {
              remarkPlugins: PluggableList
              rehypePlugins?: PluggableList
            }
            processorOptions.remarkPlugins.push(...remarkPlugins)
            processorOptions.rehypePlugins = [
              ...(processorOptions.rehypePlugins ?? []),
              ...rehypePlugins,
            ]
          } else {
            assertReplaceable(processor, config.integrations)
            replacement = (await unifiedFactory())({remarkPlugins, rehypePlugins})
            logger.info(
              `Astro's \`${processor.name}\` Markdown processor runs no remark plugins: astro-vram sets \`markdown.processor\` to \`unified()\` from @astrojs/markdown-remark`,
            )
          }
        }

        const highlight = markdown.syntaxHighlight as unknown
        updateConfig({
          markdown: {
            ...(processor === undefined ? {remarkPlugins, rehypePlugins} : {}),
            ...(replacement === undefined ? {} : {processor: replacement}),
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

/** Astro's `markdown.processor` (Astro ≥ 6.4), as far as astro-vram reads it. */
interface Processor {
  name: string
  options?: Record<string, unknown>
}

/** What to write instead, in every message about the processor. */
const unifiedAdvice =
  "`markdown: {processor: unified()}` in astro.config.mjs (`import {unified} from '@astrojs/markdown-remark'`)"

/**
 * Throws, with what to write, when replacing the processor would lose what
 * others gave it: plugins of another integration (Starlight registers its
 * own on Sätteri when it comes first), or a processor that is not Astro's.
 */
function assertReplaceable(processor: Processor, integrations: ReadonlyArray<{name: string}>) {
  const own = integrations.findIndex((integration) => integration.name === 'astro-vram')
  const before = integrations
    .slice(0, own === -1 ? integrations.length : own)
    .filter((integration) => integration.name !== 'astro-vram')
    .map((integration) => integration.name)
  const options = processor.options ?? {}
  const plugins = ['mdastPlugins', 'hastPlugins'].some(
    (key) => Array.isArray(options[key]) && (options[key] as unknown[]).length > 0,
  )
  if (processor.name !== 'satteri') {
    throw new Error(
      `astro-vram: the \`${processor.name}\` Markdown processor runs no remark plugins, so \`\`\`vram blocks would stay code: use ${unifiedAdvice}`,
    )
  }
  if (plugins) {
    const starlight = before.includes('@astrojs/starlight')
    throw new Error(
      `astro-vram: Astro's Sätteri Markdown processor runs no remark plugins, and ${
        starlight
          ? 'Starlight has'
          : `an integration listed before \`vram()\` (${before.join(', ')}) has`
      } already given it plugins that replacing it would lose: put \`vram()\` first in \`integrations\` (${
        starlight ? '`integrations: [vram(), starlight({…})]`' : '`integrations: [vram(), …]`'
      }), or use ${unifiedAdvice}`,
    )
  }
}

/** `unified()` from @astrojs/markdown-remark (a peer dependency, installed with astro-vram). */
async function unifiedFactory(): Promise<(options: Record<string, unknown>) => Processor> {
  try {
    const module = (await import('@astrojs/markdown-remark' as string)) as {
      unified?: (options: Record<string, unknown>) => Processor
    }
    if (typeof module.unified === 'function') return module.unified
  } catch {
    // Reported below, with what to do.
  }
  throw new Error(
    "astro-vram: Astro's default Markdown processor (Sätteri) runs no remark plugins, and `unified()` from @astrojs/markdown-remark 7 is not installed: `npm install @astrojs/markdown-remark`",
  )
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
