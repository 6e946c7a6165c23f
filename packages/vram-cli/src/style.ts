import {io} from './io.js'

/**
 * ANSI styling for stdout, on only when stdout is a terminal (or `FORCE_COLOR`
 * is set to something other than `0`) and `NO_COLOR` is unset or empty
 * (https://no-color.org). `NO_COLOR` wins.
 */
export function colorEnabled(
  stream: {isTTY?: boolean | undefined} = io().stdout,
  env: Readonly<Record<string, string | undefined>> = io().env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  const force = env.FORCE_COLOR
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true
  return stream.isTTY === true
}

export interface Style {
  bold(text: string): string
  dim(text: string): string
  green(text: string): string
  red(text: string): string
  yellow(text: string): string
}

const codes = {bold: [1, 22], dim: [2, 22], green: [32, 39], red: [31, 39], yellow: [33, 39]}

export function makeStyle(enabled: boolean): Style {
  const wrap =
    (name: keyof typeof codes) =>
    (text: string): string => {
      if (!enabled || text === '') return text
      const [open, close] = codes[name]
      return `\u001b[${open}m${text}\u001b[${close}m`
    }
  return {
    bold: wrap('bold'),
    dim: wrap('dim'),
    green: wrap('green'),
    red: wrap('red'),
    yellow: wrap('yellow'),
  }
}

/** Visible width of a string, escape codes excluded. */
export function visibleWidth(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
  return [...text.replace(/\u001b\[[0-9;]*m/g, '')].length
}
