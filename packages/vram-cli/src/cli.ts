import {readFileSync} from 'node:fs'
import type {CalcOptions} from './calc.js'
import {helpFor} from './help.js'
import {err, exit, type Io, io, out, processIo, UsageError, withIo} from './io.js'

export type {CalcOptions} from './calc.js'
export {exit, type Io} from './io.js'

/** `vram calc` as a function (prefer `run`): the engine loads on the first call. */
export async function calc(args: string[], options?: CalcOptions): Promise<number> {
  return (await import('./calc.js')).calc(args, options)
}

type Command = (args: string[]) => number | Promise<number>

// Each command loads its own modules when it runs: `vram calc` needs the engine
// but not the markdown stack (remark, micromark, the plugin), `vram --version` neither.
const commands: Record<string, () => Promise<Command>> = {
  calc: async () => {
    const {calc} = await import('./calc.js')
    return (args) => calc(args, {stdinIsTTY: io().stdin.isTTY === true})
  },
  models: async () => async (args) =>
    args[0] === 'pull'
      ? (await import('./pull.js')).pull(args.slice(1), {env: io().env})
      : (await import('./list.js')).models(args),
  gpus: async () => (await import('./list.js')).gpus,
  render: async () => (await import('./docs.js')).render,
  sync: async () => (await import('./docs.js')).sync,
  check: async () => (await import('./docs.js')).check,
  schema: async () => (await import('./schema.js')).schema,
}

/** The version in package.json. */
function version(): string {
  const manifest = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as {version: string}
  return manifest.version
}

/** Whether `args` asks for help before any `--` terminator. */
function wantsHelp(args: string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false
    if (arg === '--help' || arg === '-h') return true
  }
  return false
}

function isParseArgsError(error: unknown): error is Error & {code: string} {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('ERR_PARSE_ARGS_')
  )
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit
 * status. `streams` replaces the process's stdin, stdout, stderr and
 * environment (each defaults to the process's), so a caller can run it in process.
 */
export async function run(argv: string[], streams?: Partial<Io>): Promise<number> {
  // The binary keeps the process's streams and skips the async context, which
  // would slow down every promise of the module loader.
  if (streams === undefined) return dispatch(argv)
  return withIo({...processIo(), ...streams}, () => dispatch(argv))
}

async function dispatch(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    if (command === undefined || command === '--help' || command === '-h') {
      out(helpFor('main') as string)
      return command === undefined ? exit.invalid : exit.ok
    }
    if (command === '--version' || command === '-v') {
      out(version())
      return exit.ok
    }
    if (command === 'help') {
      const topic = rest[0] ?? 'main'
      const text = helpFor(topic)
      if (text === undefined) throw new UsageError(`no help for \`${topic}\``, 'see `vram --help`')
      out(text)
      return exit.ok
    }
    const load = Object.hasOwn(commands, command) ? commands[command] : undefined
    if (!load) {
      throw new UsageError(
        command.startsWith('-')
          ? `unknown option \`${command}\``
          : `unknown command \`${command}\``,
        'see `vram --help`',
      )
    }
    if (wantsHelp(rest)) {
      out(helpFor(command === 'models' && rest[0] === 'pull' ? 'pull' : command) as string)
      return exit.ok
    }
    const handler = await load()
    return await handler(rest)
  } catch (error) {
    if (error instanceof UsageError) {
      err(`vram: ${error.message}`)
      if (error.hint) err(`vram: ${error.hint}`)
      return exit.invalid
    }
    if (isParseArgsError(error)) {
      err(`vram ${command}: ${error.message}`)
      err(`vram: see \`vram ${command} --help\``)
      return exit.invalid
    }
    const message = error instanceof Error ? error.message : String(error)
    err(`vram: internal error: ${message}`)
    if (io().env.VRAM_DEBUG && error instanceof Error && error.stack) err(error.stack)
    else err('vram: this is a bug; set VRAM_DEBUG=1 for the stack trace and please report it')
    return exit.internal
  }
}
