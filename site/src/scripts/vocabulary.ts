/**
 * What the playground's editor completes: the keys of a block and the values
 * each key takes, read from vram-core's own declarations (the lists its
 * reader checks a block against), so the completion never offers a key the
 * engine rejects nor misses one it accepts. This is the only place the
 * playground reads them: when vram-core gathers its keys into one declaration,
 * only this module changes.
 */
import {
  accountings,
  adapterKeys,
  adapterTypes,
  attentions,
  blockKeys,
  dtypeNames,
  gpuPresets,
  metricNames,
  modelPresets,
  modes,
  optimizers,
  parallelKeys,
  precisions,
  quantizeScopes,
  recomputes,
  serveEngines,
  showKinds,
  solveTargets,
  vllmKeys,
} from 'vram-core'

/** One completion: the text inserted and, for presets, what it stands for. */
export interface Choice {
  label: string
  detail?: string | undefined
}

const plain = (values: readonly string[]): Choice[] => values.map((label) => ({label}))

/** Keys under each mapping key (`''` is the block itself). */
export const keysUnder: Readonly<Record<string, readonly Choice[]>> = {
  '': plain(blockKeys),
  parallel: plain(parallelKeys),
  adapter: plain(adapterKeys),
  // vLLM is the one engine `serve:` models today; its settings are its own flag names.
  serve: plain(vllmKeys),
  // A sweep varies any key, including a parallel degree by its dot path.
  vary: plain([
    ...blockKeys.filter((key) => key !== 'vary'),
    ...parallelKeys.map((key) => `parallel.${key}`),
  ]),
}

/** Values of each key, by its dot path from the block (the last segment when no path matches). */
export const valuesOf: Readonly<Record<string, readonly Choice[]>> = {
  model: modelPresets.map((preset) => ({label: preset.short, detail: preset.id})),
  gpu: gpuPresets.map((preset) => ({label: preset.id, detail: preset.name})),
  mode: plain(modes),
  dtype: plain(dtypeNames),
  kv_dtype: plain(dtypeNames),
  grad_dtype: plain(dtypeNames),
  precision: plain(precisions),
  optimizer: plain(optimizers),
  attention: plain(attentions),
  recompute: plain(recomputes),
  accounting: plain(accountings),
  quantize: plain(quantizeScopes),
  units: plain(['GB', 'GiB']),
  show: plain(showKinds),
  metric: plain(metricNames),
  solve: plain(solveTargets),
  'serve.engine': plain(serveEngines),
  'adapter.type': plain(adapterTypes),
  'adapter.targets': plain(['all-linear', 'attention', 'mlp']),
  'adapter.dtype': plain(dtypeNames),
}

/** Where the cursor is: a key to name (under `path`) or a value of the key at `path`. */
export interface Place {
  kind: 'key' | 'value'
  /** Dot path of the mapping (for a key) or of the key (for a value); `''` is the block. */
  path: string
  /** Offset where the word being typed starts. */
  from: number
}

/** The key that opens an indented mapping above `lineStart`, with its own path. */
function parentPath(text: string, lineStart: number, indent: number): string {
  const lines = text.slice(0, lineStart).split('\n')
  const path: string[] = []
  let limit = indent
  for (let index = lines.length - 1; index >= 0 && limit > 0; index--) {
    const match = /^(\s*)([\w.-]+):\s*(#.*)?$/.exec(lines[index] ?? '')
    if (!match) continue
    const depth = (match[1] ?? '').length
    if (depth < limit) {
      path.unshift(match[2] ?? '')
      limit = depth
    }
  }
  return path.join('.')
}

/** The innermost flow collection (`{…}` or `[…]`) still open at the end of `before`. */
function openFlow(before: string): {bracket: '{' | '['; at: number} | undefined {
  const stack: Array<{bracket: '{' | '['; at: number}> = []
  let quote: string | undefined
  for (let index = 0; index < before.length; index++) {
    const character = before[index] as string
    if (quote) {
      if (character === quote) quote = undefined
    } else if (character === '"' || character === "'") quote = character
    else if (character === '#' && (index === 0 || /\s/.test(before[index - 1] ?? '')))
      return undefined
    else if (character === '{' || character === '[') stack.push({bracket: character, at: index})
    else if (character === '}' || character === ']') stack.pop()
  }
  return stack.at(-1)
}

/**
 * What the word at `offset` is, read from the YAML around it: block keys
 * (by indentation) and flow mappings (`parallel: {tp: 2, |}`) and lists
 * (`show: [breakdown, |]`). `undefined` inside a comment.
 */
export function placeAt(text: string, offset: number): Place | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1
  const before = text.slice(lineStart, offset)
  const word = /[\w.\-/]*$/.exec(before)?.[0] ?? ''
  const from = offset - word.length
  const flow = openFlow(before)
  if (flow === undefined && /(^|\s)#/.test(before)) return undefined
  const indent = /^\s*/.exec(before)?.[0].length ?? 0
  const outer = parentPath(text, lineStart, indent)
  const join = (...parts: string[]) => parts.filter((part) => part !== '').join('.')
  if (flow) {
    const owner = /([\w.-]+):\s*$/.exec(before.slice(0, flow.at))?.[1] ?? ''
    const ownerPath = join(outer, owner)
    if (flow.bracket === '[') return {kind: 'value', path: ownerPath, from}
    const entry =
      before
        .slice(flow.at + 1)
        .split(',')
        .at(-1) ?? ''
    const inner = /^\s*([\w.-]+)\s*:/.exec(entry)?.[1]
    return inner === undefined
      ? {kind: 'key', path: ownerPath, from}
      : {kind: 'value', path: join(ownerPath, inner), from}
  }
  if (/^\s*(-\s+)?[\w.-]*$/.test(before)) return {kind: 'key', path: outer, from}
  const key = /^\s*(?:-\s+)?([\w.-]+):\s+[^#]*$/.exec(before)?.[1]
  if (key !== undefined) return {kind: 'value', path: join(outer, key), from}
  return undefined
}

/** The choices at a place: keys of the mapping, or values of the key. */
export function choicesAt(place: Place): readonly Choice[] {
  if (place.kind === 'key') return keysUnder[place.path] ?? []
  // Under `vary:` a key's values are a list of that key's values.
  const path = place.path.replace(/^vary\./, '')
  return valuesOf[path] ?? valuesOf[path.split('.').at(-1) ?? ''] ?? []
}
