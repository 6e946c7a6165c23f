/** The works the components' formulas cite; each component's module names its own source. */
import type {Source} from './types.js'

export const article: Source = {
  title: 'LLM 在 GPU 上的显存计算 (the article this project republishes)',
}
export const zeroPaper: Source = {
  title:
    'Rajbhandari et al. 2020, ZeRO: Memory Optimizations Toward Training Trillion Parameter Models',
  url: 'https://arxiv.org/abs/1910.02054',
}
export const korthikanti: Source = {
  title: 'Korthikanti et al. 2022, Reducing Activation Recomputation in Large Transformer Models',
  url: 'https://arxiv.org/abs/2205.05198',
}
export const megatron: Source = {
  title: 'Megatron-LM, megatron/training/theoretical_memory_usage.py',
  url: 'https://github.com/NVIDIA/Megatron-LM',
}
export const deepspeed: Source = {
  title: 'DeepSpeed ZeRO (stage_1_and_2.py, stage3.py) and its memory estimators',
  url: 'https://deepspeed.readthedocs.io/en/latest/memory.html',
}
