/**
 * `framework:`: DeepSpeed, FSDP and HF Trainer conventions from their code,
 * checked against published measurements (test/reference/frameworks.json) and
 * hand derivations from the frameworks' code and config defaults.
 */
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {toContractJson} from '../src/output/contract.js'
import {evaluateBlock} from '../src/output/evaluate.js'
import {block, GiB, run} from './helpers.js'

interface Measured {
  id: string
  source: string
  model: string
  block: Record<string, unknown>
  measured: {gib?: number; gb?: number; how: string}
  expect: 'within' | 'fails'
  why?: string
}

const references: {
  tolerance: number
  models: Record<string, {config: Record<string, unknown>}>
  answerai: {runs: Measured[]}
  peft: Measured
  conventions: {
    deepspeed: {reduce_bucket_size: number; stage3_prefetch_bucket_size: number}
    cuda_context: {bytes: number}
  }
} = JSON.parse(readFileSync(new URL('./reference/frameworks.json', import.meta.url), 'utf8'))

const modelOf = (name: string) => references.models[name]?.config ?? name

function errorsOf(raw: Record<string, unknown>) {
  return evaluateBlock(raw).diagnostics.filter((entry) => entry.severity === 'error')
}

describe('published measurements of FSDP + (Q)LoRA runs', () => {
  const {tolerance} = references
  for (const entry of [...references.answerai.runs, references.peft]) {
    const bytes =
      entry.measured.gib !== undefined ? entry.measured.gib * GiB : (entry.measured.gb ?? 0) * 1e9
    const title = `${entry.id}: ${entry.measured.gib ?? entry.measured.gb} ${entry.measured.gib ? 'GiB' : 'GB'} (${entry.measured.how}) within ${tolerance * 100} %`
    const check = () => {
      const result = run({...entry.block, model: modelOf(entry.model)})
      // allocatedPeak: what max_memory_allocated reports, the lower bound of max_memory_reserved.
      const computed = result.perDevice.allocatedPeak ?? Number.NaN
      expect(Math.abs(computed - bytes) / bytes).toBeLessThan(tolerance)
    }
    // A known gap is an expected failure, with its reason in the reference data.
    if (entry.expect === 'fails') it.fails(`${title}; known gap: ${entry.why}`, check)
    else it(title, check)
  }
})

describe('DeepSpeed: buckets from its config defaults', () => {
  const base = {model: 'llama-2-7b', mode: 'training', framework: 'deepspeed', seq: 2048}
  const {reduce_bucket_size} = references.conventions.deepspeed

  it('ZeRO-1/2 allocate one IPG buffer of reduce_bucket_size 16-bit elements (overlap_comm off)', () => {
    for (const zero of [1, 2]) {
      const result = run({...base, parallel: {dp: 8, zero}})
      expect(result.perDevice.communication).toBe(reduce_bucket_size * 2)
      expect(result.components.map((entry) => entry.key)).toContain('communication')
    }
  })

  it('ZeRO-3 allocates one IPG bucket of reduce_bucket_size; stage 0 none', () => {
    expect(run({...base, parallel: {dp: 8, zero: 3}}).perDevice.communication).toBe(1e9)
    const plain = run({...base, parallel: {dp: 8}})
    expect(plain.perDevice.communication).toBe(0)
    expect(plain.components.map((entry) => entry.key)).not.toContain('communication')
  })

  it('ZeRO-3 holds the largest module, the prefetch bucket and persistent small tensors gathered', () => {
    // Llama-2-7B: the largest tensor is embed_tokens / lm_head, 32000 × 4096 = 131,072,000;
    // stage3_prefetch_bucket_size 5e7; tensors under 1e5 elements (the 65 RMSNorm weights of
    // 4096) stay whole: 65 × 4096 = 266,240. Partition: P / 8, 16-bit.
    const result = run({...base, parallel: {dp: 8, zero: 3}})
    const P = 6_738_415_616
    const gathered =
      131_072_000 + references.conventions.deepspeed.stage3_prefetch_bucket_size + 266_240
    expect(result.perDevice.weights).toBe(Math.ceil(P / 8) * 2 + gathered * 2)
  })
})

describe('FSDP: what it gathers and keeps in fp32', () => {
  // Llama-2-7B: one decoder layer = 4 × 4096² + 3 × 4096 × 11008 + 2 × 4096 = 202,383,360;
  // the root unit = embed_tokens + lm_head + the final norm = 2 × 32000 × 4096 + 4096.
  const unit = 202_383_360
  const root = 262_148_096
  const P = 6_738_415_616
  const base = {model: 'llama-2-7b', mode: 'training', framework: 'fsdp', seq: 2048}

  it('FULL_SHARD, bf16: the shard, the root unit and two decoder layers; root and one layer of gradients', () => {
    const result = run({...base, precision: 'bf16', parallel: {dp: 8, zero: 3}})
    expect(result.perDevice.weights).toBe(Math.ceil(P / 8) * 2 + (root + 2 * unit) * 2)
    expect(result.perDevice.gradients).toBe(Math.ceil(P / 8) * 2 + (root + unit) * 2)
  })

  it('FULL_SHARD under mixed precision keeps fp32 shards as the master copy: 16 bytes per sharded parameter', () => {
    const result = run({...base, parallel: {dp: 8, zero: 3}})
    const shard = Math.ceil(P / 8)
    expect(result.perDevice.weights).toBe(shard * 4 + (root + 2 * unit) * 2)
    expect(result.perDevice.gradients).toBe(shard * 4 + (root + unit) * 2)
    // AdamW's two fp32 states and no separate master copy.
    expect(result.perDevice.optimizer).toBe(shard * 8)
  })

  it('has no ZeRO-1 and no optimizer-only offload: refused with FSDP’s own terms', () => {
    const one = errorsOf({...base, parallel: {dp: 8, zero: 1}})
    expect(one[0]?.message).toContain('SHARD_GRAD_OP')
    expect(one[0]?.path).toEqual(['parallel', 'zero'])
    const offload = errorsOf({...base, parallel: {dp: 8, zero: 3, offload: 'optimizer'}})
    expect(offload[0]?.message).toContain('CPUOffload(offload_params=True)')
  })
})

describe('adapters on many GPUs', () => {
  const qlora = {
    model: 'llama-2-70b',
    mode: 'training',
    dtype: 'nf4',
    precision: 'bf16',
    micro_batch: 1,
    seq: 2048,
    recompute: 'full',
    adapter: {rank: 8, targets: 'all-linear', double_quant: true},
  }

  it('FSDP + QLoRA: the quantized base shards over the ranks (quant storage in bf16)', () => {
    const one = run(qlora)
    const two = run({...qlora, framework: 'fsdp', parallel: {dp: 2, zero: 3}})
    const four = run({...qlora, framework: 'fsdp', parallel: {dp: 4, zero: 3}})
    // The shard halves; the gathered root unit and two layers stay.
    const gathered = two.perDevice.weights - Math.ceil(one.perDevice.weights / 2)
    expect(four.perDevice.weights).toBe(Math.ceil(one.perDevice.weights / 4) + gathered)
    expect(gathered).toBeGreaterThan(0)
    expect(gathered).toBeLessThan(one.perDevice.weights / 10)
    // Answer.AI trained 70B QLoRA at 2,048 tokens on four A5000 24GB without offload (batch 1).
    expect(four.perDevice.total).toBeLessThan(24 * GiB)
  })

  it('offload: params puts the base shard, the adapter and its states in host memory (JSON host)', () => {
    const raw = {...qlora, framework: 'fsdp', parallel: {dp: 2, zero: 3, offload: 'params'}}
    const result = run(raw)
    const json = toContractJson(block(raw)) as {
      host?: {weights: number; optimizer: number; gradients: number; total: number}
    }
    expect(result.host?.weights).toBeGreaterThan(15e9)
    expect(result.host?.optimizer).toBeGreaterThan(0)
    expect(json.host?.total).toBe(result.host?.total)
    expect(result.perDevice.optimizer).toBe(0)
  })

  it('DeepSpeed ZeRO-2 + LoRA: the base replicated, the adapter’s states sharded, the IPG buffer allocated', () => {
    const lora = {
      model: 'llama-3.1-8b',
      mode: 'training',
      seq: 2048,
      adapter: {rank: 16, targets: 'all-linear'},
    }
    const one = run(lora)
    const eight = run({...lora, framework: 'deepspeed', parallel: {dp: 8, zero: 2}})
    expect(eight.perDevice.weights).toBe(one.perDevice.weights)
    expect(eight.perDevice.optimizer).toBe(Math.ceil(one.perDevice.optimizer / 8))
    expect(eight.perDevice.gradients).toBe(Math.ceil(one.perDevice.gradients / 8))
    expect(eight.perDevice.communication).toBe(1e9)
  })

  it('an adapter with ZeRO and no framework asks for one', () => {
    const errors = errorsOf({
      model: 'llama-3.1-8b',
      mode: 'training',
      adapter: {rank: 8},
      parallel: {dp: 2, zero: 3},
    })
    expect(errors[0]?.suggestion).toContain('framework: deepspeed')
  })
})

describe('combinations no framework runs', () => {
  const full = {model: 'llama-2-7b', mode: 'training'}
  it('Megatron-LM trains no PEFT adapter and shards no further than its distributed optimizer', () => {
    expect(errorsOf({...full, framework: 'megatron', adapter: {rank: 8}})[0]?.message).toContain(
      'Megatron-LM trains no PEFT adapter',
    )
    const zero3 = errorsOf({...full, framework: 'megatron', parallel: {dp: 8, zero: 3}})
    expect(zero3[0]?.message).toContain('--use-distributed-optimizer')
  })
  it('DeepSpeed refuses ZeRO-2/3 with pipeline parallelism, in its own words', () => {
    const errors = errorsOf({...full, framework: 'deepspeed', parallel: {dp: 2, pp: 2, zero: 3}})
    expect(errors[0]?.message).toContain('incompatible with pipeline parallelism')
    expect(errors[0]?.path).toEqual(['parallel', 'zero'])
  })
  it('HF Trainer shards only through DeepSpeed or FSDP', () => {
    const errors = errorsOf({...full, framework: 'transformers', parallel: {dp: 2, zero: 2}})
    expect(errors[0]?.suggestion).toContain('framework: deepspeed')
  })
  it('an unknown framework suggests the nearest name', () => {
    const errors = errorsOf({...full, framework: 'deepspeeed'})
    expect(errors[0]?.ruleId).toBe('invalid-value')
    expect(errors[0]?.suggestion).toContain('`deepspeed`')
  })
})

describe('one activation accounting per framework', () => {
  const block = {
    model: 'llama-3.1-8b',
    mode: 'training',
    batch: 1,
    seq: 2048,
    recompute: 'none',
  }
  it('a full fine-tune under transformers keeps every linear input; LoRA keeps fewer activations than it', () => {
    const full = run({...block, framework: 'deepspeed'})
    const lora = run({
      ...block,
      framework: 'deepspeed',
      adapter: {rank: 16, targets: 'all-linear', dtype: 'bf16'},
    })
    // Per layer the full run adds: the down_proj input (t × ffn) and the QKV/MLP inputs
    // (2 t × h, bf16) and the two norms' bf16 outputs (2 t × h); the head's input (t × h).
    expect(full.perDevice.activations).toBeGreaterThan(lora.perDevice.activations)
    const t = 2048
    const h = 4096
    const ffn = 14336
    const perLayerFull = 2 * t * h * 2 + 2 * t * h * 2 + t * ffn * 2
    // LoRA on a frozen base with bf16 adapters: the inputs of the adapted layers (shared with
    // the base) and each adapter's rank-16 intermediate (7 adapters × t × 16 × 2).
    const perLayerLora = 2 * t * h * 2 + t * ffn * 2 + 7 * t * 16 * 2
    expect(full.perDevice.activations - lora.perDevice.activations).toBe(
      32 * (perLayerFull - perLayerLora) + t * h * 2,
    )
  })
})
