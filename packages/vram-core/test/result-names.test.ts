/**
 * The result vocabulary (input/result-names.ts): `expect`, `vram:ID.PATH`
 * references and `metric` name a value the same way. The KV cache of Llama 2
 * 7B at its defaults (batch 1, 4,096 tokens, fp16) is
 * 2 × 32 layers × 4,096 tokens × 4,096 hidden × 2 bytes = 2 GiB (Kwon et al.
 * 2023, §2; the article's §3.5), whichever name reaches it.
 */
import {describe, expect, it} from 'vitest'
import {expectNames, metricNames, resultNames} from '../src/input/result-names.js'
import {evaluateBlock} from '../src/output/evaluate.js'
import {resolveReference} from '../src/output/reference.js'
import {block, GiB} from './helpers.js'

const llama = {model: 'llama-2-7b', gpu: 'a100-80gb'}

describe('one result vocabulary', () => {
  it('`kv_cache` and the engine key `kvCache` name the same value everywhere', () => {
    const b = block(llama)
    const bytes = {value: {kind: 'bytes', value: 2 * GiB}}
    expect(resolveReference(b, 'kv_cache')).toEqual(bytes)
    expect(resolveReference(b, 'kvCache')).toEqual(bytes)
    for (const key of ['kv_cache', 'kvCache']) {
      const {block: checked} = evaluateBlock({...llama, expect: {[key]: '2 GiB'}})
      expect(checked?.expectations.map((entry) => [entry.key, entry.ok])).toEqual([[key, true]])
    }
    for (const metric of ['kv_cache', 'kvCache', 'KV_CACHE']) {
      const sweep = block({...llama, vary: {batch: [1, 2]}, metric})
      expect(sweep.metric).toBe('kvCache')
      expect(sweep.cases?.map((entry) => entry.result?.perDevice.kvCache)).toEqual([
        2 * GiB,
        4 * GiB,
      ])
    }
  })

  it('every name `expect` or `metric` takes is a reference path too', () => {
    const names = Object.keys(resultNames)
    expect(expectNames.every((name) => names.includes(name))).toBe(true)
    expect(metricNames).toEqual([
      'total',
      'weights',
      'gradients',
      'optimizer',
      'activations',
      'kv_cache',
      'buffers',
      'params',
      'adapter',
    ])
  })

  it('an unknown `metric` lists the writer’s names, not the engine’s keys', () => {
    const {diagnostics} = evaluateBlock({...llama, vary: {batch: [1, 2]}, metric: 'kv'})
    expect(diagnostics.map((entry) => entry.message)).toEqual([
      '`metric` must be one of total, weights, gradients, optimizer, activations, kv_cache, buffers, params, adapter',
    ])
  })
})
