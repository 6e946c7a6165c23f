/** The works the components' formulas cite; each component's module names its own source. */
import {findModelPreset} from '../model/presets.js'
import type {Source} from '../types.js'

/**
 * The article this project started from. It is cited by title and date (a
 * writer's reader has never seen "the article"), and only where it is the
 * source: the buffers allowance is its estimate; every other formula has a
 * primary source below.
 */
export const article: Source = {
  title: '“LLM 在 GPU 上的显存计算” (2025-06-02)',
  short: '“LLM 在 GPU 上的显存计算”',
}
export const zeroPaper: Source = {
  title:
    'Rajbhandari et al. 2020, “ZeRO: Memory Optimizations Toward Training Trillion Parameter Models”',
  short: 'Rajbhandari et al. 2020 (ZeRO)',
  url: 'https://arxiv.org/abs/1910.02054',
}
export const korthikanti: Source = {
  title: 'Korthikanti et al. 2022, “Reducing Activation Recomputation in Large Transformer Models”',
  short: 'Korthikanti et al. 2022',
  url: 'https://arxiv.org/abs/2205.05198',
}
export const megatron: Source = {
  title: 'Megatron-LM, megatron/training/theoretical_memory_usage.py',
  short: 'Megatron-LM',
  url: 'https://github.com/NVIDIA/Megatron-LM/blob/main/megatron/training/theoretical_memory_usage.py',
}
export const peft: Source = {
  title:
    'Hu et al. 2021, “LoRA: Low-Rank Adaptation of Large Language Models”; PEFT, tuners/lora/layer.py',
  short: 'Hu et al. 2021 (LoRA)',
  url: 'https://arxiv.org/abs/2106.09685',
}
export const qlora: Source = {
  title:
    'Dettmers et al. 2023, “QLoRA: Efficient Finetuning of Quantized LLMs”; bitsandbytes functional.py (quantize_4bit, Params4bit)',
  short: 'Dettmers et al. 2023 (QLoRA)',
  url: 'https://arxiv.org/abs/2305.14314',
}
export const deepspeed: Source = {
  title: 'DeepSpeed, “Memory Requirements” (ZeRO stage_1_and_2.py, stage3.py)',
  short: 'DeepSpeed',
  url: 'https://deepspeed.readthedocs.io/en/latest/memory.html',
}
export const vllm: Source = {
  title: 'vLLM v0.6.0, vllm/worker/cache_engine.py (CacheEngine.get_cache_block_size)',
  short: 'vLLM',
  url: 'https://github.com/vllm-project/vllm/blob/v0.6.0/vllm/worker/cache_engine.py',
}

/**
 * The model's own `config.json` (parameter count and shape), for a preset
 * given as it ships; `undefined` for a writer's mapping, a local config or a
 * preset with overrides (there is no public file to point at).
 */
export function modelSource(modelId: string): Source | undefined {
  const preset = findModelPreset(modelId)
  if (!preset || preset.id !== modelId) return undefined
  return {
    title: `${preset.id}, config.json`,
    short: 'config.json',
    url: `https://huggingface.co/${preset.id}/blob/main/config.json`,
  }
}

/** How a rendered "Sources" line cites: `full` titles, `short` author-year, or `none`. */
export type CitationStyle = 'full' | 'short' | 'none'

/** One citation as text: `Korthikanti et al. 2022, Table 2` (short) or with the title (full). */
export function citation(source: Source, style: Exclude<CitationStyle, 'none'>): string {
  const head = style === 'short' ? (source.short ?? source.title) : source.title
  return source.locator ? `${head}, ${source.locator}` : head
}
