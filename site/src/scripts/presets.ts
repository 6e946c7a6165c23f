/** Example blocks for the playground (the spec's examples and the article's cases). */
export interface Preset {
  id: string
  label: string
  source: string
}

export const presets: Preset[] = [
  {
    id: 'qwen-inference',
    label: 'Qwen2.5-7B inference on one H100 (article §7)',
    source: `model: Qwen/Qwen2.5-7B   # a preset or HF repo id
mode: inference
dtype: fp16
batch: 16
seq: 32768
gpu: h100-sxm-80gb
show: [breakdown, formulas, summary]
`,
  },
  {
    id: 'llama-training',
    label: 'Llama-2-7B training, B=32, N=4096 (article §4)',
    source: `model: llama-2-7b
mode: training
dtype: fp16
batch: 32
seq: 4096
parallel: {dp: 8, zero: 2}
recompute: full
gpu: h100-sxm-80gb
show: [breakdown, formulas, summary]
`,
  },
  {
    id: 'weights-matrix',
    label: 'Sweep: weights of 7B / 13B / 70B × dtype (article §3.1)',
    source: `model: {params: 7B}
vary:
  model: [{params: 7B}, {params: 13B}, {params: 70B}]
  dtype: [fp32, fp16, int8, int4]
metric: weights
`,
  },
  {
    id: 'tp-plans',
    label: 'Sweep + solve: largest batch per TP degree (article §7 plans)',
    source: `model: qwen2.5-7b
dtype: fp16
seq: 32768
gpu: h100-sxm-80gb
vary:
  parallel.tp: [1, 2, 4]
solve: batch
`,
  },
  {
    id: 'qlora',
    label: 'QLoRA: Llama 3.1 8B on one 24 GB card, and the longest sequence',
    source: `model: llama-3.1-8b
mode: training
dtype: nf4               # bf16 for LoRA, int8 for LLM.int8() LoRA
adapter: {rank: 16, alpha: 32, targets: all-linear, double_quant: true}
seq: 2048
recompute: full          # gradient checkpointing: on in QLoRA recipes (PEFT's prepare_model_for_kbit_training)
gpu: rtx-4090
solve: seq
show: [breakdown, formulas, summary, advice]
`,
  },
  {
    id: 'advice',
    label: 'Advice: the §8 decision tree, recomputed',
    source: `model: llama-2-7b
mode: training
dtype: fp16
batch: 32
seq: 4096
parallel: {dp: 8}
gpu: h100-sxm-80gb
show: [advice]
`,
  },
  {
    id: 'moe',
    label: 'Mixtral-8x7B inference on 4 GPUs with expert parallelism',
    source: `model: mixtral-8x7b
mode: inference
dtype: bf16
batch: 8
seq: 8192
parallel: {tp: 4, ep: 4, etp: 1}   # vLLM --enable-expert-parallel: whole experts over the 4 TP ranks
gpu: a100-80gb
show: [breakdown, summary]
`,
  },
  {
    id: 'serve',
    label: 'Serving with vLLM: Qwen2.5-7B, 32K context, on one H100',
    source: `model: qwen2.5-7b
mode: inference
dtype: bf16
gpu: h100-sxm-80gb
serve: {engine: vllm, max_model_len: 32768, gpu_memory_utilization: 0.9}
show: [breakdown, summary]
`,
  },
  {
    id: 'broken',
    label: 'Bad input: see the diagnostics',
    source: `model: qwen2.5-7b
mode: inference
batch: 16
sqe: 32768
gpu: h100-sxm-80gb
parallel: {tp: 3}
`,
  },
]
