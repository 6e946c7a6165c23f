/**
 * The playground's state in the URL's fragment, so a link shares exactly what
 * the reader sees and a reload or the back button brings it back:
 * `#block=<the YAML>&labels=zh&units=GiB`. The fragment never reaches a
 * server; URLSearchParams percent-encodes the YAML (any text round-trips).
 */
import type {Locale, Units} from './render.js'

export interface PlaygroundState {
  block: string
  locale: Locale
  units: Units
}

export function stateToHash(state: Readonly<PlaygroundState>): string {
  const params = new URLSearchParams()
  params.set('block', state.block)
  if (state.locale !== 'en') params.set('labels', state.locale)
  if (state.units !== 'GB') params.set('units', state.units)
  return `#${params.toString()}`
}

/** The state a fragment holds, or `undefined` when it holds no block. */
export function hashToState(hash: string): PlaygroundState | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const block = params.get('block')
  if (block === null) return undefined
  return {
    block,
    locale: params.get('labels') === 'zh' ? 'zh' : 'en',
    units: params.get('units') === 'GiB' ? 'GiB' : 'GB',
  }
}
