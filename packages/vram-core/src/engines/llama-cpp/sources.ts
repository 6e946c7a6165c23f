import type {Source} from '../../types.js'

/** The llama.cpp commit every llama.cpp term follows. */
export const llamaCppCommit = '3514e9f6e795d3b3cd88d6614f6c07e7ce6f916f'
const file = (path: string) =>
  `https://github.com/ggml-org/llama.cpp/blob/${llamaCppCommit}/${path}`

export const llamaCppSources = {
  weights: {
    title: `llama.cpp llama_model::load_tensors: token embedding on the CPU, the last n_gpu_layers blocks and the output layer on the GPU (llama.cpp@${llamaCppCommit.slice(0, 7)})`,
    short: 'llama.cpp',
    locator: 'src/llama-model.cpp',
    url: file('src/llama-model.cpp'),
  },
  gguf: {
    title: `llama.cpp GGUF tensor types: llama-quantize's per-tensor mix (llama_tensor_get_type) and ggml block sizes (llama.cpp@${llamaCppCommit.slice(0, 7)})`,
    short: 'llama.cpp',
    locator: 'src/llama-quant.cpp',
    url: file('src/llama-quant.cpp'),
  },
  kvCache: {
    title: `llama.cpp llama_kv_cache: n_ctx padded to 256, one K and one V tensor per layer of ggml_row_size(type, n_embd_k/v_gqa) × kv_size × n_stream on the layer's device (llama.cpp@${llamaCppCommit.slice(0, 7)})`,
    short: 'llama.cpp',
    locator: 'src/llama-kv-cache.cpp, src/llama-context.cpp',
    url: file('src/llama-kv-cache.cpp'),
  },
  compute: {
    title: `llama.cpp llama_context reserve: the worst-case prompt graph of min(n_ctx, n_ubatch) tokens with every token's logits, allocated by ggml-alloc per backend (llama.cpp@${llamaCppCommit.slice(0, 7)})`,
    short: 'llama.cpp',
    locator:
      'src/llama-context.cpp (graph_reserve), src/llama-graph.cpp (build_attn_mha), ggml/src/ggml-alloc.c',
    url: file('src/llama-context.cpp'),
  },
} satisfies Record<string, Source>
