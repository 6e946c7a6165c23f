import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ggufWeights} from '../src/model/gguf.js'
import {architectureFromInput} from '../src/model/input.js'
import {paramInventory} from '../src/model/params.js'
import {nodeReadConfig, preloadGgufFiles, readGgufSummary} from '../src/node.js'
import {evaluateBlock} from '../src/output/evaluate.js'
import {writeLlama2Q4KM} from './gguf-header.js'

let folder: string

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'gguf-'))
  writeLlama2Q4KM(join(folder, 'llama-2-7b.Q4_K_M.gguf'))
})
afterAll(() => rmSync(folder, {recursive: true, force: true}))

describe('a local .gguf file', () => {
  it('reads the header with @huggingface/gguf', async () => {
    const summary = await readGgufSummary(join(folder, 'llama-2-7b.Q4_K_M.gguf'))
    expect(summary.architecture).toBe('llama')
    expect(summary.tensors).toHaveLength(32 * 9 + 3)
  })

  it('computes the file’s tensor bytes as the weights, and its shape', async () => {
    const doc = 'model:\n  config: ./llama-2-7b.Q4_K_M.gguf\nseq: 4096\n'
    const base = join(folder, 'post.md')
    await preloadGgufFiles([doc], folder)
    const {block, diagnostics} = evaluateBlock(
      {model: {config: './llama-2-7b.Q4_K_M.gguf'}, seq: 4096},
      {readConfig: nodeReadConfig(base)},
    )
    expect(diagnostics).toEqual([])
    const result = block?.result
    if (!result) throw new Error('no result')
    expect(result.scenario.model).toMatchObject({
      layers: 32,
      hidden: 4096,
      kvHeads: 32,
      vocab: 32000,
    })
    expect(result.scenario.model.name).toBe('Llama 2 7B (test header)')
    // The same mix computed from the preset: llama-quantize's Q4_K_M of Llama 2 7B.
    const preset = architectureFromInput('llama-2-7b', ['model']).architecture
    if (!preset) throw new Error('no preset')
    expect(result.perDevice.weights).toBe(
      ggufWeights(preset, paramInventory(preset), 'q4_k_m').bytes,
    )
    // KV cache: 2 × 32 layers × 4096 × 4096 tokens × 2 bytes.
    expect(result.perDevice.kvCache).toBe(2 * 32 * 4096 * 4096 * 2)
  })

  it('places the file’s own tensors for llama.cpp: embedding on the CPU, the last blocks on the GPU', async () => {
    const doc = 'model:\n  config: ./llama-2-7b.Q4_K_M.gguf\n'
    await preloadGgufFiles([doc], folder)
    const readConfig = nodeReadConfig(join(folder, 'post.md'))
    const serve = (layers: number) =>
      evaluateBlock(
        {
          model: {config: './llama-2-7b.Q4_K_M.gguf'},
          gpu: 'rtx-4090',
          serve: {engine: 'llama.cpp', ctx_size: 4096, n_gpu_layers: layers},
        },
        {readConfig},
      ).block?.result
    const all = serve(33)
    const half = serve(16)
    if (!all?.host || !half?.host) throw new Error('no result')
    // Token embedding (Q4_K, 32000 × 4096) stays on the CPU whatever the split.
    const embedding = ((32000 * 4096) / 256) * 144
    expect(all.host.weights).toBe(embedding)
    // GPU + CPU = the file's tensor data, for any split.
    const preset = architectureFromInput('llama-2-7b', ['model']).architecture
    if (!preset) throw new Error('no preset')
    const file = ggufWeights(preset, paramInventory(preset), 'q4_k_m').bytes
    expect(all.perDevice.weights + all.host.weights).toBe(file)
    expect(half.perDevice.weights + half.host.weights).toBe(file)
    // 16 of 32 blocks on the GPU, no output layer: the KV of the other 16 on the CPU.
    expect(half.host.kvCache).toBe(16 * 4096 * 2 * 4096 * 2)
  })

  it('says why when the header was not read first', () => {
    writeLlama2Q4KM(join(folder, 'other.gguf'))
    const {diagnostics} = evaluateBlock(
      {model: {config: './other.gguf'}},
      {readConfig: nodeReadConfig(join(folder, 'post.md'))},
    )
    expect(diagnostics[0]).toMatchObject({ruleId: 'config-read'})
    expect(diagnostics[0]?.message).toContain('read asynchronously')
  })
})
