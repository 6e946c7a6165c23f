import type {Formula, Source} from '../types.js'
import type {LlamaCppSettings} from './llama-cpp/settings.js'
import type {SglangSettings} from './sglang/settings.js'

/** Engines other than vLLM that a `serve:` block can name. */
export type LocalEngine = 'llama.cpp' | 'ollama' | 'sglang'

/** One term of an engine's budget: bytes on the GPU(s) and in host memory, formula, source. */
export interface EngineTerm {
  key: 'weights' | 'kvCache' | 'compute' | 'reserve' | 'activations'
  /** Bytes on the GPU (the most loaded one with several). */
  gpu: number
  /** Bytes in host (CPU) memory. */
  host: number
  formula: Formula
  source: Source
  note?: string | undefined
}

/** An engine's memory as it loads a model: each term on the GPU and on the host, and its capacity. */
export interface EngineBudget {
  engine: LocalEngine
  settings: LlamaCppSettings | SglangSettings
  /** Settings as the engine names them, resolved (for JSON and captions). */
  named: Record<string, unknown>
  terms: EngineTerm[]
  /** llama.cpp's "compute buffer size" on the GPU (0 for SGLang). */
  computeBufferBytes: number
  /** Host-side compute buffer (CUDA_Host / CPU). */
  hostComputeBytes: number
  /** Layers on the GPU as llama.cpp counts them (blocks + output layer); every layer for SGLang. */
  gpuLayers: number
  /** Offloadable layers: blocks + 1. */
  layers: number
  kvCacheBytes: number
  /** Tokens the KV cache holds (all slots together). */
  kvCacheTokens: number
  /** Requests of the full context that fit at once. */
  maxConcurrency: number
  /** Bytes the GPU may hold (what the engine budgets against), when known. */
  gpuBudgetBytes?: number | undefined
  /** Ollama's own estimate, when it decided the layers. */
  ollama?: Record<string, number> | undefined
  error?: string | undefined
}
