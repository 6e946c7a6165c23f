import {beforeAll, describe, expect, it} from 'vitest'
import {tempDir, vram, writeTemp} from './helpers.js'

// The §5 example block. Expected figures are derived by hand, not by the engine:
// params: Qwen2.5-7B's exact count (embedding 152064 × 3584 untied ×2, 28 layers
// of GQA attention with qkv biases and a 18944-wide SwiGLU MLP, norms) = 7,615,616,512.
const qwen = `model: Qwen/Qwen2.5-7B
mode: inference
dtype: fp16
batch: 16
seq: 32768
gpu: h100-sxm-80gb
`
const params = 7_615_616_512
const weights = params * 2 // fp16: 2 bytes per parameter
const kvCache = 2 * 28 * 4 * 128 * 2 * 16 * 32768 // K and V × layers × kv heads × head_dim × bytes × B × N
// The lazily loaded CUDA context (pytorch/pytorch#86509): the one row beyond the tensors.
const cudaContext = 287_047_680
const capacity = 81_559 * 2 ** 20 // 81,559 MiB as nvidia-smi reports an H100 SXM 80GB

let dir: string

beforeAll(() => {
  dir = tempDir()
})

describe('vram calc --json', () => {
  it('gives the hand-derived §5 figures for Qwen2.5-7B on one H100', async () => {
    expect(weights).toBe(15_231_233_024)
    expect(kvCache).toBe(30_064_771_072)
    expect(capacity).toBe(85_520_809_984)
    const file = writeTemp(dir, 'qwen.yaml', qwen)
    const run = await vram(['calc', '--json', file])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({
      model: {id: 'Qwen/Qwen2.5-7B', params},
      devices: 1,
      perDevice: {
        weights,
        gradients: 0,
        optimizer: 0,
        activations: 0,
        kvCache,
        buffers: 0,
        communication: 0,
        cudaContext,
        allocatedPeak: weights + kvCache,
        total: weights + kvCache + cudaContext,
      },
      capacity,
      fits: true,
    })
    expect(weights + kvCache + cudaContext).toBe(45_583_051_776)
  })

  it('prints the JSON with 2-space indentation, as `pnpm -s vram calc --json` from the root', async () => {
    const file = writeTemp(dir, 'qwen-indent.yaml', qwen)
    const run = await vram(['calc', '--json', file])
    expect(run.stdout.startsWith('{\n  "model": {\n    "id": "Qwen/Qwen2.5-7B",')).toBe(true)
    expect(run.stdout.endsWith('}\n')).toBe(true)
  })

  it('reads stdin with `-` and with no FILE', async () => {
    const dash = await vram(['calc', '--json', '-'], {input: qwen})
    expect(dash.status).toBe(0)
    expect(JSON.parse(dash.stdout).perDevice.total).toBe(45_583_051_776)
    const none = await vram(['calc', '--json'], {input: qwen})
    expect(none.status).toBe(0)
    expect(JSON.parse(none.stdout)).toEqual(JSON.parse(dash.stdout))
  })

  it('gives `scenarios` for a vary block, one per value, in order', async () => {
    const file = writeTemp(
      dir,
      'vary.yaml',
      `model: Qwen/Qwen2.5-7B
batch: 16
seq: 32768
gpu: h100-sxm-80gb
vary:
  dtype: [fp16, int8]
`,
    )
    const run = await vram(['calc', '--json', file])
    expect(run.status).toBe(0)
    const {scenarios} = JSON.parse(run.stdout) as {
      scenarios: Array<{vary: unknown; perDevice: {weights: number; kvCache: number}}>
    }
    expect(scenarios).toHaveLength(2)
    expect(scenarios.map((entry) => entry.vary)).toEqual([{dtype: 'fp16'}, {dtype: 'int8'}])
    expect(scenarios[0]?.perDevice.weights).toBe(weights)
    expect(scenarios[1]?.perDevice.weights).toBe(params) // int8: 1 byte per parameter
    // The KV cache of int weights stays 16-bit.
    expect(scenarios[1]?.perDevice.kvCache).toBe(kvCache)
  })

  it('gives `solved` for a solve block', async () => {
    const file = writeTemp(
      dir,
      'solve.yaml',
      `model: Qwen/Qwen2.5-7B
dtype: fp16
seq: 32768
gpu: h100-sxm-80gb
solve: batch
`,
    )
    const run = await vram(['calc', '--json', file])
    expect(run.status).toBe(0)
    const json = JSON.parse(run.stdout) as {solved: {batch: number}}
    // Free bytes below 99 % of the capacity, over the KV cache of one sequence (1,879,048,192 bytes).
    const free = capacity * 0.99 - weights - cudaContext
    expect(json.solved).toEqual({batch: Math.floor(free / (kvCache / 16))})
  })
})

describe('vram calc diagnostics', () => {
  it('reports an unknown key at its line and column with exit 2', async () => {
    // Line 4, column 3 is `kv_head` (two spaces of indentation); line 6, column 1 is `batchh`.
    const file = writeTemp(
      dir,
      'unknown.yaml',
      `model:
  extends: llama-2-7b
  # a comment
  kv_head: 8
mode: inference
batchh: 4
`,
    )
    const run = await vram(['calc', '--json', file])
    expect(run.status).toBe(2)
    expect(run.stdout).toBe('')
    const lines = run.stderr.trim().split('\n')
    expect(lines).toContain(
      `${file}:6:1: Unknown key \`batchh\` [unknown-key] (did you mean \`batch\`?)`,
    )
    expect(
      lines.some((line) => line.startsWith(`${file}:4:3: `) && line.includes('[unknown-key]')),
    ).toBe(true)
    expect(run.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })

  it('reports a YAML syntax error with exit 2', async () => {
    const file = writeTemp(dir, 'syntax.yaml', 'model: llama-2-7b\nbatch: [1, 2\nseq: 4096\n')
    const run = await vram(['calc', '--json', file])
    expect(run.status).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(
      new RegExp(`^${file.replaceAll('\\', '\\\\')}:\\d+:\\d+: .*\\[yaml-syntax\\]`, 'm'),
    )
  })

  it('names stdin `<stdin>`', async () => {
    const run = await vram(['calc', '-'], {input: 'model: llama-2-7b\nbatchh: 4\n'})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('<stdin>:2:1: Unknown key `batchh` [unknown-key]')
  })

  it('reports an unreadable file without a stack trace', async () => {
    const run = await vram(['calc', `${dir}/missing.yaml`])
    expect(run.status).toBe(2)
    expect(run.stderr).toBe(`vram: cannot read ${dir}/missing.yaml: ENOENT\n`)
  })

  it('exits 1 on an expect mismatch and still prints the result', async () => {
    const file = writeTemp(
      dir,
      'expect.yaml',
      `${qwen}expect:\n  total: 40 GB\n  kv_cache: 30.1 GB\n`,
    )
    const run = await vram(['calc', '--json', file])
    expect(run.status).toBe(1)
    expect(JSON.parse(run.stdout).perDevice.total).toBe(45_583_051_776)
    expect(run.stderr).toMatch(/:8:10: .*\[expect-mismatch\]/)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('rejects unknown options and commands with exit 2', async () => {
    expect((await vram(['calc', '--bogus'])).status).toBe(2)
    expect((await vram(['frobnicate'])).status).toBe(2)
    expect((await vram(['calc', 'a.yaml', 'b.yaml'])).status).toBe(2)
  })
})

describe('vram calc from flags', () => {
  it('builds the block from flags alone', async () => {
    const run = await vram([
      'calc',
      '--json',
      '--model',
      'Qwen/Qwen2.5-7B',
      '--dtype',
      'fp16',
      '--batch',
      '16',
      '--seq',
      '32768',
      '--gpu',
      'h100-sxm-80gb',
    ])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual(
      JSON.parse((await vram(['calc', '--json', writeTemp(dir, 'same.yaml', qwen)])).stdout),
    )
  })

  it('sets parallel keys with shortcuts', async () => {
    const run = await vram([
      'calc',
      '--json',
      '--model',
      'llama-2-7b',
      '--mode',
      'training',
      '--batch',
      '8',
      '--seq',
      '4096',
      '--gpu',
      'h100-sxm-80gb',
      '--tp',
      '2',
      '--dp',
      '4',
      '--zero',
      '2',
    ])
    expect(run.status).toBe(0)
    const json = JSON.parse(run.stdout) as {devices: number; perDevice: {weights: number}}
    expect(json.devices).toBe(8)
    // Llama 2 7B: 6,738,415,616 parameters, bf16; TP 2 splits every matrix and
    // replicates the RMSNorm weights (2 per layer × 32 layers + the final one, of 4096).
    const norms = (2 * 32 + 1) * 4096
    expect(json.perDevice.weights).toBe(((6_738_415_616 - norms) / 2 + norms) * 2)
  })

  it('lets flags override a file and reports a bad flag by its name', async () => {
    const file = writeTemp(dir, 'override.yaml', qwen)
    const run = await vram(['calc', '--json', file, '--gpu', 'rtx-4090'])
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout).fits).toBe(false)
    const bad = await vram(['calc', '--model', 'llama-2-7b', '--batch', 'many'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/^--batch: .*\[invalid-value\]/)
  })
})

describe('vram calc text output', () => {
  it('prints a table with caption, shares and the fit summary', async () => {
    const run = await vram(['calc', writeTemp(dir, 'text.yaml', qwen)])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('Qwen/Qwen2.5-7B')
    expect(run.stdout).toContain('inference · fp16 · B=16 · N=32,768 · 1 GPU')
    expect(run.stdout).toMatch(/weights\s+15\.2\s+33\.4 %/)
    expect(run.stdout).toMatch(/KV cache\s+30\.1\s+66\.0 %/)
    expect(run.stdout).toMatch(/CUDA context\s+0\.287\s+0\.6 %/)
    expect(run.stdout).toMatch(/total\s+45\.6\s+100 %/)
    expect(run.stdout).toContain('45.6 GB of 85.5 GB on H100 SXM 80GB (53%): fits')
  })

  it('uses colour only when asked and never with NO_COLOR', async () => {
    const file = writeTemp(dir, 'colour.yaml', qwen)
    const ansi = '\u001b['
    expect((await vram(['calc', file])).stdout).not.toContain(ansi)
    expect((await vram(['calc', file], {env: {FORCE_COLOR: '1'}})).stdout).toContain(ansi)
    expect(
      (await vram(['calc', file], {env: {FORCE_COLOR: '1', NO_COLOR: '1'}})).stdout,
    ).not.toContain(ansi)
  })
})

describe('vram models and gpus', () => {
  it('lists the model presets with exact parameter counts', async () => {
    const run = await vram(['models', '--json'])
    expect(run.status).toBe(0)
    const models = JSON.parse(run.stdout) as Array<{
      short: string
      id: string
      params: number
      layers: number
      kvHeads: number
    }>
    expect(models.length).toBeGreaterThanOrEqual(60)
    expect(models.find((entry) => entry.short === 'qwen2.5-14b')?.params).toBe(14_770_033_664)
    const qwen7b = models.find((entry) => entry.id === 'Qwen/Qwen2.5-7B')
    expect(qwen7b).toMatchObject({short: 'qwen2.5-7b', params, layers: 28, kvHeads: 4})
    expect(models.find((entry) => entry.short === 'llama-2-7b')?.params).toBe(6_738_415_616)
  })

  it('lists GPU presets with the reported capacity', async () => {
    const run = await vram(['gpus', '--json'])
    expect(run.status).toBe(0)
    const gpus = JSON.parse(run.stdout) as Array<{
      id: string
      capacity: number
      capacityGiB: number
    }>
    expect(gpus.find((gpu) => gpu.id === 'h100-sxm-80gb')).toMatchObject({
      capacity,
      capacityGiB: 79.65,
    })
    const text = await vram(['gpus'])
    expect(text.stdout).toMatch(/h100-sxm-80gb\s+H100 SXM 80GB\s+81,559\s+79\.65\s+85\.52/)
  })

  it('prints help and the version', async () => {
    for (const command of ['calc', 'models', 'gpus']) {
      const run = await vram([command, '--help'])
      expect(run.status).toBe(0)
      expect(run.stdout).toContain(`vram ${command}`)
    }
    expect((await vram(['--help'])).stdout).toContain('Exit status')
    expect((await vram(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })
})
