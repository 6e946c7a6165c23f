import {readFileSync} from 'node:fs'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {bnbBitsPerWeight, bnbFootprint, bnbStorage} from '../src/model/bitsandbytes.js'
import {paramInventory} from '../src/model/params.js'
import {toContractJson} from '../src/output/contract.js'
import {evaluateBlock} from '../src/output/evaluate.js'
import {resolveReference} from '../src/output/reference.js'
import {block, run} from './helpers.js'

interface References {
  models: Record<
    string,
    {
      config?: Record<string, unknown>
      symbols?: Record<string, unknown>
      embeddingLayerNormParams?: number
    }
  >
  trainable: Array<{
    source: string
    model: string
    adapter: Record<string, unknown>
    trainable: number
    all?: number
  }>
  footprint: Array<{source: string; model: string; format: '4bit' | '8bit'; ratio: number}>
  peakMemory: {
    source: string
    settings: Record<string, unknown>
    tolerance: number
    runs: Array<{model: string; quantization: string; gb: number}>
  }
}

const references: References = JSON.parse(
  readFileSync(new URL('./reference/finetune.json', import.meta.url), 'utf8'),
)

/** A preset id, or a model from the reference data (its config.json or symbols). */
function modelOf(name: string): unknown {
  const entry = references.models[name]
  if (!entry) return name
  return entry.config ?? entry.symbols
}

function diagnosticsOf(raw: Record<string, unknown>) {
  return evaluateBlock(raw).diagnostics.filter((entry) => entry.severity === 'error')
}

describe('trainable parameters: PEFT print_trainable_parameters()', () => {
  for (const entry of references.trainable) {
    const targets = Array.isArray(entry.adapter.targets)
      ? entry.adapter.targets.join(', ')
      : entry.adapter.targets
    it(`${entry.model}, ${entry.adapter.type ?? 'lora'} r=${entry.adapter.rank} on ${targets}: ${entry.trainable}`, () => {
      const result = run({model: modelOf(entry.model), mode: 'training', adapter: entry.adapter})
      expect(result.model.trainableParams).toBe(entry.trainable)
      if (entry.all !== undefined) {
        expect(result.model.params + entry.trainable).toBe(entry.all)
        const percent = resolveReference(
          block({model: modelOf(entry.model), mode: 'training', adapter: entry.adapter, id: 'x'}),
          'trainable_percent',
        )
        expect(percent).toEqual({value: {kind: 'ratio', value: entry.trainable / entry.all}})
      }
    })
  }

  it('full training trains every parameter (PEFT method_comparison full-finetuning: 3,212,749,824)', () => {
    const result = run({model: modelOf('llama-3.2-3b'), mode: 'training'})
    expect(result.model.trainableParams).toBe(3212749824)
  })

  it('all-linear leaves out the LM head and takes every other linear layer', () => {
    const withAll = run({
      model: 'llama-3.1-8b',
      mode: 'training',
      adapter: {rank: 16, targets: 'all-linear'},
    })
    const listed = run({
      model: 'llama-3.1-8b',
      mode: 'training',
      adapter: {
        rank: 16,
        targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
      },
    })
    // Hand derivation: 16 × [(4096+4096)·2 + (4096+1024)·2 + 3·(4096+14336)] × 32 = 41,943,040.
    expect(withAll.model.trainableParams).toBe(41943040)
    expect(listed.model.trainableParams).toBe(41943040)
  })

  it('attention and mlp select their blocks; no targets means PEFT’s default (q_proj, v_proj)', () => {
    const attention = run({
      model: 'llama-2-7b',
      mode: 'training',
      adapter: {rank: 8, targets: 'attention'},
    })
    const mlp = run({model: 'llama-2-7b', mode: 'training', adapter: {rank: 8, targets: 'mlp'}})
    const byDefault = run({model: 'llama-2-7b', mode: 'training', adapter: {rank: 8}})
    // 8 × 4 × (4096 + 4096) × 32 and 8 × 3 × (4096 + 11008) × 32.
    expect(attention.model.trainableParams).toBe(8388608)
    expect(mlp.model.trainableParams).toBe(11599872)
    expect(byDefault.model.trainableParams).toBe(4194304)
  })
})

describe('adapter diagnostics', () => {
  it('an unknown module lists the model’s own names at the list item', () => {
    const errors = diagnosticsOf({
      model: 'phi-3-mini',
      mode: 'training',
      adapter: {targets: ['q_proj', 'o_proj']},
    })
    expect(errors).toHaveLength(1)
    expect(errors[0]?.path).toEqual(['adapter', 'targets', 0])
    expect(errors[0]?.message).toContain('no linear module `q_proj`')
    expect(errors[0]?.suggestion).toContain('qkv_proj, o_proj, gate_up_proj, down_proj')
    // q_proj is inside Phi-3's fused qkv_proj: say so rather than guess a look-alike name.
    expect(errors[0]?.suggestion).toContain('part of the fused `qkv_proj`')
    expect(errors[0]?.suggestion).not.toContain('did you mean')
  })

  it('training a 4-bit base without an adapter asks for one', () => {
    const errors = diagnosticsOf({model: 'llama-3.1-8b', mode: 'training', dtype: 'nf4'})
    expect(errors[0]?.suggestion).toContain('adapter:')
  })

  it('an adapter in an inference block, or with tensor parallelism, is a diagnostic', () => {
    expect(diagnosticsOf({model: 'llama-3.1-8b', adapter: {rank: 8}})[0]?.message).toContain(
      'mode: training',
    )
    expect(
      diagnosticsOf({model: 'llama-3.1-8b', mode: 'training', adapter: {}, parallel: {tp: 2}})[0]
        ?.path,
    ).toEqual(['parallel', 'tp'])
  })

  it('rejects a bad rank, dropout and type with suggestions', () => {
    const errors = diagnosticsOf({
      model: 'llama-3.1-8b',
      mode: 'training',
      adapter: {type: 'qlora', rank: 0, dropout: 1.5},
    })
    expect(errors.map((entry) => entry.path.join('.'))).toEqual([
      'adapter.type',
      'adapter.rank',
      'adapter.dropout',
    ])
    expect(errors[0]?.suggestion).toContain('dtype: nf4')
  })
})

describe('bitsandbytes storage', () => {
  it('4-bit: half a byte per weight, one fp32 absmax per 64, the 16-entry code', () => {
    // 4096 × 4096: 8,388,608 packed bytes, 262,144 blocks × 4 bytes, 64 bytes of code.
    expect(bnbStorage(4096, 4096, '4bit')).toEqual({
      data: 8388608,
      scales: 262144 * 4 + 64,
      total: 8388608 + 262144 * 4 + 64,
    })
  })

  it('double quantization: one byte per block, an fp32 absmax per 256 blocks, an fp32 offset', () => {
    expect(bnbStorage(4096, 4096, '4bit', true).scales).toBe(262144 + 1024 * 4 + 4 + 64)
    // The QLoRA paper (§3): 32/64 = 0.5 bits per parameter → 8/64 + 32/(64·256) ≈ 0.127.
    expect(bnbBitsPerWeight(false)).toBe(4.5)
    expect(bnbBitsPerWeight(true) - 4).toBeCloseTo(0.127, 3)
  })

  it('int8: one byte per weight and one fp32 scale per output row (SCB)', () => {
    expect(bnbStorage(11008, 4096, '8bit')).toEqual({
      data: 11008 * 4096,
      scales: 11008 * 4,
      total: 11008 * 4096 + 11008 * 4,
    })
  })

  for (const entry of references.footprint) {
    it(`get_memory_footprint() ratio fp16 / ${entry.format} for ${entry.model}: ${entry.ratio}`, () => {
      const model = references.models[entry.model]
      const scenario = run({model: modelOf(entry.model)}).scenario
      const inventory = paramInventory(scenario.model)
      const missing = model?.embeddingLayerNormParams ?? 0
      let quantized = 0
      let rest = missing
      for (const group of inventory.groups) {
        const layers = group.placement === 'layer' ? inventory.denseLayers + inventory.moeLayers : 1
        const count = group.count * layers
        // transformers quantizes every nn.Linear weight except the (tied) output layer.
        if (group.shape && group.placement === 'layer') {
          quantized += bnbFootprint(group.shape[0], group.shape[1], entry.format) * count
        } else rest += group.elements * count
      }
      const fp16 = (inventory.total + missing) * 2
      expect(fp16 / (quantized + rest * 2)).toBeCloseTo(entry.ratio, 5)
    })
  }

  it('the frozen base of a QLoRA block is bitsandbytes storage plus 16-bit embeddings and norms', () => {
    const result = run({model: 'llama-2-7b', mode: 'training', dtype: 'nf4', adapter: {}})
    // Llama 2 7B: 32 layers × (4 × 4096² + 3 × 4096 × 11008) linear weights; 2 × 32000 × 4096
    // embedding/head and 65 × 4096 norm weights stay 16-bit.
    const layer =
      4 * bnbStorage(4096, 4096, '4bit').total + 3 * bnbStorage(11008, 4096, '4bit').total
    const sixteen = (2 * 32000 * 4096 + 65 * 4096) * 2
    expect(result.perDevice.weights).toBe(32 * layer + sixteen)
  })
})

describe('adapter memory rows', () => {
  const qlora = {
    model: 'llama-3.1-8b',
    mode: 'training',
    dtype: 'nf4',
    adapter: {rank: 16, targets: 'all-linear'},
    seq: 2048,
    recompute: 'full',
    gpu: 'rtx-4090',
  }

  it('shows frozen base, adapter, gradients, optimizer, activations and buffers as rows', () => {
    const result = run(qlora)
    expect(result.components.map((entry) => entry.label ?? entry.key)).toEqual([
      'frozenWeights',
      'adapter',
      'adapterOptimizer',
      'adapterGradients',
      'adapterActivations',
      'buffers',
    ])
    const T = 41943040
    // An fp32 adapter (PEFT's autocast_adapter_dtype) under mixed precision: 4 + 4 + 8 bytes.
    expect(result.perDevice.adapter).toBe(T * 4)
    expect(result.perDevice.gradients).toBe(T * 4)
    expect(result.perDevice.optimizer).toBe(T * 8)
    const sum =
      result.perDevice.weights +
      (result.perDevice.adapter ?? 0) +
      result.perDevice.gradients +
      result.perDevice.optimizer +
      result.perDevice.activations +
      result.perDevice.buffers
    expect(result.perDevice.total).toBe(sum)
  })

  it('a 16-bit adapter under mixed precision carries an fp32 master copy; 8-bit Adam shrinks the states', () => {
    const bf16 = run({...qlora, adapter: {rank: 16, targets: 'all-linear', dtype: 'bf16'}})
    expect(bf16.perDevice.optimizer).toBe(41943040 * 12)
    const eight = run({...qlora, optimizer: 'adamw-8bit'})
    expect(eight.perDevice.optimizer).toBe(Math.ceil(41943040 * (2 + 8 / 2048)))
    // bitsandbytes' PagedAdamW8bit is AdamW8bit with is_paged=True: the same state tensors.
    const paged = run({...qlora, optimizer: 'paged-adamw-8bit'})
    expect(paged.perDevice.optimizer).toBe(eight.perDevice.optimizer)
  })

  it('gradient checkpointing keeps one input per layer: the activations fall', () => {
    const none = run({...qlora, recompute: 'none'})
    const full = run(qlora)
    expect(full.perDevice.activations).toBeLessThan(none.perDevice.activations / 2)
  })

  it('JSON: model.trainableParams and perDevice.adapter; references trainable_params and adapter', () => {
    const computed = block({...qlora, id: 'q'})
    const json = toContractJson(computed) as {
      model: {trainableParams: number}
      perDevice: Record<string, number>
    }
    expect(json.model.trainableParams).toBe(41943040)
    expect(json.perDevice.adapter).toBe(41943040 * 4)
    expect(resolveReference(computed, 'trainable_params')).toEqual({
      value: {kind: 'count', value: 41943040},
    })
    expect(resolveReference(computed, 'adapter')).toEqual({
      value: {kind: 'bytes', value: 41943040 * 4},
    })
  })

  it('solve: batch and seq answer for an adapter block', () => {
    const computed = block({...qlora, solve: 'seq'})
    expect(computed.solved?.value).toBeGreaterThan(2048)
    expect(computed.solved?.result?.fits).toBe(true)
    const batch = block({...qlora, solve: 'batch'})
    expect(batch.solved?.value).toBeGreaterThanOrEqual(1)
  })
})

describe('peak memory of published LoRA/QLoRA runs (LitGPT resource tables)', () => {
  const {settings, runs, tolerance} = references.peakMemory
  for (const entry of runs) {
    it(`${entry.model} ${entry.quantization}: ${entry.gb} GB within ${tolerance * 100} %`, () => {
      const dtype = entry.quantization === 'none' ? 'bf16' : 'nf4'
      const adapter = {
        ...(settings.adapter as Record<string, unknown>),
        double_quant: entry.quantization.endsWith('-dq'),
      }
      const result = run({...settings, model: entry.model, dtype, adapter})
      const gb = result.perDevice.total / 1e9
      expect(Math.abs(gb - entry.gb) / entry.gb).toBeLessThan(tolerance)
    })
  }

  it('double quantization saves what the published runs save (0.30 GB for 7B, 0.59 GB for 13B)', () => {
    for (const model of ['llama-2-7b', 'llama-2-13b']) {
      const published = runs.filter((entry) => entry.model === model)
      const plain = published.find((entry) => entry.quantization === 'bnb.nf4')?.gb ?? 0
      const nested = published.find((entry) => entry.quantization === 'bnb.nf4-dq')?.gb ?? 0
      const at = (double_quant: boolean) =>
        run({
          ...settings,
          model,
          dtype: 'nf4',
          adapter: {...(settings.adapter as Record<string, unknown>), double_quant},
        }).perDevice.total / 1e9
      expect(at(false) - at(true)).toBeCloseTo(plain - nested, 1)
    }
  })
})

describe('advice for a fine-tune on one GPU', () => {
  const full = {
    model: 'llama-3.1-8b',
    mode: 'training',
    batch: 4,
    seq: 2048,
    show: ['advice'],
  }

  it('proposes no sharding on one device, and ends at QLoRA on a 16 GB card', () => {
    const advice = block({...full, gpu: '16 GB'}).advice
    expect(advice?.path).toEqual(['start', 'q1', 'g1', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'leaf'])
    const ids = advice?.nodes.map((node) => node.id) ?? []
    expect(ids).not.toContain('t3')
    expect(ids).not.toContain('t6')
    expect(advice?.solution?.change).toMatchObject({
      adapter: 'LoRA r = 16, all-linear',
      dtype: 'nf4',
    })
    // The leaf is recomputed: the same block written with the proposed settings gives its total.
    const written = run({
      model: 'llama-3.1-8b',
      mode: 'training',
      batch: 4,
      micro_batch: 1,
      grad_accum: 4,
      seq: 2048,
      recompute: 'full',
      optimizer: 'adamw-8bit',
      dtype: 'nf4',
      adapter: {rank: 16, alpha: 32, targets: 'all-linear'},
      gpu: '16 GB',
    })
    expect(advice?.solution?.total).toBe(written.perDevice.total)
    expect(written.fits).toBe(true)
  })

  it('stops at the first step that fits: CPU offload of a full fine-tune on a 24 GB card', () => {
    const advice = block({...full, gpu: 'rtx-4090'}).advice
    expect(advice?.path.at(-2)).toBe('f4')
    expect(advice?.solution?.change).toMatchObject({'parallel.offload': 'optimizer'})
  })
})

describe('adapter activations, derived by hand for a toy model', () => {
  // 2 layers, h 64, ffn 128, 4 heads of 16 (2 KV heads), vocab 100, gated MLP, RMSNorm;
  // one sequence of 8 tokens (t = 8), flash attention, bf16 everywhere.
  const toy = {layers: 2, hidden: 64, ffn: 128, heads: 4, kv_heads: 2, vocab: 100}
  const base = {
    model: toy,
    mode: 'training',
    precision: 'bf16',
    seq: 8,
    adapter: {rank: 4, targets: ['q_proj', 'v_proj']},
  }
  // Per layer: norms 2·t·h·4 (fp32) = 4096; Q, K, V t·(a + 2k)·dh·2 = 2048; attention output
  // t·h·2 = 1024; log-sum-exp a·t·4 = 128; gate, SiLU and up outputs 3·t·ffn·2 = 6144;
  // q_proj and v_proj read the same bf16 input once, t·h·2 = 1024; two rank-4 intermediates
  // 2·t·4·2 = 128. Sum 14,592 per layer.
  // Once: ids and labels 16·t = 128; the final norm's fp32 input t·h·4 = 2048; the loss 12·t·V = 9600.
  it('a bf16 adapter shares its input with the frozen layer: 2 × 14,592 + 11,776', () => {
    expect(run(base).perDevice.activations).toBe(2 * 14592 + 11776)
  })

  it('an fp32 adapter under autocast keeps its own 16-bit copy per adapter (+1,024 per layer)', () => {
    const mixed = run({...base, precision: 'mixed'})
    expect(mixed.perDevice.activations).toBe(2 * (14592 + 1024) + 11776)
  })

  it('on a 4-bit base under autocast PEFT does not cast: the adapters share the input again', () => {
    // tuners/lora/bnb.py casts only when autocast is off. Plus one dequantized weight in flight:
    // the largest linear layer, 128 × 64 × 2 bytes = 16,384.
    const qlora = run({...base, precision: 'mixed', dtype: 'nf4'})
    expect(qlora.perDevice.activations).toBe(2 * 14592 + 11776 + 16384)
  })

  it('dropout keeps a copy and a 1-byte mask per adapter (+1,024 + 2 × 512 per layer)', () => {
    const dropout = run({...base, adapter: {...base.adapter, dropout: 0.1}})
    expect(dropout.perDevice.activations).toBe(2 * (14592 + 1024 + 1024) + 11776)
  })

  it('eager attention keeps the fp32 probabilities and their bf16 copy instead of the output', () => {
    // a·t·s = 4·8·8 = 256 scores × (4 + 2) bytes = 1,536, replacing the output (1,024) and the
    // log-sum-exp (128): 14,976 per layer.
    const eager = run({...base, attention: 'eager'})
    expect(eager.perDevice.activations).toBe(2 * 14976 + 11776)
  })

  it('DoRA keeps the base and LoRA outputs per adapter and merges one weight at a time', () => {
    // dora.py: (m/‖W + BA‖ − 1)·base_result + m/‖W + BA‖·lora_result keeps base_result and
    // lora_result, t·out·2 each: q_proj (out 64) and v_proj (out 32) → 8·96·4 = 3,072 per layer.
    // The norm needs W, B·A and W + B·A of the largest adapted layer: 3 · 64·64 · 2 = 24,576.
    const dora = run({...base, adapter: {...base.adapter, type: 'dora'}})
    expect(dora.perDevice.activations).toBe(2 * (14592 + 3072) + 11776 + 24576)
  })

  it('gradient checkpointing keeps one t·h·2 input per layer and one layer in flight', () => {
    const full = run({...base, recompute: 'full'})
    expect(full.perDevice.activations).toBe(2 * 1024 + 14592 + 11776)
  })

  it('bitsandbytes < 0.43.2 also kept the MLP and down_proj inputs of 4-bit layers', () => {
    const adapter = {...base.adapter}
    const current = run({...base, dtype: 'nf4', adapter})
    const legacy = run({...base, dtype: 'nf4', adapter: {...adapter, bnb_version: '0.41.1'}})
    // MLP input t·h·2 = 1024 and down_proj input t·ffn·2 = 2048 per layer; the attention input is
    // already kept for the adapters and flash attention keeps o_proj's input.
    expect(legacy.perDevice.activations - current.perDevice.activations).toBe(2 * (1024 + 2048))
  })
})

describe('expect on adapter figures', () => {
  it('checks trainable_params exactly and says what to write', () => {
    const raw = {
      model: 'llama-2-7b',
      mode: 'training',
      adapter: {rank: 8},
      // LitGPT's table: 4,194,304 for Llama 2 7B, r 8 on query and value.
      expect: {trainable_params: 4194305},
    }
    const errors = diagnosticsOf(raw)
    expect(errors[0]?.ruleId).toBe('expect-mismatch')
    expect(errors[0]?.suggestion).toContain('write 4194304')
    expect(diagnosticsOf({...raw, expect: {trainable_params: 4194304}})).toEqual([])
  })
})

describe('offloaded checkpoints (recompute: offload)', () => {
  // unsloth-zoo's Unsloth_Offloaded_Gradient_Checkpointer: forward copies each decoder layer's
  // input to the CPU (`hidden_states.to("cpu", non_blocking=True)`); backward copies one back
  // and recomputes that layer. The GPU keeps one layer input instead of L.
  it('keeps one t·h·2 input on the GPU and the other L − 1 in CPU memory (toy model)', () => {
    const toy = {
      model: {layers: 2, hidden: 64, ffn: 128, heads: 4, kv_heads: 2, vocab: 100},
      mode: 'training',
      precision: 'bf16',
      seq: 8,
      adapter: {rank: 4, targets: ['q_proj', 'v_proj']},
      recompute: 'offload',
    }
    const result = run(toy)
    expect(result.perDevice.activations).toBe(1024 + 14592 + 11776)
    expect(result.offloaded).toBe(1024)
  })

  it('full training: what leaves the GPU is the L − 1 checkpoints full recompute keeps', () => {
    const full = run({model: 'llama-2-7b', mode: 'training', seq: 4096, recompute: 'full'})
    const offload = run({model: 'llama-2-7b', mode: 'training', seq: 4096, recompute: 'offload'})
    // Llama 2 7B: 31 of its 32 layer inputs of 4096 × 4096 × 2 bytes.
    const input = 4096 * 4096 * 2
    expect(full.perDevice.activations - offload.perDevice.activations).toBe(31 * input)
    expect(offload.offloaded).toBe(31 * input)
  })
})

describe('adapter blocks, any settings', () => {
  const settings = fc.record({
    model: fc.constantFrom(
      'llama-3.1-8b',
      'phi-3-mini',
      'mixtral-8x7b',
      'qwen3-30b-a3b',
      'gemma-2-9b',
    ),
    dtype: fc.constantFrom('bf16', 'nf4', 'fp4', 'int8'),
    precision: fc.constantFrom('mixed', 'bf16'),
    type: fc.constantFrom('lora', 'dora'),
    rank: fc.integer({min: 1, max: 256}),
    targets: fc.constantFrom('all-linear', 'attention', 'mlp'),
    dropout: fc.constantFrom(0, 0.05),
    double_quant: fc.boolean(),
    optimizer: fc.constantFrom('adamw', 'adamw-8bit', 'paged-adamw', 'sgd', 'adafactor', 'lion'),
    micro_batch: fc.integer({min: 1, max: 4}),
    seq: fc.integer({min: 1, max: 8192}),
    recompute: fc.constantFrom('none', 'full', 'offload'),
    attention: fc.constantFrom('flash', 'eager'),
  })

  it('gives whole, finite, non-negative bytes that sum to the total, growing with seq', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const raw = {
          model: s.model,
          mode: 'training',
          dtype: s.dtype,
          precision: s.precision,
          optimizer: s.optimizer,
          micro_batch: s.micro_batch,
          recompute: s.recompute,
          attention: s.attention,
          adapter: {
            type: s.type,
            rank: s.rank,
            targets: s.targets,
            dropout: s.dropout,
            double_quant: s.double_quant,
          },
        }
        const at = (seq: number) => run({...raw, seq})
        const result = at(s.seq)
        const {total, ...parts} = result.perDevice
        let sum = 0
        for (const value of Object.values(parts)) {
          expect(Number.isInteger(value) && (value ?? -1) >= 0).toBe(true)
          sum += value ?? 0
        }
        expect(total).toBe(sum)
        expect(result.model.trainableParams).toBeGreaterThan(0)
        expect(at(s.seq + 512).perDevice.total).toBeGreaterThan(total)
      }),
      {numRuns: 60},
    )
  })
})

describe('quantize with a bitsandbytes base', () => {
  it('quantize: experts keeps attention 16-bit; an explicit quantize: all is a diagnostic', () => {
    const raw = {model: 'mixtral-8x7b', mode: 'training', dtype: 'nf4', adapter: {rank: 8}}
    const linear = run(raw)
    const experts = run({...raw, quantize: 'experts'})
    // With `experts`, q/o (4096 × 4096), k/v (1024 × 4096) and the router gate (8 × 4096) stay
    // bf16 instead of bitsandbytes' 4-bit storage, in each of the 32 layers.
    const kept = (rows: number, cols: number) =>
      rows * cols * 2 - bnbStorage(rows, cols, '4bit').total
    expect(experts.perDevice.weights - linear.perDevice.weights).toBe(
      32 * (2 * kept(4096, 4096) + 2 * kept(1024, 4096) + kept(8, 4096)),
    )
    expect(diagnosticsOf({...raw, quantize: 'all'})[0]?.path).toEqual(['quantize'])
  })
})
