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
