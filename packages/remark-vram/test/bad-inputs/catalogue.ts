/**
 * The bad-input catalogue: hostile and careless inputs, each with the exact
 * messages a writer sees (`LINE:COLUMN [rule-id] reason`, positions in the
 * markdown file). `bad-inputs.test.ts` asserts them and that the README lists
 * them. Issue 13's reports come first, then what a careless writer types.
 *
 * `body` is a block's YAML: the document is ```` ```vram ```` on line 1, the
 * body from line 2. `markdown` is a whole document instead.
 */
export interface BadInput {
  /** Stable name, used as the README anchor. */
  name: string
  /** What it tries. */
  what: string
  body?: string
  markdown?: string
  /** Every message, in order: `LINE:COLUMN [rule-id] reason`. */
  messages: string[]
}

const numbers = (count: number) => Array.from({length: count}, (_, index) => index + 1).join(', ')

export const badInputs: BadInput[] = [
  // --- Crashes and hangs ------------------------------------------------------
  {
    name: 'tp-hint-billion-heads',
    what: 'a billion heads with tp: 3 (the tp hint once built one entry per head)',
    body: 'model: {extends: llama-2-7b, heads: 1000000000, head_dim: 128}\nparallel: {tp: 3}',
    messages: [
      '2:37 [invalid-value] `heads` (1000000000) is past the plausible limit of 65,536; use a whole number from 1 to 65,536; the README lists every limit',
    ],
  },
  {
    name: 'config-dev-zero',
    what: 'a config file that never ends',
    body: 'model: {config: /dev/zero}',
    messages: [
      '2:17 [config-read] Cannot read `/dev/zero`: system files (/proc, /sys, /dev) are never read; point `config` at a Hugging Face config.json file',
    ],
  },
  {
    name: 'config-folder',
    what: 'a folder as config file',
    body: 'model: {config: ./}',
    messages: [
      '2:17 [config-read] Cannot read `./`: it is a folder; point `config` at a Hugging Face config.json file',
    ],
  },
  {
    name: 'config-missing',
    what: 'a config file that does not exist',
    body: 'model: {config: ./nowhere/config.json}',
    messages: [
      '2:17 [config-read] Cannot read `./nowhere/config.json`: no such file; the path is relative to the markdown file',
    ],
  },
  {
    name: 'proto-model-key',
    what: '`constructor` as a model key',
    body: 'model: {extends: llama-2-7b, constructor: 1}',
    messages: [
      "2:30 [unknown-key] Unknown model key `constructor`; model keys are the article's symbols (params, largest_layer, layers, hidden, ffn, heads, kv_heads, head_dim, ...), HF config.json fields, `extends` or `config`",
    ],
  },
  {
    name: 'proto-top-key',
    what: '`__proto__` as a top-level key',
    body: '__proto__: {model: x}\nmodel: llama-2-7b',
    messages: [
      '2:1 [unknown-key] Unknown key `__proto__`; known keys: model, mode, dtype, kv_dtype, precision, grad_dtype, optimizer, batch, micro_batch, grad_accum, seq, attention, recompute, parallel, gpu, host_memory, usable, buffers, accounting, framework, quantize, serve, adapter, units, show, vary, metric, solve, expect, measured, id',
    ],
  },
  {
    name: 'proto-tostring-key',
    what: '`toString` as a top-level key',
    body: 'model: llama-2-7b\ntoString: 1',
    messages: [
      '3:1 [unknown-key] Unknown key `toString`; known keys: model, mode, dtype, kv_dtype, precision, grad_dtype, optimizer, batch, micro_batch, grad_accum, seq, attention, recompute, parallel, gpu, host_memory, usable, buffers, accounting, framework, quantize, serve, adapter, units, show, vary, metric, solve, expect, measured, id',
    ],
  },
  {
    name: 'proto-expect-key',
    what: '`valueOf` as an `expect` key',
    body: 'model: llama-2-7b\nexpect: {valueOf: 1 GB}',
    messages: [
      '3:10 [unknown-key] `expect` cannot check `valueOf`; use total, weights, gradients, optimizer, activations, kv_cache, buffers, params, adapter, trainable_params, solved, kv_tokens, max_concurrency',
    ],
  },
  {
    name: 'proto-vary-key',
    what: '`constructor` as a `vary` key',
    body: 'model: llama-2-7b\nvary: {constructor: [1, 2]}',
    messages: ['3:8 [unknown-key] `vary` cannot sweep `constructor`'],
  },
  {
    name: 'proto-vary-case',
    what: '`constructor` inside a `vary` case',
    body: 'model: llama-2-7b\nvary: {model: [llama-2-7b, {extends: llama-2-7b, constructor: 2}]}',
    messages: [
      "3:50 [unknown-key] Unknown model key `constructor`; model keys are the article's symbols (params, largest_layer, layers, hidden, ffn, heads, kv_heads, head_dim, ...), HF config.json fields, `extends` or `config`",
    ],
  },
  {
    name: 'proto-parallel-key',
    what: '`valueOf` as a `parallel` key',
    body: 'model: llama-2-7b\nparallel: {valueOf: 2}',
    messages: [
      '3:12 [unknown-key] Unknown key `valueOf`; known keys: dp, tp, pp, vpp, ep, etp, cp, sp, zero, offload',
    ],
  },
  {
    name: 'proto-dtype',
    what: '`dtype: constructor` (once NaN)',
    body: 'model: llama-2-7b\ndtype: constructor',
    messages: [
      '3:8 [invalid-value] `dtype` must be one of fp32, tf32, bf16, fp16, fp8, int8, int4, nf4, fp4, mxfp4, a GGUF type such as `q4_k_m` or `q8_0`, or bits per weight such as `4.5bpw`',
    ],
  },
  {
    name: 'proto-mlp',
    what: '`mlp: constructor`',
    body: 'model: {params: 7B, mlp: constructor}',
    messages: [
      "2:26 [invalid-value] `mlp` must be `gated` or `plain`, got 'constructor'; `mlp: gated` or `mlp: plain`",
    ],
  },
  {
    name: 'proto-model-name',
    what: '`model: hasOwnProperty`',
    body: 'model: hasOwnProperty',
    messages: [
      '2:8 [unknown-model] Unknown model `hasOwnProperty`; the catalogue has no such model (`vram models` lists it); point at its config.json instead: `model: {config: ./config.json}`, or give `model: {params: 7B}` for weights only',
    ],
  },
  {
    name: 'proto-reference',
    what: 'an inline reference to `valueOf`',
    markdown: '```vram id=a\nmodel: llama-2-7b\n```\n\nTotal: `vram:a.valueOf`.\n',
    messages: [
      '5:8 [unknown-reference] Unknown reference path `valueOf`; use one of total, weights, gradients, optimizer, activations, kv_cache, buffers, params, adapter, trainable_params, trainable_percent, active_params, devices, model, capacity, usable, headroom, utilization, fits, offloaded, solved, kv_tokens, max_concurrency, gpu_layers, compute_buffer, host',
    ],
  },
  {
    name: 'layers-1e10',
    what: '`layers: 1e10` (once a 20 s loop)',
    body: 'model: {extends: llama-2-7b, layers: 1e10}',
    messages: [
      '2:38 [invalid-value] `layers` (10000000000) is past the plausible limit of 10,000; use a whole number from 1 to 10,000; the README lists every limit',
    ],
  },
  {
    name: 'layers-1e308',
    what: '`layers: 1e308` (once a loop that never ended)',
    body: 'model: {extends: deepseek-v3, layers: 1e308}',
    messages: [
      '2:39 [invalid-value] `layers` (1e+308) is past the plausible limit of 10,000; use a whole number from 1 to 10,000; the README lists every limit',
    ],
  },
  {
    name: 'hf-layers-huge',
    what: 'a config.json field past its limit',
    body: 'model: {extends: qwen3-30b-a3b, num_hidden_layers: 100000}',
    messages: [
      '2:52 [invalid-value] `num_hidden_layers` (100000) is past the plausible limit of 10,000; use a whole number from 1 to 10,000; the README lists every limit',
    ],
  },
  {
    name: 'vary-too-long',
    what: 'a `vary` list of 101 values',
    body: `model: llama-2-7b\nvary: {batch: [${numbers(101)}]}`,
    messages: [
      '3:15 [invalid-value] `vary.batch` has 101 values, past the limit of 100; split the sweep into several blocks',
    ],
  },
  {
    name: 'vary-matrix-too-big',
    what: 'a 50 × 50 `vary` matrix',
    body: `model: llama-2-7b\nvary: {batch: [${numbers(50)}], seq: [${numbers(50)}]}`,
    messages: [
      '3:7 [invalid-value] `vary` makes 2500 cases, past the limit of 1,000; sweep fewer values, or split the matrix into several blocks',
    ],
  },
  {
    name: 'huge-block',
    what: 'a 100,000-character model name (once 23 s in "did you mean")',
    body: `model: ${'x'.repeat(100_000)}`,
    messages: [
      '1:1 [invalid-value] The block is 100,007 characters long, past the limit of 100,000; a vram block describes one setup in a few lines; split it or shorten it',
    ],
  },
  {
    name: 'vary-solve-too-big',
    what: 'a 20 × 20 `vary` matrix with `solve: gpus` (once 15 s)',
    body: `model: llama-2-7b\nmode: training\ngpu: h100\nsolve: gpus\nvary: {batch: [${numbers(20)}], seq: [${numbers(20)}]}`,
    messages: [
      '6:7 [invalid-value] `vary` with `solve` makes 400 cases, past the limit of 100; solve over fewer values, or split the sweep into several blocks',
    ],
  },
  // --- Silent wrong numbers ---------------------------------------------------
  {
    name: 'seq-1e308',
    what: '`seq: 1e308` (once ∞)',
    body: 'model: llama-2-7b\nseq: 1e308',
    messages: [
      '3:6 [invalid-value] `seq` (1e+308) is past the plausible limit of 1,073,741,824; use a whole number from 1 to 1,073,741,824; the README lists every limit',
    ],
  },
  {
    name: 'batch-1e300',
    what: '`batch: 1e300` (once ∞)',
    body: 'model: llama-2-7b\nbatch: 1e300',
    messages: [
      '3:8 [invalid-value] `batch` (1e+300) is past the plausible limit of 16,777,216; use a whole number from 1 to 16,777,216; the README lists every limit',
    ],
  },
  {
    name: 'buffers-1e308',
    what: '`buffers: 1e308 GB` (once ∞)',
    body: 'model: llama-2-7b\nbuffers: 1e308 GB',
    messages: [
      '3:10 [invalid-value] `buffers` (1e308 GB) is past the plausible limit of 1 PB; the CUDA context and workspaces take about `2 GB`',
    ],
  },
  {
    name: 'gpu-1e308',
    what: '`gpu: 1e308 GB` (once ∞ and fits: true)',
    body: 'model: llama-2-7b\ngpu: 1e308 GB',
    messages: [
      '3:6 [invalid-value] `gpu` capacity `1e308 GB` is outside the plausible range of 1 MiB to 1 PB; write the memory of one GPU, such as `80 GB` or `24 GiB`',
    ],
  },
  {
    name: 'gpu-inf',
    what: '`gpu: .inf` (found by the long fuzz run: the message said "Infinity")',
    body: 'model: llama-2-7b\ngpu: .inf',
    messages: [
      '3:6 [invalid-value] `gpu` capacity `.inf` is outside the plausible range of 1 MiB to 1 PB; write the memory of one GPU, such as `80 GB` or `24 GiB`',
    ],
  },
  {
    name: 'dropout-inf',
    what: '`dropout: .inf`',
    body: 'model: {params: 7B, dropout: .inf}',
    messages: [
      '2:30 [invalid-value] `dropout` must be a probability in [0, 1), got .inf; e.g. `dropout: 0.1` (or `0` for none)',
    ],
  },
  {
    name: 'gpu-denormal',
    what: '`gpu: 5e-324 GB` (once "∞%")',
    body: 'model: llama-2-7b\ngpu: 5e-324 GB',
    messages: [
      '3:6 [invalid-value] `gpu` capacity `5e-324 GB` is outside the plausible range of 1 MiB to 1 PB; write the memory of one GPU, such as `80 GB` or `24 GiB`',
    ],
  },
  {
    name: 'gpu-bare-80',
    what: '`gpu: 80` (once 80 bytes)',
    body: 'model: llama-2-7b\ngpu: 80',
    messages: [
      '3:6 [unknown-gpu] `gpu: 80` has no unit: a bare number is neither a GPU name nor a capacity; write the capacity with its unit, e.g. `gpu: 80 GB` (or `GiB`), or a preset id such as `h100-sxm-80gb`',
    ],
  },
  {
    name: 'parallel-omap',
    what: '`parallel: !!omap [tp: 2]` (once dropped tp silently)',
    body: 'model: llama-2-7b\nparallel: !!omap [tp: 2]',
    messages: [
      '3:18 [yaml-syntax] Invalid YAML: the tag `!!omap` is not supported in a vram block; remove `!!omap` and write a plain mapping such as `{tp: 2}` or a list such as `[fp16, int8]`',
    ],
  },
  {
    name: 'show-set',
    what: 'a `!!set` tag',
    body: 'model: llama-2-7b\nshow: !!set {summary}',
    messages: [
      '3:13 [yaml-syntax] Invalid YAML: the tag `!!set` is not supported in a vram block; remove `!!set` and write a plain mapping such as `{tp: 2}` or a list such as `[fp16, int8]`',
    ],
  },
  {
    name: 'binary-tag',
    what: 'a `!!binary` tag',
    body: 'model: !!binary bGxhbWE=',
    messages: [
      '2:17 [yaml-syntax] Invalid YAML: the tag `!!binary` is not supported in a vram block; remove `!!binary`',
    ],
  },
  {
    name: 'custom-tag',
    what: 'a custom tag',
    body: 'model: llama-2-7b\nbatch: !big 8',
    messages: [
      '3:13 [yaml-syntax] Invalid YAML: the tag `!big` is not supported in a vram block; remove `!big`',
    ],
  },
  {
    name: 'seq-inf',
    what: '`seq: .inf`',
    body: 'model: llama-2-7b\nseq: .inf',
    messages: [
      '3:6 [invalid-value] `seq` must be a whole number ≥ 1, not `.inf`; use a whole number from 1 to 1,073,741,824',
    ],
  },
  {
    name: 'seq-nan',
    what: '`seq: .nan`',
    body: 'model: llama-2-7b\nseq: .nan',
    messages: [
      '3:6 [invalid-value] `seq` must be a whole number ≥ 1, not `.nan`; use a whole number from 1 to 1,073,741,824',
    ],
  },
  {
    name: 'seq-quoted',
    what: '`seq: "4096"`, a string',
    body: 'model: llama-2-7b\nseq: "4096"',
    messages: [
      '3:6 [invalid-value] `seq` must be a number, not the string "4096"; remove the quotes: `seq: 4096`',
    ],
  },
  {
    name: 'batch-zero',
    what: '`batch: 0`',
    body: 'model: llama-2-7b\nbatch: 0',
    messages: ['3:8 [invalid-value] `batch` must be a whole number ≥ 1, not `0`'],
  },
  {
    name: 'batch-negative',
    what: '`batch: -1`',
    body: 'model: llama-2-7b\nbatch: -1',
    messages: ['3:8 [invalid-value] `batch` must be a whole number ≥ 1, not `-1`'],
  },
  {
    name: 'seq-fraction',
    what: '`seq: 1.5`',
    body: 'model: llama-2-7b\nseq: 1.5',
    messages: [
      '3:6 [invalid-value] `seq` must be a whole number ≥ 1, not `1.5`; use a whole number such as 2',
    ],
  },
  {
    name: 'solve-batch-no-gpu',
    what: '`solve: batch` without a GPU (once "No batch fits on this GPU")',
    body: 'model: llama-2-7b\nsolve: batch',
    messages: [
      '3:8 [missing-field] `solve: batch` finds what fits a GPU: the block needs `gpu`; add `gpu: h100-sxm-80gb` (a preset) or `gpu: 80 GB` (a capacity)',
    ],
  },
  {
    name: 'expect-unitless',
    what: '`expect: {total: 17.6}` without a unit',
    body: 'model: llama-2-7b\nexpect: {total: 17.6}',
    messages: [
      '3:17 [expect-mismatch] Expected total 17.6 bytes (a size without a unit is in bytes), computed 15.91 GB; write the unit, e.g. `17.6 GB`',
    ],
  },
  {
    name: 'expect-overflow',
    what: 'an `expect` size that overflows',
    body: 'model: llama-2-7b\nexpect: {total: 1e300 GB}',
    messages: [
      '3:17 [invalid-value] `expect.total` (1e300 GB) is past the plausible limit of 1 PB; write the size you expect, such as `14 GB`',
    ],
  },
  {
    name: 'params-1e20',
    what: '`params: 1e20`',
    body: 'model: {params: 1e20}',
    messages: [
      '2:17 [invalid-value] `params` (100000000000000000000) is past the plausible limit of 10^15 parameters; e.g. `params: 7B` or `params: 1.8T`',
    ],
  },
  {
    name: 'model-number-huge',
    what: '`model: 1e20`',
    body: 'model: 1e20',
    messages: [
      '2:8 [invalid-value] `model` (100000000000000000000) is past the plausible limit of 10^15 parameters; e.g. `params: 7B` or `params: 1.8T`',
    ],
  },
  {
    name: 'model-count-huge',
    what: '`model: 5000T`',
    body: 'model: 5000T',
    messages: [
      "2:8 [invalid-value] `model` ('5000T') is past the plausible limit of 10^15 parameters; e.g. `params: 7B` or `params: 1.8T`",
    ],
  },
  {
    name: 'hidden-huge',
    what: '`hidden` past its limit',
    body: 'model: {extends: llama-2-7b, hidden: 4194304}',
    messages: [
      '2:38 [invalid-value] `hidden` (4194304) is past the plausible limit of 1,048,576; use a whole number from 1 to 1,048,576; the README lists every limit',
    ],
  },
  {
    name: 'vocab-huge',
    what: '`vocab` past its limit',
    body: 'model: {extends: llama-2-7b, vocab: 1e9}',
    messages: [
      '2:37 [invalid-value] `vocab` (1000000000) is past the plausible limit of 16,777,216; use a whole number from 1 to 16,777,216; the README lists every limit',
    ],
  },
  {
    name: 'experts-huge',
    what: '`experts` past its limit',
    body: 'model: {extends: mixtral-8x7b, experts: 1000000}',
    messages: [
      '2:41 [invalid-value] `experts` (1000000) is past the plausible limit of 65,536; use a whole number from 0 to 65,536; the README lists every limit',
    ],
  },
  {
    name: 'tp-huge',
    what: '`tp: 1e9`',
    body: 'model: llama-2-7b\nparallel: {tp: 1e9}',
    messages: [
      '3:16 [invalid-value] `tp` (1000000000) is past the plausible limit of 16,777,216; use a whole number from 1 to 16,777,216; the README lists every limit',
    ],
  },
  {
    name: 'pp-huge-params-only',
    what: '`pp: 16000000` on a model given by `params` (once 144 s laying out stages)',
    body: 'model: {params: 7B}\nparallel: {pp: 16000000}',
    messages: [
      '3:16 [invalid-value] `pp` (16000000) is past the plausible limit of 1,024; use a whole number from 1 to 1,024; the README lists every limit',
    ],
  },
  {
    name: 'micro-batch-inf',
    what: '`micro_batch: .inf`',
    body: 'model: llama-2-7b\nmode: training\nmicro_batch: .inf',
    messages: [
      '4:14 [invalid-value] `micro_batch` must be a whole number ≥ 1, not `.inf`; use a whole number from 1 to 16,777,216',
    ],
  },
  {
    name: 'usable-two',
    what: '`usable: 2`',
    body: 'model: llama-2-7b\ngpu: h100\nusable: 2',
    messages: [
      '4:9 [invalid-value] `usable` must be a fraction of the GPU between 0 and 1; for example `usable: 0.9` (vLLM’s default gpu_memory_utilization)',
    ],
  },
  {
    name: 'tolerance-bad',
    what: 'an unreadable `expect.tolerance`',
    body: 'model: llama-2-7b\nexpect: {total: 17.6 GB, tolerance: lots}',
    messages: [
      '3:37 [invalid-value] `expect.tolerance` must be a percentage or a size; for example `tolerance: 5%` or `tolerance: 1 GB`',
    ],
  },
  // --- YAML messages ------------------------------------------------------------
  {
    name: 'alias-bomb',
    what: 'aliases of aliases (a billion laughs)',
    body: 'a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nmodel: llama-2-7b',
    messages: [
      '3:8 [yaml-syntax] Invalid YAML: the aliases expand to more than 100 values; write the values out instead of nesting aliases of aliases',
    ],
  },
  {
    name: 'alias-unresolved',
    what: 'an alias without an anchor',
    body: 'model: *base',
    messages: [
      '2:8 [yaml-syntax] Invalid YAML: the alias `*base` has no anchor `&base` before it; define `&base` on a value above, or write the value out',
    ],
  },
  {
    name: 'deep-flow',
    what: '200 nested `[`',
    body: `model: llama-2-7b\nshow: ${'['.repeat(200)}${']'.repeat(200)}`,
    messages: [
      '3:70 [yaml-syntax] Invalid YAML: the block nests mappings and lists more than 64 levels deep; a vram block needs at most four levels (`vary: {model: [{extends: …}]}`); flatten it',
    ],
  },
  {
    name: 'deep-dashes',
    what: '100 nested `- `',
    body: `${'- '.repeat(100)}x`,
    messages: [
      '2:127 [yaml-syntax] Invalid YAML: the block nests mappings and lists more than 64 levels deep; a vram block needs at most four levels (`vary: {model: [{extends: …}]}`); flatten it',
    ],
  },
  {
    name: 'second-document',
    what: 'a second YAML document after `---`',
    body: 'model: llama-2-7b\n---\nmodel: llama-2-13b',
    messages: [
      '3:1 [yaml-syntax] Invalid YAML: a vram block holds one YAML document, and `---` starts a second one; remove the `---` line, or move what follows into its own block',
    ],
  },
  {
    name: 'unclosed-bracket',
    what: 'an unclosed `[`',
    body: 'model: llama-2-7b\nshow: [breakdown, summary\nbatch: 8',
    messages: [
      '3:7 [yaml-syntax] Invalid YAML: this `[` is never closed; add `]` after the last item, e.g. `[fp16, int8]`',
    ],
  },
  {
    name: 'unclosed-brace',
    what: 'an unclosed `{`',
    body: 'model: {extends: llama-2-7b, layers: 16\nbatch: 8',
    messages: [
      '2:8 [yaml-syntax] Invalid YAML: this `{` is never closed; add `}` after the last entry, e.g. `{tp: 2}`',
    ],
  },
  {
    name: 'duplicate-key',
    what: 'a key given twice',
    body: 'model: llama-2-7b\nbatch: 8\nbatch: 16',
    messages: [
      '4:1 [yaml-syntax] Invalid YAML: Map keys must be unique; each key may appear once; remove the repeated one',
    ],
  },
  {
    name: 'tab-indent',
    what: 'a tab as indentation',
    body: 'model:\n\textends: llama-2-7b',
    messages: [
      '3:1 [yaml-syntax] Invalid YAML: Tabs are not allowed as indentation; YAML indentation uses spaces, not tabs',
    ],
  },
  {
    name: 'missing-space',
    what: 'no space after the colon',
    body: 'model:llama-2-7b',
    messages: [
      '1:1 [invalid-value] A vram block must be a YAML mapping of keys to values; put a space after the colon: `model: llama-2-7b`',
    ],
  },
  // --- Careless blocks ---------------------------------------------------------
  {
    name: 'empty-block',
    what: 'an empty block',
    body: '',
    messages: ['1:1 [invalid-value] The vram block is empty; start with `model: llama-2-7b`'],
  },
  {
    name: 'scalar-block',
    what: 'a block that is one word',
    body: 'llama-2-7b',
    messages: [
      '1:1 [invalid-value] A vram block must be a YAML mapping of keys to values; start with `model: llama-2-7b`',
    ],
  },
  {
    name: 'list-block',
    what: 'a block that is a list',
    body: '- model: llama-2-7b',
    messages: [
      '1:1 [invalid-value] A vram block must be a YAML mapping of keys to values; start with `model: llama-2-7b`',
    ],
  },
  {
    name: 'no-model',
    what: 'no `model`',
    body: 'batch: 8',
    messages: [
      '1:1 [missing-field] A vram block needs a `model`; add `model: llama-2-7b` (a preset), or `model: {params: 7B}`',
    ],
  },
  {
    name: 'typo-key',
    what: 'a misspelt key',
    body: 'model: llama-2-7b\nbatchh: 8',
    messages: ['3:1 [unknown-key] Unknown key `batchh`; did you mean `batch`?'],
  },
  {
    name: 'typo-model',
    what: 'a misspelt model',
    body: 'model: llama-2-7',
    messages: ['2:8 [unknown-model] Unknown model `llama-2-7`; did you mean `llama-2-7b`?'],
  },
  {
    name: 'typo-gpu',
    what: 'a misspelt GPU',
    body: 'model: llama-2-7b\ngpu: h10',
    messages: [
      '3:6 [unknown-gpu] Unknown GPU `h10`; use a preset id (`vram gpus` lists them) or a capacity such as `80 GB`',
    ],
  },
  {
    name: 'bad-mode',
    what: 'an unknown mode',
    body: 'model: llama-2-7b\nmode: serving',
    messages: [
      '3:7 [invalid-value] `mode` must be one of inference, training; use one of inference, training',
    ],
  },
  {
    name: 'train-int4',
    what: 'training int4 weights',
    body: 'model: llama-2-7b\nmode: training\ndtype: int4',
    messages: [
      '4:8 [incompatible] Training `int4` weights needs an adapter: the base stays frozen and quantized; add `adapter: {rank: 16, targets: all-linear}` (QLoRA with `dtype: nf4`), or use `dtype: bf16` for full training',
    ],
  },
  {
    name: 'zero-inference',
    what: 'ZeRO in inference',
    body: 'model: llama-2-7b\nparallel: {zero: 2}',
    messages: [
      '3:18 [incompatible] ZeRO shards training state; inference has none; remove `zero`, or set `mode: training`',
    ],
  },
  {
    name: 'pp-past-layers',
    what: 'more pipeline stages than layers',
    body: 'model: llama-2-7b\nparallel: {pp: 64}',
    messages: ["3:16 [incompatible] `pp` (64) exceeds the model's 32 layers; use pp ≤ 32"],
  },
  {
    name: 'tp-heads',
    what: 'tp that does not divide the heads',
    body: 'model: llama-2-7b\nparallel: {tp: 3}',
    messages: [
      '3:16 [incompatible] Tensor parallelism splits attention heads: 32 heads do not split over tp=3; use tp in 1, 2, 4, 8, 16, 32',
      '3:16 [incompatible] 32 KV heads neither split over nor replicate evenly to tp=3',
    ],
  },
  {
    name: 'cp-seq',
    what: 'cp that does not divide seq',
    body: 'model: llama-2-7b\nseq: 2049\nparallel: {cp: 2}',
    messages: [
      '4:16 [incompatible] Context parallelism splits the sequence: seq 2049 over cp=2; use a sequence length divisible by 2',
    ],
  },
  {
    name: 'ep-dense',
    what: 'ep on a dense model',
    body: 'model: llama-2-7b\nparallel: {ep: 2}',
    messages: [
      '3:16 [incompatible] Expert parallelism (`ep`) needs a mixture-of-experts model; remove `ep`, or pick an MoE model such as `mixtral-8x7b`',
    ],
  },
  {
    name: 'extends-and-config',
    what: '`extends` and `config` together',
    body: 'model: {extends: llama-2-7b, config: ./config.json}',
    messages: [
      '2:30 [incompatible] `extends` and `config` cannot both be given; start from either a preset (`extends`) or a local config.json (`config`)',
    ],
  },
  {
    name: 'vary-not-list',
    what: 'a `vary` value that is not a list',
    body: 'model: llama-2-7b\nvary: {batch: 8}',
    messages: [
      '3:15 [invalid-value] `vary.batch` must be a non-empty list; for example `batch: [..., ...]`',
    ],
  },
  {
    name: 'vary-three-keys',
    what: '`vary` with three keys',
    body: 'model: llama-2-7b\nvary: {batch: [1], seq: [1], dtype: [fp16]}',
    messages: [
      '3:7 [invalid-value] `vary` takes at most two keys (a table or a matrix); split the sweep into several blocks',
    ],
  },
  {
    name: 'bad-id',
    what: 'an id with a space',
    body: 'model: llama-2-7b\nid: my block',
    messages: [
      '3:5 [invalid-value] `id` must be a name of letters, digits, `_` and `-`; for example `id: qwen`',
    ],
  },
  {
    name: 'advice-no-gpu',
    what: '`show: advice` without a GPU',
    body: 'model: llama-2-7b\nshow: advice',
    messages: [
      '3:7 [missing-field] `show: advice` needs a `gpu` to decide what fits; add `gpu: h100-sxm-80gb` (or another preset or capacity)',
    ],
  },
  {
    name: 'expect-mismatch',
    what: 'an `expect` that does not hold',
    body: 'model: llama-2-7b\nexpect: {total: 14 GB}',
    messages: [
      '3:17 [expect-mismatch] Expected total 14 GB, computed 15.91 GB; write 15.91 GB, or widen `expect.tolerance`',
    ],
  },
  {
    name: 'unknown-reference',
    what: 'a reference to a block that does not exist',
    markdown: '```vram id=a\nmodel: llama-2-7b\n```\n\nTotal: `vram:b.total`.\n',
    messages: [
      '5:8 [unknown-reference] Unknown reference `vram:b.total`: no block has the id `b`; did you mean `a`?',
    ],
  },
  {
    name: 'reference-huge-path',
    what: 'an inline reference with a 100,000-character path',
    markdown: `\`\`\`vram id=a\nmodel: llama-2-7b\n\`\`\`\n\nTotal: \`vram:a.${'x'.repeat(100_000)}\`.\n`,
    messages: [
      '5:8 [unknown-reference] A reference path of 100000 characters is not one vram knows; use one of total, weights, gradients, optimizer, activations, kv_cache, buffers, params, adapter, trainable_params, trainable_percent, active_params, devices, model, capacity, usable, headroom, utilization, fits, offloaded, solved, kv_tokens, max_concurrency, gpu_layers, compute_buffer, host',
    ],
  },
  {
    name: 'duplicate-id',
    what: 'two blocks with one id',
    markdown: '```vram id=a\nmodel: llama-2-7b\n```\n\n```vram id=a\nmodel: llama-2-13b\n```\n',
    messages: [
      '5:9 [invalid-value] Another block already has the id `a`; give each block its own id',
    ],
  },
  {
    name: 'bad-meta-id',
    what: 'a fence id with a dot',
    markdown: '```vram id=a.b\nmodel: llama-2-7b\n```\n',
    messages: [
      '1:9 [invalid-value] The fence’s `id=` must be a name of letters, digits, `_` and `-`; for example `id=qwen`',
    ],
  },
  {
    name: 'config-proc-environ',
    what: 'the build’s environment as a config (a “regular file” to stat)',
    body: 'model: {config: /proc/self/environ}',
    messages: [
      '2:17 [config-read] Cannot read `/proc/self/environ`: system files (/proc, /sys, /dev) are never read; point `config` at a Hugging Face config.json file',
    ],
  },
  {
    name: 'serve-tp-string',
    what: '`tensor_parallel_size: "2"` quoted (once silently 1 GPU)',
    body: 'model: Qwen/Qwen2.5-7B\ngpu: a100-80gb\nserve:\n  engine: vllm\n  max_model_len: 16384\n  tensor_parallel_size: "2"',
    messages: [
      '7:25 [invalid-value] `tensor_parallel_size` must be a number, not the string "2"; remove the quotes: `tensor_parallel_size: 2`',
    ],
  },
  {
    name: 'serve-tp-fraction',
    what: '`tensor_parallel_size: 1.5`',
    body: 'model: Qwen/Qwen2.5-7B\ngpu: a100-80gb\nserve:\n  engine: vllm\n  max_model_len: 16384\n  tensor_parallel_size: 1.5',
    messages: [
      '7:25 [invalid-value] `tensor_parallel_size` must be a whole number ≥ 1, not `1.5`; use a whole number such as 2',
    ],
  },
  {
    name: 'serve-tp-zero',
    what: '`tensor_parallel_size: 0`',
    body: 'model: Qwen/Qwen2.5-7B\ngpu: a100-80gb\nserve:\n  engine: vllm\n  max_model_len: 16384\n  tensor_parallel_size: 0',
    messages: ['7:25 [invalid-value] `tensor_parallel_size` must be a whole number ≥ 1, not `0`'],
  },
  {
    name: 'serve-pp-string',
    what: '`pipeline_parallel_size: "2"` quoted',
    body: 'model: Qwen/Qwen2.5-7B\ngpu: a100-80gb\nserve:\n  engine: vllm\n  max_model_len: 16384\n  pipeline_parallel_size: "2"',
    messages: [
      '7:27 [invalid-value] `pipeline_parallel_size` must be a number, not the string "2"; remove the quotes: `pipeline_parallel_size: 2`',
    ],
  },
  {
    name: 'serve-max-num-seqs-huge',
    what: '`max_num_seqs: 1e300` (once 300-digit cells)',
    body: 'model: Qwen/Qwen2.5-7B\ngpu: a100-80gb\nserve:\n  engine: vllm\n  max_model_len: 16384\n  max_num_seqs: 1e300',
    messages: [
      '7:17 [invalid-value] `max_num_seqs` (1e+300) is past the plausible limit of 16,777,216; use a whole number from 1 to 16,777,216; the README lists every limit',
    ],
  },
  {
    name: 'serve-batched-tokens-huge',
    what: '`max_num_batched_tokens: 1e300`',
    body: 'model: Qwen/Qwen2.5-7B\ngpu: a100-80gb\nserve:\n  engine: vllm\n  max_model_len: 16384\n  max_num_batched_tokens: 1e300',
    messages: [
      '7:27 [invalid-value] `max_num_batched_tokens` (1e+300) is past the plausible limit of 1,073,741,824; use a whole number from 1 to 1,073,741,824; the README lists every limit',
    ],
  },
  {
    name: 'serve-max-model-len-huge',
    what: '`max_model_len: 1e300` (once a 301-digit caption)',
    body: 'model: Qwen/Qwen2.5-7B\ngpu: a100-80gb\nserve:\n  engine: vllm\n  max_model_len: 1e300',
    messages: [
      '6:18 [invalid-value] `max_model_len` (1e+300) is past the plausible limit of 1,073,741,824; use a whole number from 1 to 1,073,741,824; the README lists every limit',
    ],
  },
  {
    name: 'serve-kv-cache-dtype-constructor',
    what: '`kv_cache_dtype: constructor` (once “figures overflow”)',
    body: 'model: Qwen/Qwen2.5-7B\ngpu: a100-80gb\nserve:\n  engine: vllm\n  max_model_len: 16384\n  kv_cache_dtype: constructor',
    messages: [
      '7:19 [invalid-value] `kv_cache_dtype` must be one of auto, bfloat16, fp8, fp8_e4m3, fp8_e5m2, fp8_inc, fp8_ds_mla; vLLM’s default is `auto`',
    ],
  },
  {
    name: 'kv-dtype-weight-mix',
    what: '`kv_dtype: q4_k_m`: a GGUF weight mix, no cache type',
    body: 'model: llama-2-7b\nkv_dtype: q4_k_m',
    messages: [
      "3:11 [invalid-value] `kv_dtype: q4_k_m` is a GGUF weight mix, not a KV-cache type; use fp32, bf16, fp16, fp8, int8, int4, nf4, fp4, mxfp4 or one of llama.cpp's cache types: q8_0, q5_0, q5_1, q4_0, q4_1, iq4_nl",
    ],
  },
  {
    name: 'adapter-bnb-version-unquoted',
    what: '`bnb_version: 0.50` unquoted (YAML reads 0.5)',
    body: 'model: llama-2-7b\nmode: training\ndtype: nf4\nadapter: {rank: 16, bnb_version: 0.50}',
    messages: [
      '5:34 [invalid-value] `adapter.bnb_version` is a version, which YAML reads as the number 0.5 when unquoted (`0.50` would become 0.5); quote the version as you wrote it, e.g. `bnb_version: "0.45.0"`',
    ],
  },
  {
    name: 'adapter-rank-string',
    what: '`adapter.rank: "16"` quoted',
    body: 'model: llama-2-7b\nmode: training\nadapter: {rank: "16"}',
    messages: [
      '4:17 [invalid-value] `adapter.rank` must be a number, not the string "16"; remove the quotes: `rank: 16`',
    ],
  },
  {
    name: 'adapter-rank-fraction',
    what: '`adapter.rank: 1.5`',
    body: 'model: llama-2-7b\nmode: training\nadapter: {rank: 1.5}',
    messages: [
      '4:17 [invalid-value] `adapter.rank` must be a whole number between 1 and 65,536, not `1.5`; for example `rank: 16`',
    ],
  },
  {
    name: 'adapter-rank-huge',
    what: '`adapter.rank: 1e9`',
    body: 'model: llama-2-7b\nmode: training\nadapter: {rank: 1000000000}',
    messages: [
      '4:17 [invalid-value] `adapter.rank` must be a whole number between 1 and 65,536, not `1000000000`; for example `rank: 16`',
    ],
  },
]
