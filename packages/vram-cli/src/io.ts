import {AsyncLocalStorage} from 'node:async_hooks'

/**
 * Where a run of the CLI reads and writes: the process's streams for the
 * `vram` binary, or a caller's own (a test runs the CLI in its process, see `run`).
 */
export interface Io {
  stdout: {write(text: string): unknown; isTTY?: boolean | undefined}
  stderr: {write(text: string): unknown}
  stdin: AsyncIterable<string | Uint8Array> & {isTTY?: boolean | undefined}
  /** Environment variables the CLI reads (`NO_COLOR`, `FORCE_COLOR`, `VRAM_DEBUG`; `HF_ENDPOINT`, `HF_TOKEN`). */
  env: Readonly<Record<string, string | undefined>>
}

export function processIo(): Io {
  return {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env}
}

const current = new AsyncLocalStorage<Io>()

/** The streams of the run in progress (the process's outside a run). */
export function io(): Io {
  return current.getStore() ?? processIo()
}

/** Runs `task` with `streams` as the CLI's streams, also across its awaits. */
export function withIo<T>(streams: Io, task: () => T): T {
  return current.run(streams, task)
}

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

/** The most stdin may hold: a document, not a stream without end (`yes | vram calc -`). */
const maxStdinBytes = 64 * 2 ** 20

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of io().stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    length += bytes.length
    if (length > maxStdinBytes)
      throw new UsageError(`cannot read <stdin>: it is larger than ${maxStdinBytes / 2 ** 20} MiB`)
    chunks.push(bytes)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Reads a block FILE (a regular file of at most 4 MiB), or stdin for `-`; an
 * unreadable file is a `UsageError` (`cannot read FILE: ENOENT`).
 */
export async function readInput(file: string): Promise<string> {
  if (file === '-') return readStdin()
  // The engine's file reader is loaded with the command that reads a block, not by `vram --version`.
  const {readTextFile} = await import('vram-core/node')
  try {
    return readTextFile(file)
  } catch (error) {
    // A file system code (`ENOENT`) as the other commands print it, else the reason.
    throw new UsageError(`cannot read ${file}: ${errorCode(error)}`)
  }
}

/** Writes to stdout; the caller sets the exit status (so pipes are flushed before exit). */
export function out(text: string): void {
  io().stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`)
}

export function err(text: string): void {
  io().stderr.write(text.endsWith('\n') ? text : `${text}\n`)
}
