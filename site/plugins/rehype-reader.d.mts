import type {Root} from 'hast'
import type {VFile} from 'vfile'

export function rehypeHeadingAnchors(): (tree: Root, file: VFile) => void
export function rehypeTableRegions(): (tree: Root, file: VFile) => void
