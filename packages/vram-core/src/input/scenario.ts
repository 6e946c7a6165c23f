import {bnbFormat} from '../engines/adapter/memory.js'
import {readAdapter} from '../engines/adapter/read.js'
import {frameworkRules, readFramework, shardsAdapters} from '../engines/framework/rules.js'
import {engineKeys, localEngine, readEngine} from '../engines/index.js'
import {
  readServe,
  serveOnlineFp8,
  serveParallel,
  serveParallelKeys,
  vllmKeys,
} from '../engines/serving/settings.js'
import type {Architecture, ParamInventory} from '../model/architecture.js'
import {dtype, dtypeNames, ggufDtypeNames, isFloat, parseDtype} from '../model/dtypes.js'
import {ggufDtype, isGgufFileType} from '../model/gguf.js'
import {architectureFromInput} from '../model/input.js'
import {paramInventory} from '../model/params.js'
import type {PinnedModels} from '../model/pins.js'
import {
  closest,
  type Diagnostic,
  diagnostic,
  display,
  shareValue,
  VramInputError,
  type YamlPath,
} from '../output/diagnostics.js'
import type {Dtype, Metric, Parallel, Scenario, ShowKind, SolveTarget, Units} from '../types.js'
import {defaultUsable, resolveGpu} from './gpus.js'
import {blockKeys} from './keys.js'
import {formatLimit, limits, wholeNumberProblem} from './limits.js'
import {isRecord} from './record.js'
import {metricNames, type ResultName, resultNameOf, resultNames} from './result-names.js'
import {GB, isSizeText, parseSize} from './units.js'
import {
  accountings,
  attentions,
  modes,
  offloads,
  optimizers,
  parallelKeys,
  precisions,
  quantizeScopes,
  recomputes,
  showKinds,
  solveTargets,
} from './values.js'

export {blockKeys} from './keys.js'
export {
  accountings,
  attentions,
  modes,
  optimizers,
  parallelKeys,
  precisions,
  quantizeScopes,
  recomputes,
  showKinds,
  solveTargets,
} from './values.js'
/**
 * The article's §3.6 allowance ("usually about 1–2 GB", upper end), kept only
 * as the starting point a serving engine's own budget replaces. Other blocks
 * have no default buffers: the CUDA context and a framework's communication
 * buckets are named rows, and a writer may still set `buffers:` by hand.
 */
export const defaultBuffers = 2 * GB
/** Default sequence length when neither `seq` nor a shorter model context is given. */
export const defaultSeq = 4096

/** Options that are not part of the scenario itself. */
export interface BlockOptions {
  id?: string | undefined
  units?: Units | undefined
  show?: ShowKind[] | undefined
  metric?: Metric | undefined
  solve?: SolveTarget | undefined
  vary?: Array<{key: string; values: unknown[]}> | undefined
  expect?: Record<string, unknown> | undefined
  /** `measured:` as written; output/measured.ts reads it against the result. */
  measured?: unknown
}

export interface ReadContext {
  /** Reads a local HF `config.json` for `model: {config: ./path}` (Node only). */
  readConfig?: ((relativePath: string) => unknown) | undefined
  /** Hub models pinned in `vram.models.json` (`readPinFile`), resolved like presets. */
  models?: PinnedModels | undefined
  /** Why `vram.models.json` (or entries of it) could not be read: named where a model is not found. */
  modelsProblems?: readonly string[] | undefined
  /** Defaults the host supplies (plugin options): a GPU, units. */
  defaults?: {gpu?: unknown; units?: Units | undefined} | undefined
}

type Raw = Record<string, unknown>

function unknownKeys(raw: Raw, known: readonly string[], base: YamlPath): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const key of Object.keys(raw)) {
    if (known.includes(key)) continue
    const guess = closest(key, known)
    out.push(
      diagnostic('unknown-key', `Unknown key \`${key}\``, [...base, key], {
        onKey: true,
        suggestion: guess ? `did you mean \`${guess}\`?` : `known keys: ${known.join(', ')}`,
      }),
    )
  }
  return out
}

function oneOf<T extends string>(
  raw: Raw,
  key: string,
  allowed: readonly T[],
  fallback: T,
  out: Diagnostic[],
  base: YamlPath = [],
): T {
  const value = raw[key]
  if (value === undefined || value === null) return fallback
  const text = display(value).trim().toLowerCase()
  const hit = allowed.find((candidate) => candidate.toLowerCase() === text)
  if (hit) return hit
  const guess = closest(text, allowed)
  out.push(
    diagnostic('invalid-value', `\`${key}\` must be one of ${allowed.join(', ')}`, [...base, key], {
      suggestion: guess ? `did you mean \`${guess}\`?` : `use one of ${allowed.join(', ')}`,
    }),
  )
  return fallback
}

function positiveInteger(
  raw: Raw,
  key: string,
  fallback: number,
  out: Diagnostic[],
  base: YamlPath = [],
  maximum: number = limits.parallel,
): number {
  const value = raw[key]
  if (value === undefined || value === null) return fallback
  const problem = wholeNumberProblem(value, key, 1, maximum)
  if (!problem) return value as number
  out.push(
    diagnostic('invalid-value', problem.message, [...base, key], {suggestion: problem.suggestion}),
  )
  return fallback
}

function dtypeValue(
  raw: Raw,
  key: string,
  out: Diagnostic[],
  base: YamlPath = [],
): Dtype | undefined {
  const value = raw[key]
  if (value === undefined || value === null) return undefined
  const parsed = parseDtype(value)
  if (parsed) return parsed
  const guess =
    typeof value === 'string' ? closest(value, [...dtypeNames, ...ggufDtypeNames]) : undefined
  out.push(
    diagnostic(
      'invalid-value',
      `\`${key}\` must be one of ${dtypeNames.join(', ')}, a GGUF type such as \`q4_k_m\` or \`q8_0\`, or bits per weight such as \`4.5bpw\``,
      [...base, key],
      {suggestion: guess ? `did you mean \`${guess}\`?` : undefined},
    ),
  )
  return undefined
}

/**
 * llama.cpp's KV-cache types (`--cache-type-k`/`-v`, `kv_cache_types` in
 * common/arg.cpp): row quantizations only. A GGUF file type such as `q4_k_m`
 * mixes K-quants per tensor and is no cache type.
 */
const ggufCacheTypes = ['q8_0', 'q5_0', 'q5_1', 'q4_0', 'q4_1', 'iq4_nl']

/** `kv_dtype`: a dtype, bits per weight, or one of llama.cpp's cache types. */
function kvDtypeValue(raw: Raw, out: Diagnostic[]): Dtype | undefined {
  const value = raw.kv_dtype
  const name = typeof value === 'string' ? value.trim().toLowerCase() : ''
  if (!ggufDtypeNames.includes(name) || ggufCacheTypes.includes(name))
    return dtypeValue(raw, 'kv_dtype', out)
  out.push(
    diagnostic(
      'invalid-value',
      `\`kv_dtype: ${name}\` is a GGUF weight mix, not a KV-cache type`,
      ['kv_dtype'],
      {
        suggestion: `use ${dtypeNames.filter((type) => type !== 'tf32').join(', ')} or one of llama.cpp's cache types: ${ggufCacheTypes.join(', ')}`,
      },
    ),
  )
  return undefined
}

/**
 * The activation dtype: the weights' when they are 16- or 32-bit floats, bf16
 * otherwise (integer, 8-bit float and bits-per-weight checkpoints compute in
 * 16 bits). Gradients and the KV cache default to it: vLLM and SGLang keep the
 * cache in the model's activation dtype (`kv_cache_dtype: auto`), an 8-bit
 * cache only when asked.
 */
function floatOr16(type: Dtype): Dtype {
  if (!isFloat(type) || type.bits < 16) return dtype('bf16')
  return type.name === 'tf32' ? dtype('fp32') : type
}

/**
 * Normalises and validates one block's keys (all but `vary`'s expansion):
 * returns the scenario with every default applied and the block options.
 */
export function readScenario(
  raw: unknown,
  context: ReadContext = {},
): {scenario?: Scenario | undefined; options: BlockOptions; diagnostics: Diagnostic[]} {
  const out: Diagnostic[] = []
  const options: BlockOptions = {}
  if (!isRecord(raw)) {
    // `model:llama-2-7b` reads as one string: YAML needs a space after the colon.
    const squeezed = typeof raw === 'string' ? /^([A-Za-z_]\w*):(\S.*)$/.exec(raw) : null
    out.push(
      diagnostic(
        'invalid-value',
        raw === null || raw === undefined
          ? 'The vram block is empty'
          : 'A vram block must be a YAML mapping of keys to values',
        [],
        {
          suggestion: squeezed
            ? `put a space after the colon: \`${squeezed[1]}: ${squeezed[2]}\``
            : 'start with `model: llama-2-7b`',
        },
      ),
    )
    return {options, diagnostics: out}
  }
  out.push(...unknownKeys(raw, blockKeys, []))

  // Block options first: they do not depend on the model.
  if (raw.id !== undefined) {
    if (typeof raw.id === 'string' && /^[A-Za-z_][\w-]*$/.test(raw.id)) options.id = raw.id
    else
      out.push(
        diagnostic('invalid-value', '`id` must be a name of letters, digits, `_` and `-`', ['id'], {
          suggestion: 'for example `id: qwen`',
        }),
      )
  }
  if (raw.units !== undefined)
    options.units = oneOf(raw, 'units', ['GB', 'GiB'] as const, 'GB', out)
  if (raw.show !== undefined) {
    const list = Array.isArray(raw.show) ? raw.show : [raw.show]
    options.show = []
    list.forEach((item, index) => {
      const hit = showKinds.find((kind) => kind === display(item).trim().toLowerCase())
      if (hit) options.show?.push(hit)
      else {
        const guess = closest(display(item), showKinds)
        out.push(
          diagnostic(
            'invalid-value',
            `\`show\` takes ${showKinds.join(', ')}`,
            Array.isArray(raw.show) ? ['show', index] : ['show'],
            {
              suggestion: guess ? `did you mean \`${guess}\`?` : undefined,
            },
          ),
        )
      }
    })
  }
  if (raw.metric !== undefined) {
    const written = resultNameOf(display(raw.metric).trim(), {ignoreCase: true})
    const name = oneOf({metric: written}, 'metric', metricNames, 'total', out)
    options.metric = (resultNames[name] as ResultName).metric ?? 'total'
  }
  if (raw.solve !== undefined) options.solve = oneOf(raw, 'solve', solveTargets, 'batch', out)
  const gpuGiven =
    (raw.gpu !== undefined && raw.gpu !== null) ||
    context.defaults?.gpu !== undefined ||
    (isRecord(raw.vary) && Object.hasOwn(raw.vary, 'gpu'))
  if (options.solve && !gpuGiven)
    out.push(
      diagnostic(
        'missing-field',
        `\`solve: ${options.solve}\` finds what fits a GPU: the block needs \`gpu\``,
        ['solve'],
        {suggestion: 'add `gpu: h100-sxm-80gb` (a preset) or `gpu: 80 GB` (a capacity)'},
      ),
    )
  if (raw.expect !== undefined) {
    if (isRecord(raw.expect)) options.expect = raw.expect
    else
      out.push(
        diagnostic('invalid-value', '`expect` must be a mapping such as `{total: 174 GB}`', [
          'expect',
        ]),
      )
  }
  if (raw.measured !== undefined) options.measured = raw.measured
  if (raw.vary !== undefined) {
    if (!isRecord(raw.vary) || Object.keys(raw.vary).length === 0) {
      out.push(
        diagnostic(
          'invalid-value',
          '`vary` must map one or two keys to lists of values',
          ['vary'],
          {
            suggestion: 'for example `vary: {dtype: [fp32, fp16, int8, int4]}`',
          },
        ),
      )
    } else {
      const entries = Object.entries(raw.vary)
      if (entries.length > 2)
        out.push(
          diagnostic(
            'invalid-value',
            '`vary` takes at most two keys (a table or a matrix)',
            ['vary'],
            {
              suggestion: 'split the sweep into several blocks',
            },
          ),
        )
      options.vary = []
      for (const [key, values] of entries.slice(0, 2)) {
        if (!Array.isArray(values) || values.length === 0) {
          out.push(
            diagnostic('invalid-value', `\`vary.${key}\` must be a non-empty list`, ['vary', key], {
              suggestion: `for example \`${key}: [..., ...]\``,
            }),
          )
          continue
        }
        const [head, tail] = key.split('.', 2)
        const knownTop = (blockKeys as readonly string[]).filter(
          (name) =>
            !['vary', 'expect', 'measured', 'show', 'solve', 'metric', 'id', 'units'].includes(
              name,
            ),
        )
        if (
          !knownTop.includes(head as string) ||
          (tail !== undefined && head !== 'parallel' && head !== 'serve') ||
          (head === 'parallel' && !(parallelKeys as readonly string[]).includes(tail ?? '')) ||
          (head === 'serve' &&
            tail !== undefined &&
            !(
              localEngine(raw.serve)
                ? (engineKeys[
                    localEngine(raw.serve) as keyof typeof engineKeys
                  ] as readonly string[])
                : (vllmKeys as readonly string[])
            ).includes(tail.replace(/-/g, '_')))
        ) {
          const candidates = [
            ...knownTop,
            ...parallelKeys.map((name) => `parallel.${name}`),
            ...vllmKeys.map((name) => `serve.${name}`),
          ]
          const guess = closest(key, candidates)
          out.push(
            diagnostic('unknown-key', `\`vary\` cannot sweep \`${key}\``, ['vary', key], {
              onKey: true,
              suggestion: guess ? `did you mean \`${guess}\`?` : undefined,
            }),
          )
          continue
        }
        if (values.length > limits.varyValues) {
          out.push(
            diagnostic(
              'invalid-value',
              `\`vary.${key}\` has ${values.length} values, past the limit of ${limits.varyValues}`,
              ['vary', key],
              {suggestion: 'split the sweep into several blocks'},
            ),
          )
          continue
        }
        options.vary.push({key, values})
      }
      const cases = options.vary.reduce((product, axis) => product * axis.values.length, 1)
      if (cases > limits.varyCases) {
        out.push(
          diagnostic(
            'invalid-value',
            `\`vary\` makes ${cases} cases, past the limit of ${formatLimit(limits.varyCases)}`,
            ['vary'],
            {suggestion: 'sweep fewer values, or split the matrix into several blocks'},
          ),
        )
        options.vary = []
      } else if (options.solve && cases > limits.solvedCases) {
        // Each solved case is a search of many computations.
        out.push(
          diagnostic(
            'invalid-value',
            `\`vary\` with \`solve\` makes ${cases} cases, past the limit of ${limits.solvedCases}`,
            ['vary'],
            {suggestion: 'solve over fewer values, or split the sweep into several blocks'},
          ),
        )
        options.vary = []
      }
    }
  }

  // `vary: {model: [...]}` needs no top-level `model`: the rest of the block is
  // checked with the first swept model, whose own problems each case reports.
  const sweptModel = options.vary?.find((axis) => axis.key === 'model')
  if (sweptModel && (raw.model === undefined || raw.model === null)) {
    const checked: Diagnostic[] = []
    const scenario = readCore({...raw, model: sweptModel.values[0]}, context, checked)
    out.push(...checked.filter((entry) => entry.path[0] !== 'model'))
    return {scenario, options, diagnostics: out}
  }
  const scenario = readCore(raw, context, out)
  // Keys vLLM's budget does not read: say so rather than ignore them silently.
  if (raw.serve !== undefined && raw.serve !== null && !localEngine(raw.serve)) {
    const replacedBy: Record<string, string> = {
      batch: 'vLLM batches up to `serve.max_num_seqs` requests',
      micro_batch: 'vLLM batches up to `serve.max_num_seqs` requests',
      seq: 'a request holds up to `serve.max_model_len` tokens',
      kv_dtype: 'the cache dtype is `serve.kv_cache_dtype`',
      usable: 'vLLM uses `serve.gpu_memory_utilization` of the CUDA-visible total',
      buffers: 'vLLM’s own budget counts its non-torch memory and activation peak',
    }
    for (const [key, instead] of Object.entries(replacedBy)) {
      if (raw[key] === undefined) continue
      out.push(
        diagnostic('incompatible', `\`${key}\` does not apply with \`serve\`: ${instead}`, [key], {
          severity: 'warning',
          suggestion: `remove \`${key}\``,
        }),
      )
    }
  }
  // vLLM sizes its own batch: the KV cache takes what is left, whatever `batch` or `seq` say.
  const engineName = localEngine(raw.serve)
  if (
    (options.solve === 'ctx' || options.solve === 'layers') &&
    (!engineName || engineName === 'sglang')
  )
    out.push(
      diagnostic(
        'incompatible',
        `\`solve: ${options.solve}\` solves a local engine’s ${options.solve === 'ctx' ? 'context' : 'layer split'}: the block needs \`serve: {engine: llama.cpp}\` or \`ollama\``,
        ['solve'],
        {suggestion: 'add `serve: {engine: llama.cpp}`, or use `solve: seq`'},
      ),
    )
  if (engineName && (options.solve === 'batch' || options.solve === 'seq'))
    out.push(
      diagnostic(
        'incompatible',
        `\`solve: ${options.solve}\` does not apply to ${engineName}, which sizes its context and slots from its own settings`,
        ['solve'],
        {
          suggestion:
            engineName === 'sglang'
              ? 'read `vram:ID.kv_tokens`'
              : 'use `solve: ctx` (the longest context) or `solve: layers` (the most GPU layers)',
        },
      ),
    )
  if (
    raw.serve !== undefined &&
    !localEngine(raw.serve) &&
    (options.solve === 'batch' || options.solve === 'seq')
  )
    out.push(
      diagnostic(
        'incompatible',
        `\`solve: ${options.solve}\` has nothing to solve with \`serve\`: vLLM gives the KV cache whatever is left`,
        ['solve'],
        {
          suggestion:
            'read `vram:ID.max_concurrency` or `vram:ID.kv_tokens`, or use `solve: gpus` for the fewest GPUs vLLM starts on',
        },
      ),
    )
  return {scenario, options, diagnostics: out}
}

/** The scenario keys proper; shared by plain blocks and each `vary` case. */
export function readCore(raw: Raw, context: ReadContext, out: Diagnostic[]): Scenario | undefined {
  const errorsBefore = out.filter((entry) => entry.severity === 'error').length
  let model: Architecture | undefined
  if (raw.model === undefined || raw.model === null) {
    out.push(
      diagnostic('missing-field', 'A vram block needs a `model`', [], {
        suggestion: 'add `model: llama-2-7b` (a preset), or `model: {params: 7B}`',
      }),
    )
  } else {
    const read = architectureFromInput(raw.model, ['model'], {
      readConfig: context.readConfig,
      pinned: context.models,
      pinnedProblems: context.modelsProblems,
    })
    out.push(...read.diagnostics)
    model = read.architecture
  }

  const mode = oneOf(raw, 'mode', modes, 'inference', out)
  const precision = oneOf(raw, 'precision', precisions, 'mixed', out)
  const optimizer = oneOf(raw, 'optimizer', optimizers, 'adamw', out)
  const attention = oneOf(raw, 'attention', attentions, 'flash', out)
  const recompute = oneOf(raw, 'recompute', recomputes, 'none', out)
  const accounting = oneOf(raw, 'accounting', accountings, 'deepspeed', out)
  const framework = readFramework(raw.framework, out)
  const givenDtype = dtypeValue(raw, 'dtype', out)
  // `serve: {quantization: fp8}` is vLLM's online FP8 of the linear layers.
  const onlineFp8 = serveOnlineFp8(raw.serve)
  // A quantized checkpoint (its config's `quantization_config`) is computed as shipped
  // unless the block names a `dtype`; training starts from 16-bit weights.
  const stored =
    givenDtype === undefined && mode !== 'training' && raw.dtype === undefined && !onlineFp8
      ? model?.checkpoint
      : undefined
  const quantize = oneOf(
    raw,
    'quantize',
    quantizeScopes,
    onlineFp8 ? 'linear' : (stored?.scope ?? 'all'),
    out,
  )
  const defaultWeightType =
    mode === 'training' && precision === 'fp32' ? dtype('fp32') : dtype('bf16')
  // A GGUF type (`q4_k_m`) is llama.cpp's per-tensor mix for this model's shape.
  const mixed =
    givenDtype && model && isGgufFileType(givenDtype.name)
      ? ggufDtype(model, givenDtype.name)
      : undefined
  const weightType =
    mixed ??
    givenDtype ??
    (onlineFp8 ? dtype('fp8') : undefined) ??
    stored?.dtype ??
    defaultWeightType
  const hasAdapter = raw.adapter !== undefined && raw.adapter !== null
  if (hasAdapter && mode !== 'training') {
    out.push(
      diagnostic('incompatible', 'An adapter is trained: it needs `mode: training`', ['adapter'], {
        suggestion: 'add `mode: training`, or remove `adapter`',
      }),
    )
  } else if (mode === 'training' && hasAdapter && bnbFormat(weightType.name)) {
    // QLoRA (nf4/fp4) or LLM.int8() LoRA: the frozen base is stored by bitsandbytes.
    if (raw.quantize !== undefined && quantize === 'all')
      out.push(
        diagnostic(
          'incompatible',
          'Under an adapter, bitsandbytes quantizes linear layers only: embeddings, norms and the head stay 16-bit',
          ['quantize'],
          {
            suggestion:
              'remove `quantize` (or write `linear`); `experts` restricts it to routed experts',
          },
        ),
      )
  } else if (mode === 'training') {
    if (!isFloat(weightType) || weightType.name === 'fp8') {
      out.push(
        diagnostic(
          'incompatible',
          hasAdapter
            ? `An adapter trains on a 16-bit base (LoRA) or a bitsandbytes \`nf4\`, \`fp4\` or \`int8\` base, not \`${weightType.name}\``
            : `Training \`${weightType.name}\` weights needs an adapter: the base stays frozen and quantized`,
          ['dtype'],
          {
            suggestion: hasAdapter
              ? 'use `dtype: nf4` for QLoRA or `dtype: bf16` for LoRA'
              : 'add `adapter: {rank: 16, targets: all-linear}` (QLoRA with `dtype: nf4`), or use `dtype: bf16` for full training',
          },
        ),
      )
    } else if (precision === 'fp32' && weightType.bits !== 32) {
      out.push(
        diagnostic('incompatible', '`precision: fp32` trains fp32 weights', ['dtype'], {
          suggestion: 'remove `dtype`, or use `precision: mixed` for 16-bit weights',
        }),
      )
    } else if (precision !== 'fp32' && weightType.bits !== 16) {
      out.push(
        diagnostic(
          'incompatible',
          `\`precision: ${precision}\` keeps 16-bit weights, not \`${weightType.name}\``,
          ['dtype'],
          {suggestion: 'use `dtype: bf16` or `fp16`, or `precision: fp32`'},
        ),
      )
    }
  }
  // The KV cache follows the activations (the checkpoint's FP8 weights are not FP8 KV).
  const kvDtype = kvDtypeValue(raw, out) ?? floatOr16(givenDtype ?? defaultWeightType)
  const gradDtype =
    dtypeValue(raw, 'grad_dtype', out) ??
    (precision === 'fp32' ? dtype('fp32') : floatOr16(weightType))

  // Parallel layout.
  const parallelRaw = raw.parallel
  const parallelOut: Parallel = {
    dp: 1,
    // `serve: {tensor_parallel_size: N}` sets the layout as vLLM's flag does.
    tp: serveParallel(raw.serve, 'tensor_parallel_size') ?? 1,
    pp: serveParallel(raw.serve, 'pipeline_parallel_size') ?? 1,
    vpp: 1,
    ep: 1,
    etp: 1,
    cp: 1,
    sp: false,
    zero: 0,
    offload: 'none',
  }
  if (parallelRaw !== undefined && parallelRaw !== null) {
    if (!isRecord(parallelRaw)) {
      out.push(
        diagnostic('invalid-value', '`parallel` must be a mapping such as `{tp: 2, dp: 4}`', [
          'parallel',
        ]),
      )
    } else {
      out.push(...unknownKeys(parallelRaw, parallelKeys, ['parallel']))
      const base = ['parallel']
      parallelOut.dp = positiveInteger(parallelRaw, 'dp', 1, out, base)
      parallelOut.tp = positiveInteger(
        parallelRaw,
        'tp',
        serveParallel(raw.serve, 'tensor_parallel_size') ?? 1,
        out,
        base,
      )
      parallelOut.pp = positiveInteger(
        parallelRaw,
        'pp',
        serveParallel(raw.serve, 'pipeline_parallel_size') ?? 1,
        out,
        base,
        limits.pipeline,
      )
      parallelOut.vpp = positiveInteger(parallelRaw, 'vpp', 1, out, base, limits.virtualStages)
      parallelOut.ep = positiveInteger(parallelRaw, 'ep', 1, out, base)
      parallelOut.etp = positiveInteger(parallelRaw, 'etp', parallelOut.tp, out, base)
      parallelOut.cp = positiveInteger(parallelRaw, 'cp', 1, out, base)
      if (parallelRaw.sp !== undefined) {
        if (typeof parallelRaw.sp === 'boolean') parallelOut.sp = parallelRaw.sp
        else
          out.push(
            diagnostic('invalid-value', '`parallel.sp` must be true or false', ['parallel', 'sp']),
          )
      }
      const zero = parallelRaw.zero
      if (zero !== undefined) {
        if (zero === 0 || zero === 1 || zero === 2 || zero === 3) parallelOut.zero = zero
        else
          out.push(
            diagnostic(
              'invalid-value',
              '`parallel.zero` is a ZeRO stage: 0, 1, 2 or 3',
              ['parallel', 'zero'],
              {
                suggestion: 'ZeRO-2 is the usual choice for training',
              },
            ),
          )
      }
      parallelOut.offload = oneOf(parallelRaw, 'offload', offloads, 'none', out, base)
    }
  }

  // Batch and sequence.
  // Expert parallelism is carved out of the data-parallel ranks: it adds no replicas.
  const dataParallel = parallelOut.dp
  const gradAccum = positiveInteger(raw, 'grad_accum', 1, out, [], limits.batch)
  const givenMicro =
    raw.micro_batch === undefined
      ? undefined
      : positiveInteger(raw, 'micro_batch', 1, out, [], limits.batch)
  const givenBatch =
    raw.batch === undefined ? undefined : positiveInteger(raw, 'batch', 1, out, [], limits.batch)
  let batch = givenBatch ?? (givenMicro ?? 1) * gradAccum * dataParallel
  let microBatch = givenMicro ?? batch / (gradAccum * dataParallel)
  if (
    givenBatch !== undefined &&
    givenMicro !== undefined &&
    givenMicro * gradAccum * dataParallel !== givenBatch
  ) {
    out.push(
      diagnostic(
        'invalid-value',
        `\`batch\` (${givenBatch}) must equal micro_batch × grad_accum × data-parallel ranks (${givenMicro} × ${gradAccum} × ${dataParallel} = ${givenMicro * gradAccum * dataParallel})`,
        ['batch'],
        {suggestion: 'give `batch` or `micro_batch`, not both, unless they agree'},
      ),
    )
  } else if (givenBatch !== undefined && !Number.isInteger(microBatch)) {
    const step = gradAccum * dataParallel
    out.push(
      diagnostic(
        'invalid-value',
        `\`batch\` (${givenBatch}) must split evenly over grad_accum × data-parallel ranks (${step})`,
        ['batch'],
        {
          suggestion: `use a multiple of ${step}, e.g. ${Math.max(step, Math.round(givenBatch / step) * step)}`,
        },
      ),
    )
    microBatch = Math.max(1, Math.floor(microBatch))
    batch = microBatch * step
  }

  const context_ = model?.contextLength
  const seqDefault = context_ !== undefined ? Math.min(defaultSeq, context_) : defaultSeq
  const seq = positiveInteger(raw, 'seq', seqDefault, out, [], limits.seq)
  if (context_ !== undefined && seq > context_)
    out.push(
      diagnostic(
        'invalid-value',
        `\`seq\` (${seq}) exceeds the model's context of ${context_} tokens`,
        ['seq'],
        {
          severity: 'warning',
          suggestion: `use \`seq: ${context_}\` or less, unless the model runs with an extended context (RoPE scaling)`,
        },
      ),
    )

  // GPU, buffers, usable share.
  let gpu: Scenario['gpu']
  const gpuValue = raw.gpu ?? context.defaults?.gpu
  if (gpuValue !== undefined && gpuValue !== null) {
    const resolved = resolveGpu(gpuValue)
    gpu = resolved.gpu
    // A size past the plausible range (or one that overflows, or `.inf`) is not an unknown name.
    const outOfRange = gpu
      ? !(gpu.capacity >= limits.minGpuBytes && gpu.capacity <= limits.bytes)
      : (typeof gpuValue === 'number' && !Number.isFinite(gpuValue)) ||
        (typeof gpuValue === 'string' && isSizeText(gpuValue) && parseSize(gpuValue) === undefined)
    if (outOfRange) {
      out.push(
        diagnostic(
          'invalid-value',
          `\`gpu\` capacity \`${display(gpuValue)}\` is outside the plausible range of 1 MiB to 1 PB`,
          raw.gpu === undefined ? [] : ['gpu'],
          {suggestion: 'write the memory of one GPU, such as `80 GB` or `24 GiB`'},
        ),
      )
      gpu = undefined
    } else if (!resolved.gpu) {
      out.push(
        diagnostic('unknown-gpu', resolved.message, raw.gpu === undefined ? [] : ['gpu'], {
          suggestion: resolved.suggestion,
        }),
      )
    }
  }
  const hostMemory = hostMemoryValue(raw, out)
  let usable = gpu?.usable ?? defaultUsable
  if (raw.usable !== undefined)
    usable =
      shareValue(
        raw.usable,
        ['usable'],
        '`usable` must be a fraction of the GPU between 0 and 1',
        'for example `usable: 0.9` (vLLM’s default gpu_memory_utilization)',
        out,
      ) ?? usable
  let buffers = raw.serve === undefined || raw.serve === null ? 0 : defaultBuffers
  if (raw.buffers !== undefined) {
    const size = parseSize(raw.buffers)
    if (size !== undefined && size <= limits.bytes) buffers = size
    else if (isSizeText(raw.buffers))
      out.push(
        diagnostic(
          'invalid-value',
          `\`buffers\` (${display(raw.buffers)}) is past the plausible limit of 1 PB`,
          ['buffers'],
          {suggestion: 'the CUDA context and workspaces take about `2 GB`'},
        ),
      )
    else
      out.push(
        diagnostic('invalid-value', '`buffers` must be a size such as `2 GB` or `0`', ['buffers'], {
          suggestion: 'write a number with a unit: `1.5 GB`, `512 MiB`',
        }),
      )
  }

  // Combinations that cannot run.
  const p = parallelOut
  frameworkRules(framework, {mode, parallel: p, adapter: hasAdapter}, out)
  if (mode === 'inference' && p.zero > 0)
    out.push(
      diagnostic(
        'incompatible',
        'ZeRO shards training state; inference has none',
        ['parallel', 'zero'],
        {
          suggestion: 'remove `zero`, or set `mode: training`',
        },
      ),
    )
  if (p.offload === 'params' && p.zero !== 3)
    out.push(
      diagnostic('incompatible', 'Offloading parameters needs ZeRO-3', ['parallel', 'offload'], {
        suggestion: 'set `zero: 3`, or use `offload: optimizer`',
      }),
    )
  if (p.offload === 'optimizer' && p.zero === 0)
    out.push(
      diagnostic(
        'incompatible',
        'Optimizer offload is a ZeRO feature (stage 1–3)',
        ['parallel', 'offload'],
        {
          suggestion: 'set `zero: 2`',
        },
      ),
    )
  // With `framework:` the framework's own rule decides (engines/framework/rules.ts).
  if (mode === 'training' && p.zero >= 2 && p.pp > 1 && !framework)
    out.push(
      diagnostic(
        'incompatible',
        `DeepSpeed refuses ZeRO-${p.zero} with pipeline parallelism; counted as FSDP2 runs it with PP (TorchTitan): each stage's weights stay gathered and its gradients accumulate unsharded over the micro-batches, so only the optimizer states and master weights are sharded, as with ZeRO-1`,
        ['parallel', 'zero'],
        {
          severity: 'warning',
          suggestion: 'use `zero: 1` (what DeepSpeed and Megatron-LM run with pp > 1)',
        },
      ),
    )
  if (p.offload === 'params' && p.pp > 1)
    out.push(
      diagnostic(
        'incompatible',
        'Offloading parameters needs ZeRO-3 without pipeline parallelism: with pp > 1 each stage keeps its weights gathered',
        ['parallel', 'offload'],
        {suggestion: 'use `offload: optimizer`, or `pp: 1`'},
      ),
    )
  if (mode === 'training' && p.vpp > 1 && p.pp > 1 && gradAccum % p.pp !== 0)
    out.push(
      diagnostic(
        'incompatible',
        `Megatron's interleaved schedule runs micro-batches in groups of pp: grad_accum (${gradAccum}) must be a multiple of pp (${p.pp})`,
        raw.grad_accum === undefined ? ['parallel', 'vpp'] : ['grad_accum'],
        {suggestion: `use \`grad_accum: ${Math.max(p.pp, Math.ceil(gradAccum / p.pp) * p.pp)}\``},
      ),
    )
  if (mode === 'inference' && p.vpp > 1)
    out.push(
      diagnostic(
        'incompatible',
        'Interleaved pipelining (`vpp`) is a training schedule; inference engines run one chunk per stage',
        ['parallel', 'vpp'],
        {suggestion: 'remove `vpp`, or set `mode: training`'},
      ),
    )
  if (p.vpp > 1 && p.pp === 1)
    out.push(
      diagnostic('incompatible', 'Interleaved pipelining (`vpp`) needs `pp` > 1', [
        'parallel',
        'vpp',
      ]),
    )
  if (model) checkModelFit(model, p, seq, out)

  let serve: Scenario['serve']
  let engine: Scenario['engine']
  if (raw.serve !== undefined && raw.serve !== null && model && localEngine(raw.serve)) {
    // llama.cpp, Ollama and SGLang read their own names (engines/).
    engine = readEngine(raw.serve as Raw, {model, weights: weightType, gpu, mode}, out)
  } else if (raw.serve !== undefined && raw.serve !== null && model) {
    serve = readServe(raw.serve, {model, weights: weightType, gpu, mode}, out)
    for (const [key, axis] of Object.entries(serveParallelKeys) as Array<
      [keyof typeof serveParallelKeys, 'tp' | 'pp']
    >) {
      const given = serveParallel(raw.serve, key)
      if (given !== undefined && given !== p[axis])
        out.push(
          diagnostic(
            'incompatible',
            `\`serve.${key}\` (${given}) and \`parallel.${axis}\` (${p[axis]}) disagree`,
            ['parallel', axis],
            {suggestion: 'give the size once'},
          ),
        )
    }
    if (p.dp > 1 || p.cp > 1 || p.ep > 1 || p.vpp > 1)
      out.push(
        diagnostic(
          'incompatible',
          '`serve` models vLLM with tensor and pipeline parallelism only (data, context and expert parallelism are not modelled yet)',
          ['parallel'],
          {
            suggestion:
              'use `parallel: {tp: N, pp: M}` (vLLM’s --tensor-parallel-size, --pipeline-parallel-size)',
          },
        ),
      )
  }
  let adapter: Scenario['adapter']
  if (hasAdapter && mode === 'training') {
    let inventory: ParamInventory | undefined
    try {
      inventory = model ? paramInventory(model) : undefined
    } catch (error) {
      if (!(error instanceof VramInputError)) throw error
    }
    adapter = readAdapter(raw.adapter, model, inventory, precision, out)
    // One device, or plain data parallelism: each replica holds the whole base and adapter.
    const sharded: Array<[string, boolean]> = [
      ['tp', p.tp > 1],
      ['pp', p.pp > 1],
      ['ep', p.ep > 1],
      ['cp', p.cp > 1],
      // DeepSpeed and FSDP shard and offload adapter runs (engines/framework/adapter.ts).
      ['zero', p.zero > 0 && !shardsAdapters(framework)],
      ['offload', p.offload !== 'none' && !shardsAdapters(framework)],
    ]
    for (const [key, used] of sharded) {
      if (used && !(framework && ['tp', 'pp', 'ep', 'cp'].includes(key)))
        out.push(
          diagnostic(
            'incompatible',
            `\`parallel.${key}\` with an adapter is not modelled: adapter blocks cover one GPU, data-parallel replicas (\`dp\`), or DeepSpeed / FSDP sharding with \`framework\``,
            ['parallel', key],
            {
              suggestion:
                key === 'zero' || key === 'offload'
                  ? 'add `framework: deepspeed` or `framework: fsdp`'
                  : `remove \`${key}\``,
            },
          ),
        )
    }
  }

  const failed = out.filter((entry) => entry.severity === 'error').length > errorsBefore
  if (failed || !model) return undefined
  return {
    model,
    mode,
    dtype: weightType,
    kvDtype,
    precision,
    gradDtype,
    optimizer,
    batch,
    microBatch,
    gradAccum,
    seq,
    attention,
    recompute,
    parallel: parallelOut,
    gpu,
    usable,
    buffers,
    accounting,
    quantize,
    serve,
    ...(adapter ? {adapter} : {}),
    ...(framework ? {framework} : {}),
    ...(hostMemory === undefined ? {} : {hostMemory}),
    ...(engine ? {engine} : {}),
  }
}

/** `host_memory: 64 GiB`: the host RAM `fits` checks what stays on the CPU against. */
function hostMemoryValue(raw: Raw, out: Diagnostic[]): number | undefined {
  const value = raw.host_memory
  if (value === undefined || value === null) return undefined
  const size = parseSize(value)
  if (size !== undefined && size > 0 && size <= limits.bytes) return size
  out.push(
    diagnostic(
      'invalid-value',
      isSizeText(value) && size !== 0
        ? `\`host_memory\` (${display(value)}) is past the plausible limit of 1 PB`
        : '`host_memory` must be a size such as `64 GiB`',
      ['host_memory'],
      {suggestion: 'write the machine’s RAM with a unit: `64 GiB`, `128 GB`'},
    ),
  )
  return undefined
}

/** Greatest common divisor of two positive integers (1 for anything else). */
function gcd(a: number, b: number): number {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a <= 0 || b <= 0) return 1
  let [x, y] = [a, b]
  while (y !== 0) [x, y] = [y, x % y]
  return x
}

function checkModelFit(model: Architecture, p: Parallel, seq: number, out: Diagnostic[]): void {
  // The first few divisors, found without one array entry per candidate (heads may be huge).
  const divisors = (n: number) => {
    const found: number[] = []
    for (let d = 1; d <= n && d <= 1024 && found.length < 8; d++) if (n % d === 0) found.push(d)
    return found
  }
  if (model.heads !== undefined && p.tp > 1 && model.heads % p.tp !== 0)
    out.push(
      diagnostic(
        'incompatible',
        `Tensor parallelism splits attention heads: ${model.heads} heads do not split over tp=${p.tp}`,
        ['parallel', 'tp'],
        {suggestion: `use tp in ${divisors(model.heads).join(', ')}`},
      ),
    )
  const kv = model.mla ? undefined : model.kvHeads
  if (kv !== undefined && p.tp > 1 && kv % p.tp !== 0 && p.tp % kv !== 0)
    out.push(
      diagnostic(
        'incompatible',
        `${kv} KV heads neither split over nor replicate evenly to tp=${p.tp}`,
        ['parallel', 'tp'],
      ),
    )
  if (model.layers !== undefined && p.pp > model.layers)
    out.push(
      diagnostic(
        'incompatible',
        `\`pp\` (${p.pp}) exceeds the model's ${model.layers} layers`,
        ['parallel', 'pp'],
        {
          suggestion: `use pp ≤ ${model.layers}`,
        },
      ),
    )
  if (model.layers !== undefined && p.vpp > 1 && model.layers % (p.pp * p.vpp) !== 0)
    out.push(
      diagnostic(
        'incompatible',
        `Interleaving needs layers (${model.layers}) divisible by pp × vpp (${p.pp * p.vpp})`,
        ['parallel', 'vpp'],
      ),
    )
  if (p.ep > 1 && !model.moe)
    out.push(
      diagnostic(
        'incompatible',
        'Expert parallelism (`ep`) needs a mixture-of-experts model',
        ['parallel', 'ep'],
        {
          suggestion: 'remove `ep`, or pick an MoE model such as `mixtral-8x7b`',
        },
      ),
    )
  if (model.moe && model.moe.experts % p.ep !== 0)
    out.push(
      diagnostic(
        'incompatible',
        `${model.moe.experts} experts do not split over ep=${p.ep}`,
        ['parallel', 'ep'],
        {suggestion: `use ep in ${divisors(model.moe.experts).join(', ')}`},
      ),
    )
  const carvedFrom = p.dp * p.cp * p.tp
  if (model.moe && carvedFrom % (p.ep * p.etp) !== 0)
    out.push(
      diagnostic(
        'incompatible',
        `Expert parallelism is carved out of the data-, context- and tensor-parallel ranks: ep × etp (${p.ep} × ${p.etp}) must divide dp × cp × tp (${p.dp} × ${p.cp} × ${p.tp} = ${carvedFrom}); devices are dp × tp × pp × cp`,
        ['parallel', 'ep'],
        {
          suggestion: `set dp to a multiple of ${(p.ep * p.etp) / gcd(p.ep * p.etp, p.cp * p.tp)} (e.g. dp: ${(p.ep * p.etp) / gcd(p.ep * p.etp, p.cp * p.tp)}), or lower ep`,
        },
      ),
    )
  if (p.cp > 1 && seq % p.cp !== 0)
    out.push(
      diagnostic(
        'incompatible',
        `Context parallelism splits the sequence: seq ${seq} over cp=${p.cp}`,
        ['parallel', 'cp'],
        {
          suggestion: `use a sequence length divisible by ${p.cp}`,
        },
      ),
    )
}
