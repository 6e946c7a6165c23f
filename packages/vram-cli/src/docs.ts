import {dirname, resolve} from 'node:path'
import {parseArgs} from 'node:util'
import {createTwoFilesPatch} from 'diff'
import {preloadGgufFiles} from 'vram-core/node'
import {
  encodeMarkdown,
  expandInputs,
  type MarkdownFile,
  readMarkdownFile,
  WriteError,
  writeAtomic,
} from './files.js'
import {err, exit, out, readStdin, UsageError} from './io.js'
import {
  formatMessage,
  isInvalidMessage,
  isMismatchMessage,
  type Message,
  type PluginOptions,
  planSync,
  renderMarkdown,
  vramBlocks,
} from './markdown.js'

const pluginFlags = {
  locale: {type: 'string'},
  units: {type: 'string'},
  gpu: {type: 'string'},
  mermaid: {type: 'string'},
  citations: {type: 'string'},
  help: {type: 'boolean', short: 'h'},
} as const

function pluginOptions(values: {
  locale?: string | undefined
  units?: string | undefined
  gpu?: string | undefined
  mermaid?: string | undefined
  citations?: string | undefined
}): PluginOptions {
  const options: PluginOptions = {}
  if (values.locale !== undefined) options.locale = values.locale
  if (values.units !== undefined) {
    if (values.units !== 'GB' && values.units !== 'GiB') {
      throw new UsageError(`--units must be GB or GiB, not ${values.units}`)
    }
    options.units = values.units
  }
  if (values.gpu !== undefined) options.gpu = values.gpu
  if (values.mermaid !== undefined) {
    if (!['code', 'pre', 'docusaurus'].includes(values.mermaid)) {
      throw new UsageError(`--mermaid must be code, pre or docusaurus, not ${values.mermaid}`)
    }
    options.mermaid = values.mermaid as NonNullable<PluginOptions['mermaid']>
  }
  if (values.citations !== undefined) {
    if (!['full', 'short', 'none'].includes(values.citations)) {
      throw new UsageError(`--citations must be full, short or none, not ${values.citations}`)
    }
    options.citations = values.citations as NonNullable<PluginOptions['citations']>
  }
  return options
}

/** Exit status for a file's messages: 3 on a bug, 2 on invalid input, 1 on `expect` mismatches, else 0. */
function statusOf(messages: Message[]): number {
  if (messages.some((message) => message.ruleId === 'internal-error')) return exit.internal
  if (messages.some(isInvalidMessage)) return exit.invalid
  if (messages.some(isMismatchMessage)) return exit.failed
  return exit.ok
}

function readMarkdown(file: string): MarkdownFile | undefined {
  try {
    return readMarkdownFile(file)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    err(`vram: ${error.message}`)
    if (error.hint) err(`vram: ${error.hint}`)
    return undefined
  }
}

function parse(command: string, args: string[]) {
  const {values, positionals} = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: pluginFlags,
  })
  if (positionals.length === 0) {
    throw new UsageError(`${command} needs at least one FILE`, `see \`vram ${command} --help\``)
  }
  if (command !== 'render' && positionals.includes('-')) {
    throw new UsageError(
      `${command} works on files in place and does not read stdin`,
      'use `vram render -`',
    )
  }
  return {options: pluginOptions(values), inputs: positionals}
}

/** `vram render FILE...`: each file with every vram block expanded, to stdout. */
export async function render(args: string[]): Promise<number> {
  const {options, inputs} = parse('render', args)
  const files: string[] = []
  for (const input of inputs) {
    files.push(...(input === '-' ? ['-'] : await expandInputs([input])))
  }
  let status: number = exit.ok
  for (const file of files) {
    const text = file === '-' ? await readStdin() : readMarkdown(file)?.text
    if (text === undefined) {
      status = Math.max(status, exit.invalid)
      continue
    }
    const name = file === '-' ? '<stdin>' : file
    await preloadGgufFiles(vramBlocks(text), file === '-' ? process.cwd() : dirname(resolve(file)))
    const result = renderMarkdown(text, file === '-' ? undefined : file, options)
    for (const message of result.messages) err(formatMessage(name, message))
    status = Math.max(status, statusOf(result.messages))
    if (result.output !== undefined) out(result.output)
  }
  return status
}

function quote(file: string): string {
  return /^[\w./@:+-]+$/.test(file) ? file : `'${file.replaceAll("'", "'\\''")}'`
}

type Plan = ReturnType<typeof planSync>

/**
 * What `sync` and `check` share: each input file read, planned and its
 * messages printed; `visit` then acts on a file whose plan has no error and
 * returns the status it adds.
 */
async function eachPlan(
  command: 'sync' | 'check',
  args: string[],
  visit: (file: string, read: MarkdownFile, plan: Plan) => number,
): Promise<number> {
  const {options, inputs} = parse(command, args)
  const files = await expandInputs(inputs)
  let status: number = exit.ok
  for (const file of files) {
    const read = readMarkdown(file)
    if (read === undefined) {
      status = Math.max(status, exit.invalid)
      continue
    }
    await preloadGgufFiles(vramBlocks(read.text), dirname(resolve(file)))
    const plan = planSync(read.text, file, options)
    for (const message of plan.messages) err(formatMessage(file, message))
    const fileStatus = statusOf(plan.messages)
    status = Math.max(status, fileStatus, visit(file, read, plan))
  }
  return status
}

/**
 * `vram sync FILE|GLOB...`: writes each block's expansion right after it,
 * between markers. A file with a diagnostic, or that cannot be written, is left
 * as it is.
 */
export function sync(args: string[]): Promise<number> {
  const force = args.includes('--force')
  const rest = args.filter((arg) => arg !== '--force')
  return eachPlan('sync', rest, (file, {text, bom, bytes}, plan) => {
    if (statusOf(plan.messages) !== exit.ok) {
      err(`vram: ${file} not written (fix the problems above)`)
      return exit.ok
    }
    if (plan.text === text) return exit.ok
    const handEdited = plan.regions.filter((region) => region.status === 'edited')
    if (handEdited.length > 0 && !force) {
      // As cog does: a region whose checksum no longer matches was edited by hand; keep it.
      for (const region of handEdited) {
        err(
          `${file}:${region.edit?.line ?? region.line}:1: the generated region of block \`${region.id}\` (line ${region.line}) was edited by hand; not overwritten [vram-edited]`,
        )
        if (region.edit)
          out(
            createTwoFilesPatch(
              `${file} (${region.id}, edited)`,
              `${file} (${region.id}, generated)`,
              region.edit.before,
              region.edit.after,
              'now',
              'after vram sync --force',
            ),
          )
      }
      err(
        `vram: ${file} not written; move your edits into the block (or out of the region), or replace them with:\n  vram sync --force ${quote(file)}`,
      )
      return exit.failed
    }
    try {
      writeAtomic(file, encodeMarkdown(plan.text, bom), {original: bytes})
    } catch (error) {
      if (!(error instanceof WriteError)) throw error
      err(`vram: ${error.message}`)
      return exit.invalid
    }
    const changed = plan.regions.filter(
      (region) => region.status !== 'fresh' && region.status !== 'skipped',
    )
    const edited = changed.filter((region) => region.status === 'edited')
    err(
      `vram: wrote ${file} (${changed.length} region${changed.length === 1 ? '' : 's'} updated${
        edited.length > 0
          ? `; replaced hand edits in ${edited.map((region) => region.id).join(', ')}`
          : ''
      })`,
    )
    return exit.ok
  })
}

/**
 * `vram check FILE|GLOB...`: writes nothing; 1 when a generated region is
 * stale or an `expect` fails (with a unified diff and the fixing command), 2 on
 * invalid input, 0 otherwise.
 */
export async function check(args: string[]): Promise<number> {
  const stale: string[] = []
  const status = await eachPlan('check', args, (file, {text}, plan) => {
    if (plan.text === text) return exit.ok
    stale.push(file)
    for (const region of plan.regions) {
      if (region.status === 'fresh' || region.status === 'skipped') continue
      const why =
        region.status === 'new'
          ? 'has no generated region yet'
          : region.status === 'edited'
            ? 'has a generated region that was edited by hand'
            : 'has a stale generated region (the block or vram changed)'
      err(`${file}:${region.line}:1: block \`${region.id}\` ${why} [vram-stale]`)
    }
    out(createTwoFilesPatch(file, file, text, plan.text, 'current', 'after vram sync'))
    return exit.failed
  })
  if (stale.length > 0) {
    const rest = stringFlags(args)
    err(
      `vram: ${stale.length} file${stale.length === 1 ? ' is' : 's are'} out of date; fix with:\n  vram sync ${[...rest, ...stale.map(quote)].join(' ')}`,
    )
  }
  return status
}

/** The plugin flags of `args`, to repeat them in the suggested `vram sync` command. */
function stringFlags(args: string[]): string[] {
  const out: string[] = []
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string
    const name = arg.replace(/^--/, '').split('=')[0]
    if (!arg.startsWith('--') || name === undefined || !(name in pluginFlags) || name === 'help')
      continue
    if (arg.includes('=')) out.push(quote(arg))
    else if (args[index + 1] !== undefined) out.push(arg, quote(args[++index] as string))
  }
  return out
}
