import type {VFile} from 'vfile'
import {
  type CitationStyle,
  type PinnedModels,
  readPinFile,
  type ShowKind,
  type Units,
} from 'vram-core'
import type {LocaleDictionary} from './locale.js'

/** How the `advice` flowchart is emitted. */
export type MermaidShape = 'code' | 'pre' | 'docusaurus'

/** What happens to a block or reference with an error. */
export type ErrorMode = 'fatal' | 'warn'

/** Configuration of `remark-vram`. Every field is optional. */
export interface Options {
  /**
   * Language of the labels (default: `'en'`). Built in: `en`, `zh`; add more
   * with `locales`.
   */
  locale?: string | null | undefined
  /**
   * Extra or partial dictionaries by locale name, merged over the built-in
   * one of that name (or over English).
   */
  locales?: Readonly<Record<string, Partial<LocaleDictionary>>> | null | undefined
  /** Picks the locale per file (e.g. from front matter); `undefined` keeps `locale`. */
  getLocale?: ((file: VFile) => string | null | undefined) | null | undefined
  /** Display unit when a block has no `units` key (default: `'GB'`). */
  units?: Units | null | undefined
  /**
   * `Intl.NumberFormat` options for sizes (default:
   * `{maximumSignificantDigits: 3}`).
   */
  numberFormat?: Readonly<Intl.NumberFormatOptions> | null | undefined
  /** What a block shows when it has no `show` key (default: `['breakdown', 'summary']`). */
  show?: ReadonlyArray<ShowKind> | null | undefined
  /**
   * Shape of the `advice` flowchart (default: `'code'`): a ```` ```mermaid ````
   * code block, `'pre'` for `<pre class="mermaid">` (client-side mermaid,
   * skipped by syntax highlighters), or `'docusaurus'` for the element
   * `@docusaurus/theme-mermaid` renders.
   */
  mermaid?: MermaidShape | null | undefined
  /**
   * `'fatal'` (default) throws the first error after the whole file was
   * processed (Astro and Docusaurus drop warnings); `'warn'` reports warnings,
   * keeps the fence and adds a visible notice.
   */
  errors?: ErrorMode | null | undefined
  /**
   * How the "Sources" line under `show: formulas` cites each formula's source
   * (default: `'full'`): `'full'` gives authors, year, title and the section
   * (`Korthikanti et al. 2022, “Reducing Activation Recomputation in Large
   * Transformer Models”, Table 2`), `'short'` gives author and year
   * (`Korthikanti et al. 2022, Table 2`), `'none'` leaves the line out. Each
   * citation links to the paper, the framework's code or the model's
   * `config.json`.
   */
  citations?: CitationStyle | null | undefined
  /** GPU for blocks without a `gpu` key: a preset id or a capacity (default: none). */
  gpu?: string | number | null | undefined
  /**
   * Reads `model: {config: ./config.json}` (the path is relative to the
   * markdown file). The Node entry reads from disk by default; the browser
   * entry has no default, so such blocks report `config-read`. `false` turns
   * reading off in both (for untrusted markdown).
   */
  readConfig?: ((path: string, file: VFile) => unknown) | false | null | undefined
  /**
   * Hub models pinned by `vram models pull`: the path of a `vram.models.json`
   * (Node entry; relative to the working directory) or its parsed JSON (both
   * entries). By default the Node entry reads the nearest `vram.models.json`
   * at or above each markdown file; `false` reads none. Never the network.
   */
  models?: string | Readonly<Record<string, unknown>> | false | null | undefined
  /** Replace inline code `` `vram:ID.PATH` `` with the value (default: `true`). */
  references?: boolean | null | undefined
  /**
   * Not read by the plugin: pass the exported `version` here so hosts that
   * cache rendered markdown by configuration (Astro's content layer) rebuild
   * when the engine's numbers may change.
   */
  version?: string | null | undefined
}

/** Options with every default applied. */
export interface Settings {
  locale: string
  locales: Readonly<Record<string, Partial<LocaleDictionary>>>
  getLocale: ((file: VFile) => string | null | undefined) | undefined
  units: Units
  numberFormat: Intl.NumberFormatOptions
  show: ShowKind[]
  mermaid: MermaidShape
  errors: ErrorMode
  gpu: string | number | undefined
  citations: CitationStyle
  readConfig: ((path: string, file: VFile) => unknown) | false | undefined
  /** Pins given as data, a pin file's path, `false` (none) or `undefined` (the host's default). */
  models: {pins: PinnedModels} | {path: string} | false | undefined
  references: boolean
}

const showKinds: readonly ShowKind[] = ['breakdown', 'formulas', 'summary', 'advice']

function oneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined || value === null) return fallback
  if (allowed.includes(value as T)) return value as T
  throw new TypeError(
    `remark-vram: option \`${name}\` must be one of ${allowed.map((entry) => `'${entry}'`).join(', ')}, not ${JSON.stringify(value)}`,
  )
}

/** Validates options in the attacher: a bad option is the host's bug, so it throws a plain error. */
export function settingsFrom(options: Readonly<Options>): Settings {
  const show = options.show ?? ['breakdown', 'summary']
  if (!Array.isArray(show) || show.some((kind) => !showKinds.includes(kind))) {
    throw new TypeError(
      `remark-vram: option \`show\` takes a list of ${showKinds.join(', ')}, not ${JSON.stringify(show)}`,
    )
  }
  const readConfig = options.readConfig ?? undefined
  if (readConfig !== undefined && readConfig !== false && typeof readConfig !== 'function') {
    throw new TypeError('remark-vram: option `readConfig` must be a function or `false`')
  }
  const modelsOption = options.models ?? undefined
  let models: Settings['models']
  if (modelsOption === undefined || modelsOption === false) models = modelsOption
  else if (typeof modelsOption === 'string') models = {path: modelsOption}
  else if (typeof modelsOption === 'object' && !Array.isArray(modelsOption)) {
    const {pins, problems} = readPinFile(modelsOption)
    if (problems.length > 0) {
      throw new TypeError(
        `remark-vram: option \`models\` is not a vram.models.json: ${problems.join('; ')}`,
      )
    }
    models = {pins}
  } else {
    throw new TypeError(
      'remark-vram: option `models` must be the path of a vram.models.json, its parsed JSON, or `false`',
    )
  }
  const numberFormat = {...(options.numberFormat ?? {maximumSignificantDigits: 3})}
  try {
    new Intl.NumberFormat('en', numberFormat).format(1)
  } catch (error) {
    throw new TypeError(
      `remark-vram: option \`numberFormat\` is not valid for Intl.NumberFormat: ${(error as Error).message}`,
    )
  }
  return {
    locale: options.locale ?? 'en',
    locales: options.locales ?? {},
    getLocale: options.getLocale ?? undefined,
    units: oneOf('units', options.units, ['GB', 'GiB'] as const, 'GB'),
    numberFormat,
    show: [...show],
    mermaid: oneOf('mermaid', options.mermaid, ['code', 'pre', 'docusaurus'] as const, 'code'),
    errors: oneOf('errors', options.errors, ['fatal', 'warn'] as const, 'fatal'),
    gpu: options.gpu ?? undefined,
    citations: oneOf('citations', options.citations, ['full', 'short', 'none'] as const, 'full'),
    readConfig,
    models,
    references: options.references ?? true,
  }
}
