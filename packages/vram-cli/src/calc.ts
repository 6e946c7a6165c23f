import {dirname, resolve} from 'node:path'
import {parseArgs} from 'node:util'
import {
  type BlockSource,
  type Diagnostic,
  evaluateBlock,
  parseBlockSource,
  toContractJson,
} from 'vram-core'
import {nodeModels, nodeReadConfig, preloadGgufFiles} from 'vram-core/node'
import {applyBlockFlags, blockFlagOptions} from './flags.js'
import {err, exit, inputName, out, readInput, UsageError} from './io.js'
import {describeDiagnostic, formatDiagnostic, isInvalid, isMismatch, pointOf} from './report.js'
import {colorEnabled, makeStyle} from './style.js'
import {renderBlock} from './table.js'

export interface CalcOptions {
  /** Whether stdin is a terminal (no piped input). */
  stdinIsTTY?: boolean | undefined
}

/** `vram calc [FILE|-] [--json] [--KEY VALUE ...]`. Returns the exit status. */
export async function calc(args: string[], options: CalcOptions = {}): Promise<number> {
  const {values, positionals} = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      json: {type: 'boolean'},
      help: {type: 'boolean', short: 'h'},
      ...blockFlagOptions(),
    },
  })
  if (positionals.length > 1) {
    throw new UsageError(
      `calc takes one FILE, got ${positionals.length}`,
      'to check several markdown files use `vram check`',
    )
  }
  const file = positionals[0]
  const flagsOnly = applyBlockFlags(undefined, values).given
  let source: BlockSource | undefined
  let base: unknown
  if (file !== undefined || !flagsOnly) {
    const path = file ?? '-'
    if (path === '-' && file === undefined && options.stdinIsTTY) {
      throw new UsageError(
        'no input: give a FILE, `-` to read stdin, or the block as flags',
        'for example `vram calc --model llama-2-7b --mode training --batch 8`',
      )
    }
    const text = await readInput(path)
    // `.gguf` headers are read asynchronously before the block is computed.
    await preloadGgufFiles([text], path === '-' ? process.cwd() : dirname(resolve(path)))
    source = parseBlockSource(text)
    base = source.value
  }
  const name = file === undefined || file === '-' ? inputName(file) : file
  const applied = applyBlockFlags(base, values)

  const report = (entry: Diagnostic) => {
    const flag = applied.flagFor(entry.path)
    if (flag !== undefined || !source) {
      err(`${flag ?? '<flags>'}: ${describeDiagnostic(entry)}`)
    } else {
      err(formatDiagnostic(name, pointOf(entry, source), entry))
    }
  }

  if (source && source.diagnostics.length > 0) {
    for (const entry of source.diagnostics) report(entry)
    return exit.invalid
  }
  const basePath = file === undefined || file === '-' ? undefined : file
  // Pinned Hub models: the nearest vram.models.json above the block file (or the working directory).
  const pinned = nodeModels(basePath)
  const evaluation = evaluateBlock(applied.block, {
    readConfig: nodeReadConfig(basePath),
    models: pinned?.pins,
    modelsProblems: pinned?.problems,
  })
  for (const entry of evaluation.diagnostics) report(entry)
  if (evaluation.diagnostics.some(isInvalid) || !evaluation.block) return exit.invalid

  if (values.json) {
    out(JSON.stringify(toContractJson(evaluation.block), null, 2))
  } else {
    out(renderBlock(evaluation.block, makeStyle(colorEnabled())))
  }
  return evaluation.diagnostics.some(isMismatch) ? exit.failed : exit.ok
}
