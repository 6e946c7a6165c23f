/**
 * remark-vram, browser-safe entry: no file system, so `model: {config: …}`
 * needs the `readConfig` option (the Node entry reads from disk).
 */
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
export const remarkVram = createRemarkVram({})
export default remarkVram
