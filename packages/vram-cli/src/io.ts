import {readFile} from 'node:fs/promises'

/** Exit statuses, documented in the README and `vram --help`. */
export const exit = {
  ok: 0,
  /** A check failed: stale generated region or an `expect` mismatch. */
  failed: 1,
  /** Invalid input (a diagnostic) or a usage error. */
  invalid: 2,
  /** A bug in vram itself. */
  internal: 3,
} as const

/** A problem with how the tool was called or with reading its input: printed as `vram: message`, no stack. */
export class UsageError extends Error {
  readonly hint: string | undefined
  constructor(message: string, hint?: string) {
    super(message)
    this.name = 'UsageError'
    this.hint = hint
  }
}

/** The display name of an input: the path as given, or `<stdin>`. */
export function inputName(file: string | undefined): string {
  return file === undefined || file === '-' ? '<stdin>' : file
}

/** `node:fs` error code (`ENOENT`, `EACCES`, ...), or the message. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    return error.code
  }
  return error instanceof Error ? error.message : String(error)
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Reads FILE, or stdin for `-`; an unreadable file is a `UsageError` (`cannot read FILE: ENOENT`). */
export async function readInput(file: string): Promise<string> {
  if (file === '-') return readStdin()
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${errorCode(error)}`)
  }
}

/** Writes to stdout; the caller sets the exit status (so pipes are flushed before exit). */
export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`)
}

export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`)
}
