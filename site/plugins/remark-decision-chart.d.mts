import type {Root} from 'mdast'
import type {VFile} from 'vfile'

export interface Options {
  /** Language of the chart's caption and text version (default: the page's `lang`, else `en`). */
  locale?: 'en' | 'zh' | undefined
}

export default function remarkDecisionChart(
  options?: Readonly<Options> | null | undefined,
): (tree: Root, file: VFile) => void
