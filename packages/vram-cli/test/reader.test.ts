/**
 * What a reader of the CLI's output sees (issue 12): params-only totals never
 * "fit", `--json` never reports 0 for what it could not compute, `render` keeps
 * front matter and reads stdin, `--citations` and `--quantize` are documented.
 */
import {beforeAll, describe, expect, it} from 'vitest'
import {tempDir, vram, writeTemp} from './helpers.js'

let dir: string

beforeAll(() => {
  dir = tempDir()
})

// 7B parameters in bf16: 7e9 × 2 bytes = 14 GB by hand; the KV cache needs the shape.
const paramsOnly = ['--model', '{params: 7B}', '--gpu', 'h100-sxm-80gb', '--show', '[]']

describe('a params-only block', () => {
  it('prints n/a with the missing fields, and no fit verdict', async () => {
    const run = await vram(['calc', ...paramsOnly])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/KV cache +n\/a \(needs `layers`, `hidden`, `heads`\)\n/)
    // 14 GB of weights and the 0.287 GB CUDA context (pytorch/pytorch#86509).
    expect(run.stdout).toMatch(/total without KV cache +14\.3\n/)
    expect(run.stdout).toContain(
      'no fit check on H100 SXM 80GB: the total leaves out KV cache (needs `layers`, `hidden`, `heads`)',
    )
    expect(run.stdout).not.toMatch(/fits|needs The/)
  })

  it('reports null, not 0, for the KV cache, the total and fits in --json', async () => {
    const run = await vram(['calc', '--json', ...paramsOnly])
    expect(run.status).toBe(0)
    const json = JSON.parse(run.stdout)
    expect(json.perDevice).toEqual({
      weights: 14_000_000_000,
      gradients: 0,
      optimizer: 0,
      activations: 0,
      kvCache: null,
      buffers: 0,
      communication: 0,
      cudaContext: 287_047_680,
      allocatedPeak: null,
      total: null,
    })
    expect(json.missing).toEqual({kvCache: ['layers', 'hidden', 'heads']})
    expect(json.fits).toBeNull()
  })

  it('leaves the fits column out of a sweep and says why', async () => {
    const run = await vram([
      'calc',
      '--model',
      '{params: 7B}',
      '--mode',
      'training',
      '--gpu',
      'h100-sxm-80gb',
      '--metric',
      'optimizer',
      '--vary',
      '{optimizer: [adamw, sgd]}',
    ])
    expect(run.status).toBe(0)
    // AdamW: 12 bytes per parameter (fp32 master, m, v) = 84 GB; SGD: the fp32 master, 28 GB.
    expect(run.stdout).toMatch(/adamw +84\.0 +n\/a\n/)
    expect(run.stdout).toMatch(/sgd +28\.0 +n\/a\n/)
    expect(run.stdout).not.toMatch(/ fits\n| (yes|no)\n/)
    expect(run.stdout).toContain('the total leaves out activations (needs `layers`')
  })
})

describe('a sweep in the terminal', () => {
  it('puts what differs between cases in columns, not in the caption', async () => {
    const run = await vram([
      'calc',
      '--model',
      'llama-2-7b',
      '--mode',
      'training',
      '--batch',
      '8',
      '--zero',
      '3',
      '--vary',
      '{parallel.dp: [1, 8]}',
    ])
    expect(run.status).toBe(0)
    const [head] = run.stdout.split('\n')
    // B = 8 is shared; the GPU count and the micro-batch per rank (8 / DP) are not.
    expect(head).toBe(
      'Llama 2 7B (meta-llama/Llama-2-7b-hf) · training · bf16 · mixed precision · adamw · N=4,096 · varying parallel.dp',
    )
    expect(run.stdout).toMatch(/^1 +B=8 +ZeRO-3 · 1 GPU +\d/m)
    expect(run.stdout).toMatch(/^8 +B=8 \(1 per rank\) +DP 8 · ZeRO-3 · 8 GPUs +\d/m)
  })

  it('formats swept numbers like every other figure', async () => {
    const run = await vram(['calc', '--model', 'qwen2.5-7b', '--vary', '{seq: [8192, 32768]}'])
    expect(run.stdout).toMatch(/^N=8,192 +\d/m)
    expect(run.stdout).toMatch(/^N=32,768 +\d/m)
  })

  it('labels a dtype with the KV dtype it brings', async () => {
    const run = await vram(['calc', '--model', 'qwen2.5-7b', '--vary', '{dtype: [fp16, int4]}'])
    expect(run.stdout).toMatch(/^fp16 +\d/m)
    expect(run.stdout).toMatch(/^int4 \(KV bf16\) +\d/m)
  })
})

describe('vram render', () => {
  const document =
    '---\ntitle: Memory\ntags: [gpu]\n---\n\n# Memory\n\n```vram\nmodel: llama-2-7b\n```\n'

  it('keeps YAML front matter as it is, from a file and from stdin', async () => {
    const file = writeTemp(dir, 'front.md', document)
    for (const run of [
      await vram(['render', file]),
      await vram(['render', '-'], {input: document}),
    ]) {
      expect(run.status).toBe(0)
      expect(run.stdout.startsWith('---\ntitle: Memory\ntags: [gpu]\n---\n\n# Memory\n\n')).toBe(
        true,
      )
      expect(run.stdout).not.toContain('***')
      expect(run.stdout).toContain('**Llama 2 7B**: inference')
    }
  })

  it('keeps TOML front matter', async () => {
    const run = await vram(['render', '-'], {input: '+++\ntitle = "x"\n+++\n\ntext\n'})
    expect(run.stdout).toBe('+++\ntitle = "x"\n+++\n\ntext\n')
  })

  it('cites in the chosen style, or not at all', async () => {
    const block = '```vram\nmodel: llama-2-7b\nshow: [formulas]\n```\n'
    const full = await vram(['render', '-'], {input: block})
    expect(full.stdout).toContain(
      '[vLLM v0.6.0, vllm/worker/cache_engine.py (CacheEngine.get_cache_block_size)]',
    )
    const short = await vram(['render', '--citations', 'short', '-'], {input: block})
    expect(short.stdout).toContain('KV cache: [vLLM](https://github.com/vllm-project/vllm/')
    expect(short.stdout).toContain(
      'Model: [config.json](https://huggingface.co/meta-llama/Llama-2-7b-hf/blob/main/config.json)',
    )
    const none = await vram(['render', '--citations', 'none', '-'], {input: block})
    expect(none.stdout).not.toContain('Sources')
    const bad = await vram(['render', '--citations', 'apa', '-'], {input: block})
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('--citations must be full, short or none, not apa')
  })
})

describe('help', () => {
  it('lists --quantize among the block flags and --citations among the plugin options', async () => {
    expect((await vram(['calc', '--help'])).stdout).toContain('--quantize')
    expect((await vram(['render', '--help'])).stdout).toContain('--citations STYLE')
  })

  it('--quantize sets the block key', async () => {
    // int4 on linear layers only keeps the embedding and LM head in bf16, so the weights grow.
    const all = await vram(['calc', '--json', '--model', 'llama-2-7b', '--dtype', 'int4'])
    const linear = await vram([
      'calc',
      '--json',
      '--model',
      'llama-2-7b',
      '--dtype',
      'int4',
      '--quantize',
      'linear',
    ])
    expect(JSON.parse(linear.stdout).perDevice.weights).toBeGreaterThan(
      JSON.parse(all.stdout).perDevice.weights,
    )
  })
})
