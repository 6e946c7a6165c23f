import {parseArgs} from 'node:util'
import {blockSchema} from 'vram-core'
import {exit, out, UsageError} from './io.js'

/** `vram schema`: the JSON Schema (draft 2020-12) of a block's YAML body, from vram-core's declaration. */
export function schema(args: string[]): number {
  const {positionals} = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {help: {type: 'boolean', short: 'h'}},
  })
  if (positionals.length > 0) {
    throw new UsageError(`schema takes no arguments, got \`${positionals[0]}\``)
  }
  out(JSON.stringify(blockSchema(), null, 2))
  return exit.ok
}
