/**
 * The `vram` binary itself, in a new Node as a user runs it (the other CLI
 * tests call it in process, from the sources): its exit statuses, stdin, and
 * that each command loads only the modules it needs.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {beforeAll, describe, expect, it} from 'vitest'
import {freshBuild, freshBuildTimeout} from '../../../test/fresh-build.js'
import {root, tempDir, vramBin, writeTemp} from './helpers.js'

// The §5 example: 47,296,004,096 bytes in total, derived by hand in calc.test.ts.
const qwen = `model: Qwen/Qwen2.5-7B
mode: inference
dtype: fp16
batch: 16
seq: 32768
gpu: h100-sxm-80gb
`

/** Records every module URL Node's ESM loader resolves into the file `VRAM_TRACE_MODULES` names. */
const traceModules = `import {register} from 'node:module'
register('data:text/javascript,' + encodeURIComponent(\`
import {appendFileSync} from 'node:fs'
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  appendFileSync(process.env.VRAM_TRACE_MODULES, result.url + '\\\\n')
  return result
}\`))
`

let dir: string

beforeAll(async () => {
  await freshBuild()
  dir = tempDir()
}, freshBuildTimeout)

/** The modules `vram ARGS` loads. */
function loadedBy(args: string[], input = ''): string[] {
  const trace = join(dir, `trace-${args.join('-')}.txt`)
  writeTemp(dir, `trace-${args.join('-')}.txt`, '')
  const run = vramBin(args, {
    input,
    nodeArgs: ['--import', writeTemp(dir, 'trace-modules.mjs', traceModules)],
    env: {VRAM_TRACE_MODULES: trace},
  })
  expect(run.stderr).toBe('')
  expect(run.status).toBe(0)
  // Relative to the repository, so that the folder it was cloned into (often
  // `remark-vram/`) matches none of the package patterns below.
  const prefix = pathToFileURL(root).href
  return readFileSync(trace, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((url) => (url.startsWith(prefix) ? url.slice(prefix.length - 1) : url))
}

describe('the vram binary', () => {
  it('prints the package version and exits 0', () => {
    const {version} = JSON.parse(
      readFileSync(join(root, 'packages/vram-cli/package.json'), 'utf8'),
    ) as {version: string}
    const run = vramBin(['--version'])
    expect(run.status).toBe(0)
    expect(run.stdout).toBe(`${version}\n`)
  })

  it('computes a block from a file and from stdin', () => {
    const file = vramBin(['calc', '--json', writeTemp(dir, 'qwen.yaml', qwen)])
    expect(file.stderr).toBe('')
    expect(file.status).toBe(0)
    expect(JSON.parse(file.stdout).perDevice.total).toBe(45_583_051_776)
    const stdin = vramBin(['calc', '--json', '-'], {input: qwen})
    expect(stdin.status).toBe(0)
    expect(JSON.parse(stdin.stdout).perDevice.total).toBe(45_583_051_776)
  })

  it('exits 2 with FILE:LINE:COLUMN on a bad block, 2 on a usage error', () => {
    const bad = vramBin(['calc', '-'], {input: 'model: llama-2-7b\nbatchh: 4\n'})
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/^<stdin>:2:1: /)
    const usage = vramBin(['frobnicate'])
    expect(usage.status).toBe(2)
    expect(usage.stderr).toContain('unknown command `frobnicate`')
  })

  it('loads only what a command needs: calc no markdown stack, --version no engine', () => {
    const version = loadedBy(['--version'])
    expect(version.some((url) => url.includes('/vram-cli/dist/cli.js'))).toBe(true)
    expect(version.filter((url) => /\/vram-core\/|\/remark-|\/unified\//.test(url))).toEqual([])
    const calc = loadedBy(['calc', '-'], qwen)
    expect(calc.some((url) => url.includes('/vram-core/dist/'))).toBe(true)
    expect(
      calc.filter((url) =>
        /\/remark-|\/unified\/|\/micromark|\/mdast-|@huggingface\/gguf/.test(url),
      ),
    ).toEqual([])
  })
})
