import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {findModelPreset} from '../src/model/presets.js'
import {cachedConfigPath, hfHubCache, nodeReadConfig} from '../src/node.js'
import {evaluateBlock} from '../src/output/evaluate.js'

// A cache laid out as huggingface_hub writes it: refs/main → snapshots/<commit>/config.json.
let cache: string
const commit = 'a'.repeat(40)
let previous: string | undefined

beforeAll(() => {
  cache = mkdtempSync(join(tmpdir(), 'hf-cache-'))
  const root = join(cache, 'models--Acme--Tiny-Llama-1B')
  mkdirSync(join(root, 'refs'), {recursive: true})
  mkdirSync(join(root, 'snapshots', commit), {recursive: true})
  writeFileSync(join(root, 'refs', 'main'), commit)
  // Llama 3.2 1B's shape under another name: the count must be Llama 3.2 1B's.
  writeFileSync(
    join(root, 'snapshots', commit, 'config.json'),
    JSON.stringify(findModelPreset('llama-3.2-1b')?.config),
  )
  previous = process.env.HF_HUB_CACHE
  process.env.HF_HUB_CACHE = cache
})

afterAll(() => {
  if (previous === undefined) delete process.env.HF_HUB_CACHE
  else process.env.HF_HUB_CACHE = previous
  rmSync(cache, {recursive: true, force: true})
})

describe('local Hugging Face cache', () => {
  it('follows HF_HUB_CACHE, HF_HOME and XDG_CACHE_HOME like huggingface_hub', () => {
    expect(hfHubCache({HF_HUB_CACHE: '/x'})).toBe('/x')
    expect(hfHubCache({HF_HOME: '/h'})).toBe(join('/h', 'hub'))
    expect(hfHubCache({XDG_CACHE_HOME: '/c'})).toBe(join('/c', 'huggingface', 'hub'))
  })
  it('finds a cached model by its id, case-insensitively, and nothing else', () => {
    expect(cachedConfigPath('acme/tiny-llama-1b', cache)).toBe(
      join(cache, 'models--Acme--Tiny-Llama-1B', 'snapshots', commit, 'config.json'),
    )
    expect(cachedConfigPath('acme/other', cache)).toBeUndefined()
    expect(cachedConfigPath('../etc/passwd', cache)).toBeUndefined()
  })
  it('computes a block for a cached model named by id', () => {
    const {block, diagnostics} = evaluateBlock(
      {model: 'Acme/Tiny-Llama-1B', seq: 1024},
      {readConfig: nodeReadConfig(undefined)},
    )
    expect(diagnostics).toEqual([])
    expect(block?.result?.scenario.model.id).toBe('Acme/Tiny-Llama-1B')
    // Llama 3.2 1B: 1,235,814,400 parameters (Hub API safetensors.total) × 2 bytes.
    expect(block?.result?.perDevice.weights).toBe(2 * 1_235_814_400)
  })
  it('an id in neither the catalogue nor the cache is an unknown model', () => {
    const {diagnostics} = evaluateBlock(
      {model: 'Acme/Missing-7B'},
      {readConfig: nodeReadConfig(undefined)},
    )
    expect(diagnostics[0]).toMatchObject({
      ruleId: 'unknown-model',
      message:
        'Unknown model `Acme/Missing-7B`: it is not in the catalogue, `vram.models.json` or the local Hugging Face cache',
      suggestion: expect.stringContaining('`vram models pull Acme/Missing-7B`'),
    })
  })
})
