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
export const peft: Source = {
  title: 'Hu et al. 2021, LoRA; PEFT (huggingface/peft, tuners/lora/layer.py)',
  url: 'https://arxiv.org/abs/2106.09685',
}
export const qlora: Source = {
  title: 'Dettmers et al. 2023, QLoRA; bitsandbytes (functional.py quantize_4bit, Params4bit)',
  url: 'https://arxiv.org/abs/2305.14314',
}
export const deepspeed: Source = {
  title: 'DeepSpeed ZeRO (stage_1_and_2.py, stage3.py) and its memory estimators',
  url: 'https://deepspeed.readthedocs.io/en/latest/memory.html',
}
