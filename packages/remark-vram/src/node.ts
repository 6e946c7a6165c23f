/**
 * remark-vram, Node entry: the same API, with `readConfig` reading
 * `model: {config: ./config.json}` from disk, relative to `file.path`.
 */
import {nodeReadConfig} from 'vram-core/node'
import {createRemarkVram} from './plugin.js'

export type {CitationStyle} from 'vram-core'
export {
  en,
  type LabelKey,
  type LocaleDictionary,
  locales,
  sameInEveryLanguage,
  zh,
} from './locale.js'
export type {ErrorMode, MermaidShape, Options} from './options.js'
export type {RuleId, VramBlockData, VramData, VramErratum} from './plugin.js'
export {version} from './plugin.js'

/** The plugin: `unified().use(remarkVram, options)`. */
export const remarkVram = createRemarkVram({readConfig: (file) => nodeReadConfig(file.path)})
export default remarkVram
