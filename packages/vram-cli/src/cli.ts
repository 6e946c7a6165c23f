import {readFileSync} from 'node:fs'
import {calc} from './calc.js'
import {check, render, sync} from './docs.js'
import {helpFor} from './help.js'
import {err, exit, out, UsageError} from './io.js'
import {gpus, models} from './list.js'
import {pull} from './pull.js'

export {calc} from './calc.js'
export {exit} from './io.js'

type Command = (args: string[]) => number | Promise<number>

const commands: Record<string, Command> = {
  calc: (args) => calc(args, {stdinIsTTY: process.stdin.isTTY === true}),
  models: (args) => (args[0] === 'pull' ? pull(args.slice(1)) : models(args)),
  gpus,
  render,
  sync,
  check,
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

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit status. */
export async function run(argv: string[]): Promise<number> {
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
    const handler = commands[command]
    if (!handler) {
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
    if (process.env.VRAM_DEBUG && error instanceof Error && error.stack) err(error.stack)
    else err('vram: this is a bug; set VRAM_DEBUG=1 for the stack trace and please report it')
    return exit.internal
  }
}
