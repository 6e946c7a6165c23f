// Engine benchmark: the cost of computing blocks, as ratios against a baseline
// measured in the same run (parsing the same YAML), never as absolute timings.
import {parse} from 'yaml'
import {evaluateBlock, parseBlockSource} from '../dist/index.js'

const blocks = {
  'inference (Qwen2.5-7B)':
    'model: Qwen/Qwen2.5-7B\nmode: inference\ndtype: fp16\nbatch: 16\nseq: 32768\ngpu: h100-sxm-80gb\n',
  'training (Llama-2-7B, ZeRO-2, 8 GPUs)':
    'model: llama-2-7b\nmode: training\nbatch: 32\nseq: 4096\nparallel: {dp: 8, zero: 2}\ngpu: h100-sxm-80gb\n',
  'vary 3 × 4 (article §3.1)':
    'model: {params: 7B}\nvary:\n  model: [{params: 7B}, {params: 13B}, {params: 70B}]\n  dtype: [fp32, fp16, int8, int4]\nmetric: weights\n',
  'solve batch (4×H100 plans)':
    'model: qwen2.5-7b\ndtype: fp16\nseq: 32768\ngpu: h100-sxm-80gb\nsolve: batch\nvary: {parallel.tp: [1, 2, 4]}\n',
  'advice (DeepSeek-V3 training)':
    'model: deepseek-v3\nmode: training\nbatch: 64\nseq: 4096\nparallel: {dp: 8, ep: 8}\ngpu: h100-sxm-80gb\nshow: [advice]\n',
}

/** Median nanoseconds per call over `rounds` rounds of `iterations` calls. */
function measure(fn, iterations = 200, rounds = 7) {
  for (let i = 0; i < iterations; i++) fn()
  const samples = []
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < iterations; i++) fn()
    samples.push(Number(process.hrtime.bigint() - start) / iterations)
  }
  samples.sort((a, b) => a - b)
  return samples[Math.floor(rounds / 2)]
}

console.log('vram-core: one block evaluated, relative to parsing its YAML (same run)\n')
console.log('| block | (parse + evaluate) ÷ YAML parse |')
console.log('| --- | ---: |')
for (const [name, source] of Object.entries(blocks)) {
  const baseline = measure(() => parse(source))
  const full = measure(
    () => evaluateBlock(parseBlockSource(source).value),
    name.startsWith('advice') ? 20 : 200,
  )
  console.log(`| ${name} | ${(full / baseline).toFixed(1)}× |`)
}

// `solve: gpus` should not grow with the layer count: the solver probes only the
// pipeline depths that can change the answer. Anchor: the same block at 32 layers,
// measured interleaved with it (round by round) so drift hits both alike.
const solveGpus = (layers) => ({
  model: {layers, hidden: 8192, heads: 64, kv_heads: 8, ffn: 28672, vocab: 128256},
  dtype: 'fp16',
  batch: 1,
  seq: 4096,
  gpu: 'rtx-4090',
  solve: 'gpus',
})
/** Median over rounds of the ratio a ÷ b, each round timing a then b. */
function interleaved(a, b, iterations = 10, rounds = 15) {
  for (let i = 0; i < iterations; i++) {
    a()
    b()
  }
  const ratios = []
  for (let round = 0; round < rounds; round++) {
    const timeOf = (fn) => {
      const start = process.hrtime.bigint()
      for (let i = 0; i < iterations; i++) fn()
      return Number(process.hrtime.bigint() - start)
    }
    const ta = timeOf(a)
    ratios.push(ta / timeOf(b))
  }
  ratios.sort((x, y) => x - y)
  return ratios[Math.floor(rounds / 2)]
}
console.log(
  '\n`solve: gpus` (a Llama-3-70B-wide model, fp16, RTX 4090), relative to 32 layers (same run)\n',
)
console.log('| layers | time ÷ time at 32 layers | target |')
console.log('| ---: | ---: | ---: |')
const at32 = solveGpus(32)
for (const layers of [1000, 10000]) {
  const block = solveGpus(layers)
  const ratio = interleaved(
    () => evaluateBlock(block),
    () => evaluateBlock(at32),
  )
  console.log(
    `| ${layers.toLocaleString('en-US')} | ${ratio.toFixed(1)}× | ${layers === 10000 ? '≤ 10×' : ''} |`,
  )
}
