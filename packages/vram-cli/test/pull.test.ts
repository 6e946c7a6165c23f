/**
 * `vram models pull` against a fake Hub on 127.0.0.1: pull, pin, offline
 * builds, the token, errors (404, 401, a timeout, a malformed config), GGUF
 * headers by range requests, and `--update`.
 *
 * The configs served are real ones from `packages/vram-core/test/reference/models.json`
 * (each with its source there), under made-up `test-org/` ids that the
 * catalogue does not hold; the expected counts are that file's hand
 * derivations (`computed_params.total`), not this engine's output.
 */
import {spawn} from 'node:child_process'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {llama2Q4KMHeader} from '../../vram-core/test/gguf-header.js'
import {type FakeHub, startFakeHub} from './fake-hub.js'
import {bin, ensureBuilt, tempDir} from './helpers.js'

interface Reference {
  id: string
  config: Record<string, unknown>
  computed_params: {total: number}
}
const references = JSON.parse(
  readFileSync(new URL('../../vram-core/test/reference/models.json', import.meta.url), 'utf8'),
) as {models: Reference[]}
const reference = (id: string): Reference => {
  const found = references.models.find((model) => model.id === id)
  if (!found) throw new Error(`no reference ${id}`)
  return found
}
const qwen = reference('Qwen/Qwen2.5-7B')
const llama = reference('meta-llama/Llama-3.1-8B')

const sha = (digit: string) => digit.repeat(40)
const token = 'hf_test_secret_token_1234'

/** Runs the CLI asynchronously (the fake Hub lives in this process). */
function vram(
  args: string[],
  options: {cwd: string; env?: Record<string, string>},
): Promise<{status: number | null; stdout: string; stderr: string}> {
  const env: NodeJS.ProcessEnv = {...process.env, ...options.env}
  delete env.NO_COLOR
  delete env.FORCE_COLOR
  if (!options.env?.HF_TOKEN) delete env.HF_TOKEN
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {cwd: options.cwd, env})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('close', (status) => resolve({status, stdout, stderr}))
  })
}

let hub: FakeHub
let folder: string
const env = () => ({HF_ENDPOINT: hub.endpoint})
const pins = () => JSON.parse(readFileSync(join(folder, 'vram.models.json'), 'utf8'))

beforeAll(async () => {
  ensureBuilt()
  hub = await startFakeHub()
  folder = tempDir()
  // The documentation root: the pin file is created here, found from below it.
  writeFileSync(join(folder, 'package.json'), '{"private": true}\n')
  hub.repos.set('test-org/qwen-7b', {
    sha: sha('a'),
    files: {'config.json': JSON.stringify(qwen.config)},
    safetensors: {
      parameters: {BF16: qwen.computed_params.total},
      total: qwen.computed_params.total,
    },
  })
  hub.repos.set('test-org/gated-llama', {
    sha: sha('b'),
    files: {'config.json': JSON.stringify(llama.config)},
    safetensors: {
      parameters: {BF16: llama.computed_params.total},
      total: llama.computed_params.total,
    },
    token,
  })
  hub.repos.set('test-org/llama-GGUF', {
    sha: sha('c'),
    files: {
      'llama-2-7b.Q4_K_M.gguf': Buffer.concat([llama2Q4KMHeader(), Buffer.alloc(6 * 10 ** 6)]),
    },
    gguf: {total: 6738415616, architecture: 'llama'},
  })
  hub.repos.set('test-org/broken', {
    sha: sha('d'),
    files: {'config.json': '{"model_type": "llama",'},
  })
  hub.repos.set('test-org/slow', {sha: sha('e'), files: {}, hang: true})
  hub.repos.set('test-org/evolving', {
    sha: sha('1'),
    files: {'config.json': JSON.stringify({...qwen.config, num_hidden_layers: 24})},
  })
  // The Hub counts stored tensors: here 1,376,256 more than the model loads (e.g. per-row scales).
  hub.repos.set('test-org/qwen-more-stored', {
    sha: sha('9'),
    files: {'config.json': JSON.stringify(qwen.config)},
    safetensors: {
      parameters: {BF16: qwen.computed_params.total + 1376256},
      total: qwen.computed_params.total + 1376256,
    },
  })
  hub.repos.set('test-org/delayed', {
    sha: sha('8'),
    files: {'config.json': JSON.stringify(qwen.config)},
    delayMs: 1500,
  })
  hub.repos.set('test-org/new-arch', {
    sha: sha('f'),
    files: {'config.json': JSON.stringify({...qwen.config, model_type: 'made_up_arch'})},
    safetensors: {parameters: {BF16: 123456789}, total: 123456789},
  })
})

afterAll(async () => {
  await hub.close()
  rmSync(folder, {recursive: true, force: true})
})

describe('vram models pull', () => {
  it('pins config.json, the commit and the Hub count at the documentation root', async () => {
    const run = await vram(['models', 'pull', 'test-org/qwen-7b'], {cwd: folder, env: env()})
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('test-org/qwen-7b: pinned')
    // The engine's count of the pinned config is the reference's hand derivation.
    expect(run.stdout).toContain('engine count 7,615,616,512 parameters')
    expect(run.stdout).toContain('Hub count    7,615,616,512 (BF16 7,615,616,512)')
    const pin = pins().models['test-org/qwen-7b']
    expect(pin).toMatchObject({revision: 'main', commit: sha('a'), hubParams: 7615616512})
    expect(pin.config).toEqual(qwen.config)
    // config.json was read at the commit the model info named, not at `main`.
    expect(hub.log.map((entry) => entry.url)).toContain(
      `/test-org/qwen-7b/resolve/${sha('a')}/config.json`,
    )
  })

  it('names a difference between the engine count and the Hub count', async () => {
    const run = await vram(['models', 'pull', 'test-org/qwen-more-stored'], {
      cwd: folder,
      env: env(),
    })
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('(+1,376,256 on the Hub: it counts every stored tensor')
  })

  it('leaves a pinned id as it is without --update (no request)', async () => {
    const before = hub.log.length
    const run = await vram(['models', 'pull', 'test-org/qwen-7b'], {cwd: folder, env: env()})
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('already pinned at commit aaaaaaaaaaaa')
    expect(hub.log.length).toBe(before)
  })

  it('builds offline from the pin: calc and check never contact the Hub', async () => {
    const sub = join(folder, 'docs')
    rmSync(sub, {recursive: true, force: true})
    const {mkdirSync} = await import('node:fs')
    mkdirSync(sub)
    writeFileSync(join(sub, 'block.yaml'), 'model: test-org/qwen-7b\nseq: 1\n')
    const before = hub.log.length
    // HF_ENDPOINT points at a closed port: any request would fail.
    const offline = {HF_ENDPOINT: 'http://127.0.0.1:9'}
    const calc = await vram(['calc', 'block.yaml', '--json'], {cwd: sub, env: offline})
    expect(calc.stderr).toBe('')
    expect(JSON.parse(calc.stdout).model).toEqual({id: 'test-org/qwen-7b', params: 7615616512})
    writeFileSync(
      join(sub, 'post.md'),
      '# Post\n\n```vram\nmodel: test-org/qwen-7b\nseq: 1\n```\n\n```vram\nmodel: test-org/not-pinned\n```\n',
    )
    const check = await vram(['check', 'post.md'], {cwd: sub, env: offline})
    expect(check.status).toBe(2)
    // The unpinned id: positioned at its value, with the exact command to run.
    expect(check.stderr).toContain('post.md:9:8')
    expect(check.stderr).toContain('`vram models pull test-org/not-pinned`')
    expect(check.stderr).toContain('[unknown-model]')
    expect(check.stderr).not.toContain('post.md:4')
    expect(hub.log.length).toBe(before)
  })

  it('sends HF_TOKEN for a gated repository and never writes it', async () => {
    const denied = await vram(['models', 'pull', 'test-org/gated-llama'], {cwd: folder, env: env()})
    expect(denied.status).toBe(1)
    expect(denied.stderr).toContain('HTTP 401')
    expect(denied.stderr).toContain('set HF_TOKEN')
    const allowed = await vram(['models', 'pull', 'test-org/gated-llama'], {
      cwd: folder,
      env: {...env(), HF_TOKEN: token},
    })
    expect(allowed.stderr).toBe('')
    expect(allowed.status).toBe(0)
    expect(allowed.stdout).toContain(
      `engine count ${llama.computed_params.total.toLocaleString('en')}`,
    )
    expect(hub.log.at(-1)?.authorization).toBe(`Bearer ${token}`)
    expect(readFileSync(join(folder, 'vram.models.json'), 'utf8')).not.toContain(token)
    expect(allowed.stdout + allowed.stderr).not.toContain(token)
  })

  it('reads a GGUF header by range requests only', async () => {
    const run = await vram(['models', 'pull', 'test-org/llama-GGUF/llama-2-7b.Q4_K_M.gguf'], {
      cwd: folder,
      env: env(),
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const requests = hub.log.filter((entry) => entry.url.endsWith('.gguf'))
    expect(requests.length).toBeGreaterThan(0)
    // Every file request is a range; the 6 MB of (fake) tensor data after the header is never read whole.
    for (const entry of requests) expect(entry.range).toMatch(/^bytes=\d+-\d+$/)
    expect(requests.length).toBe(1)
    const pin = pins().models['test-org/llama-GGUF/llama-2-7b.Q4_K_M.gguf']
    expect(pin).toMatchObject({
      commit: sha('c'),
      hubParams: 6738415616,
      file: 'llama-2-7b.Q4_K_M.gguf',
    })
    expect(pin.gguf.tensors).toHaveLength(32 * 9 + 3)
    // Llama 2 7B's exact count (its model card's 6.74B; the catalogue's preset) from the header's tensors.
    expect(run.stdout).toContain('engine count 6,738,415,616 parameters')
  })

  it('a GGUF repository without a file names its files', async () => {
    const run = await vram(['models', 'pull', 'test-org/llama-GGUF'], {cwd: folder, env: env()})
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('has no config.json')
    expect(run.stderr).toContain('`vram models pull test-org/llama-GGUF/llama-2-7b.Q4_K_M.gguf`')
  })

  it('reports 404, a malformed config and a timeout, and keeps the other pins', async () => {
    const before = readFileSync(join(folder, 'vram.models.json'), 'utf8')
    const missing = await vram(['models', 'pull', 'test-org/nothing-here'], {
      cwd: folder,
      env: env(),
    })
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain('HTTP 404')
    const revision = await vram(['models', 'pull', 'test-org/qwen-7b@v9'], {
      cwd: folder,
      env: env(),
    })
    expect(revision.status).toBe(1)
    expect(revision.stderr).toContain('HTTP 404')
    const broken = await vram(['models', 'pull', 'test-org/broken'], {cwd: folder, env: env()})
    expect(broken.status).toBe(1)
    expect(broken.stderr).toContain('is not valid JSON')
    const slow = await vram(['models', 'pull', 'test-org/slow', '--timeout', '0.5'], {
      cwd: folder,
      env: env(),
    })
    expect(slow.status).toBe(1)
    expect(slow.stderr).toContain('did not answer')
    expect(slow.stderr).toContain('within 0.5 s')
    expect(readFileSync(join(folder, 'vram.models.json'), 'utf8')).toBe(before)
  })

  it('never overwrites a pin file changed while it was pulling', async () => {
    const path = join(folder, 'vram.models.json')
    const pending = vram(['models', 'pull', 'test-org/delayed'], {cwd: folder, env: env()})
    // Once the request reached the Hub, the file was read: an editor changes it now.
    while (!hub.log.some((entry) => entry.url.includes('test-org/delayed'))) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const edited = `${readFileSync(path, 'utf8')} `
    writeFileSync(path, edited)
    const run = await pending
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('changed while vram was pulling: nothing was written')
    expect(readFileSync(path, 'utf8')).toBe(edited)
  })

  it('pins a model of an unknown type, and says what blocks naming it will report', async () => {
    const run = await vram(['models', 'pull', 'test-org/new-arch'], {cwd: folder, env: env()})
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('`model_type: made_up_arch` is not a model type this engine reads')
    writeFileSync(join(folder, 'new.yaml'), 'model: test-org/new-arch\n')
    const calc = await vram(['calc', 'new.yaml'], {cwd: folder, env: env()})
    expect(calc.status).toBe(2)
    expect(calc.stderr).toContain('[unsupported-model]')
    // The weights-only fallback offered is the Hub's exact count.
    expect(calc.stderr).toContain('`model: {params: 123456789}`')
  })

  it('--update moves pins forward and shows what changed in the numbers', async () => {
    const first = await vram(['models', 'pull', 'test-org/evolving'], {cwd: folder, env: env()})
    expect(first.status).toBe(0)
    // The repository gets a new commit with four more layers.
    hub.repos.set('test-org/evolving', {
      sha: sha('2'),
      files: {'config.json': JSON.stringify(qwen.config)},
    })
    const update = await vram(['models', 'pull', '--update'], {
      cwd: folder,
      env: {...env(), HF_TOKEN: token},
    })
    expect(update.stderr).toBe('')
    expect(update.status).toBe(0)
    expect(update.stdout).toContain('test-org/evolving: updated')
    expect(update.stdout).toContain('commit 111111111111 → 222222222222')
    // 4 layers × 233,057,792 per layer (the reference's per-layer count).
    expect(update.stdout).toContain(
      `engine count ${(qwen.computed_params.total - 4 * 233057792).toLocaleString('en')} → 7,615,616,512 (+932,231,168)`,
    )
    expect(update.stdout).toContain('`num_hidden_layers` 24 → 28')
    expect(update.stdout).toContain('test-org/qwen-7b: updated')
    expect(update.stdout).toContain('unchanged at commit aaaaaaaaaaaa')
    expect(pins().models['test-org/evolving'].commit).toBe(sha('2'))
  })
})
