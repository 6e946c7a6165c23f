/**
 * The block's `model` key → `Architecture`.
 *
 * Forms:
 * - a string: a preset (short id, alias or HF repo id, case-insensitive), or a
 *   count such as `7B` (same as `{params: 7B}`);
 * - a number: a parameter count (`model: 7e9`);
 * - a mapping of the article's symbols (`layers`, `hidden`, `ffn`, `heads`,
 *   `kv_heads`, ...) and/or Hugging Face config.json field names
 *   (`num_hidden_layers`, `hidden_size`, ...). Any HF field name makes the
 *   mapping an HF config overlay (read with the `model_type`'s rules, generic
 *   Llama-style without one); symbols are then laid over it and win over HF
 *   names for the same thing. `extends: <preset>` starts from a preset's
 *   config.json, `config: ./config.json` from a local file (through
 *   `options.readConfig`); the other keys override it.
 *
 * A mapping without `params` must give the whole shape (the parameter count
 * needs it); with `params` any shape field is optional and the ones given are
 * kept for the components that need them (KV cache, activations).
 *
 * Symbol defaults (GPT-3 style, as in the article): `mlp: gated`, `norm: rms`,
 * `dropout: 0`, `bias: false`, `tied_embeddings: false`, `kv_heads` = `heads`,
 * `head_dim` = `hidden / heads`, `ffn` = 4 × `hidden` for `mlp: plain`,
 * `expert_ffn` = `ffn`, `shared_expert_ffn` = `expert_ffn`, `dense_layers: 0`,
 * `sliding_layers` = all layers.
 */

import {hasOwn, limits, own, wholeNumberProblem} from '../input/limits.js'
import {
  closest,
  type Diagnostic,
  diagnostic,
  display,
  type YamlPath,
} from '../output/diagnostics.js'
import type {Architecture} from './architecture.js'
import {formatCount, parseCount} from './count.js'
import {
  type GgufSummary,
  ggufConfig,
  ggufTensorBytes,
  isGgufSummary,
  withGgufKey,
} from './gguf-file.js'
import {
  buildArchitecture,
  type FieldNaming,
  hfConfigFields,
  type ModelSpec,
  type SpecSource,
  specFromHfConfig,
} from './hf-config.js'
import {paramInventory} from './params.js'
import {
  findPinned,
  isPinId,
  type PinnedModel,
  type PinnedModels,
  pinFileName,
  pullCommand,
} from './pins.js'
import {findModelPreset, type ModelPreset, modelSuggestion, uncountableModel} from './presets.js'

export interface ModelInputOptions {
  /**
   * Read a local HF config.json given as `config: ./path/config.json` (relative
   * to the markdown file). Only the Node entry point can provide it.
   */
  readConfig?: ((relativePath: string) => unknown) | undefined
  /**
   * Hub models pinned by `vram models pull` (the host reads `vram.models.json`):
   * `model: org/name` resolves to its pinned config like a catalogue preset.
   */
  pinned?: PinnedModels | undefined
  /** Why the pin file (or entries of it) could not be read, for the unknown-model message. */
  pinnedProblems?: readonly string[] | undefined
}

export interface ModelInputResult {
  architecture?: Architecture
  diagnostics: Diagnostic[]
}

type Parsed =
  | {ok: true; apply: (spec: ModelSpec) => void}
  | {ok: false; message: string; suggestion: string}

type SymbolParser = (value: unknown, key: string) => Parsed

const show = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : display(value))

/** A parser for an integer in [`min`, `max`] stored into spec field `field`. */
function integer(
  field: keyof ModelSpec,
  example: number,
  min = 1,
  max: number = limits.hidden,
): SymbolParser {
  return (value, key) => {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) {
      return {ok: true, apply: (spec) => Object.assign(spec, {[field]: value})}
    }
    if (typeof value === 'number' && (!Number.isFinite(value) || value > max)) {
      const problem = wholeNumberProblem(value, key, min, max) as {
        message: string
        suggestion: string
      }
      return {ok: false, message: problem.message, suggestion: problem.suggestion}
    }
    const asNumber = typeof value === 'string' ? Number(value.trim()) : value
    let suggestion = `e.g. \`${key}: ${example}\``
    if (typeof value === 'string' && Number.isInteger(asNumber) && (asNumber as number) >= min) {
      suggestion = `write it as a number: \`${key}: ${asNumber}\``
    } else if (typeof value === 'number' && Number.isFinite(value) && value >= min) {
      suggestion = `use a whole number, e.g. \`${key}: ${Math.round(value)}\``
    }
    const what = min === 0 ? 'an integer ≥ 0' : 'a positive integer'
    const got = typeof value === 'string' ? `the string ${show(value)}` : show(value)
    return {ok: false, message: `\`${key}\` must be ${what}, got ${got}`, suggestion}
  }
}

function boolean(field: keyof ModelSpec): SymbolParser {
  return (value, key) =>
    typeof value === 'boolean'
      ? {ok: true, apply: (spec) => Object.assign(spec, {[field]: value})}
      : {
          ok: false,
          message: `\`${key}\` must be true or false, got ${show(value)}`,
          suggestion: `write \`${key}: true\` or \`${key}: false\``,
        }
}

function choice<T extends string>(
  field: keyof ModelSpec,
  choices: Record<string, T>,
  canonical: readonly T[],
): SymbolParser {
  return (value, key) => {
    const normalised =
      typeof value === 'string' ? own(choices, value.trim().toLowerCase()) : undefined
    if (normalised !== undefined) {
      return {ok: true, apply: (spec) => Object.assign(spec, {[field]: normalised})}
    }
    return {
      ok: false,
      message: `\`${key}\` must be ${canonical.map((c) => `\`${c}\``).join(' or ')}, got ${show(value)}`,
      suggestion: canonical.map((c) => `\`${key}: ${c}\``).join(' or '),
    }
  }
}

/** `false`, `null`, 0, `none` (and for positions `rope`/`alibi`) switch a feature off. */
const isOff = (value: unknown): boolean =>
  value === false ||
  value === null ||
  value === 0 ||
  (typeof value === 'string' && ['none', 'off', 'rope', 'alibi'].includes(value.toLowerCase()))

function tooManyParams(value: unknown, key: string): Parsed & {ok: false} {
  return {
    ok: false,
    message: `\`${key}\` (${show(value)}) is past the plausible limit of 10^15 parameters`,
    suggestion: 'e.g. `params: 7B` or `params: 1.8T`',
  }
}

/** A positive parameter count (`7B`, `350M`, `7e9`) for `field`, at most `limits.params`. */
function parameterCount(field: 'givenParams' | 'largestLayer', example: string): SymbolParser {
  return (value, key) => {
    const count = parseCount(value)
    if (count !== undefined && count > 0 && count <= limits.params) {
      return {ok: true, apply: (spec) => Object.assign(spec, {[field]: count})}
    }
    if (count !== undefined && count > limits.params) return tooManyParams(value, key)
    return {
      ok: false,
      message: `\`${key}\` must be a parameter count, got ${show(value)}`,
      suggestion: example,
    }
  }
}

const symbolParsers: Record<string, SymbolParser> = {
  params: parameterCount(
    'givenParams',
    'e.g. `params: 7B`, `params: 6.74B`, `params: 350M` or `params: 7e9`',
  ),
  largest_layer: parameterCount(
    'largestLayer',
    "e.g. `largest_layer: 0.5B` (DeepSpeed's `largest_layer_params`)",
  ),
  layers: integer('layers', 32, 1, limits.layers),
  hidden: integer('hidden', 4096),
  ffn: integer('ffn', 11008, 1, limits.ffn),
  heads: integer('heads', 32, 1, limits.heads),
  kv_heads: integer('kvHeads', 8, 1, limits.heads),
  head_dim: integer('headDim', 128, 1, limits.headDim),
  vocab: integer('vocab', 32000, 1, limits.vocab),
  mlp: choice(
    'mlp',
    {gated: 'gated', swiglu: 'gated', geglu: 'gated', glu: 'gated', plain: 'plain', gelu: 'plain'},
    ['gated', 'plain'],
  ),
  norm: choice('norm', {rms: 'rms', rmsnorm: 'rms', layer: 'layer', layernorm: 'layer'}, [
    'rms',
    'layer',
  ]),
  bias: boolean('bias'),
  qkv_bias: boolean('qkvBias'),
  qk_norm: boolean('qkNorm'),
  tied_embeddings: boolean('tiedEmbeddings'),
  dropout: (value, key) =>
    typeof value === 'number' && value >= 0 && value < 1
      ? {ok: true, apply: (spec) => Object.assign(spec, {dropout: value})}
      : {
          ok: false,
          message: `\`${key}\` must be a probability in [0, 1), got ${show(value)}`,
          suggestion: 'e.g. `dropout: 0.1` (or `0` for none)',
        },
  experts: integer('experts', 8, 0, limits.experts),
  experts_per_token: integer('expertsPerToken', 2, 1, limits.experts),
  expert_ffn: integer('expertFfn', 14336, 1, limits.ffn),
  shared_experts: integer('sharedExperts', 1, 0, limits.experts),
  shared_expert_ffn: integer('sharedExpertFfn', 2048, 1, limits.ffn),
  dense_layers: integer('denseLayers', 3, 0, limits.layers),
  kv_lora_rank: integer('kvLoraRank', 512, 1, limits.headDim),
  q_lora_rank: (value, key) =>
    value === null
      ? {ok: true, apply: (spec) => Object.assign(spec, {qLoraRank: null})}
      : integer('qLoraRank', 1536, 1, limits.headDim)(value, key),
  qk_rope_head_dim: integer('qkRopeHeadDim', 64, 1, limits.headDim),
  qk_nope_head_dim: integer('qkNopeHeadDim', 128, 1, limits.headDim),
  v_head_dim: integer('vHeadDim', 128, 1, limits.headDim),
  sliding_window: (value, key) =>
    isOff(value)
      ? {ok: true, apply: (spec) => Object.assign(spec, {slidingWindow: null})}
      : integer('slidingWindow', 4096, 1, limits.positions)(value, key),
  sliding_layers: integer('slidingLayers', 16, 0, limits.layers),
  mtp: (value, key) => {
    if (typeof value === 'boolean') {
      return {
        ok: true,
        apply: (spec) => {
          spec.includeMtp = value
          if (value) spec.mtpLayers = Math.max(spec.mtpLayers ?? 0, 1)
        },
      }
    }
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= limits.mtp) {
      return {
        ok: true,
        apply: (spec) => {
          spec.mtpLayers = value
          spec.includeMtp = value > 0
        },
      }
    }
    return {
      ok: false,
      message: `\`${key}\` must be true, false or a number of MTP modules, got ${show(value)}`,
      suggestion: '`mtp: true` counts the multi-token-prediction modules',
    }
  },
  context: integer('context', 4096, 1, limits.positions),
  positions: (value, key) =>
    isOff(value)
      ? {ok: true, apply: (spec) => Object.assign(spec, {positions: undefined})}
      : integer('positions', 2048, 1, limits.positions)(value, key),
  vision: boolean('includeVision'),
  name: (value, key) =>
    typeof value === 'string' && value.trim() !== ''
      ? {ok: true, apply: () => {}}
      : {
          ok: false,
          message: `\`${key}\` must be a non-empty string`,
          suggestion: 'e.g. `name: My 7B`',
        },
}

/** The article symbols a `model` mapping accepts. */
export const modelSymbols: readonly string[] = Object.keys(symbolParsers)

const specialKeys = ['extends', 'config']
const hfKeys = new Set(hfConfigFields)

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Long names are cut in messages: a 10 MB value is not echoed back. */
const shownName = (name: string): string => (name.length > 80 ? `${name.slice(0, 80)}…` : name)

/** The Hub id a writer typed (`org/name`, a huggingface.co URL, `org/name/file.gguf`, `@REV`). */
function hubIdOf(name: string): string | undefined {
  const trimmed = name
    .trim()
    .replace(/^https?:\/\/(?:huggingface\.co|hf\.co)\//, '')
    .replace(/\/$/, '')
  const at = trimmed.lastIndexOf('@')
  const id = at > 0 ? trimmed.slice(0, at) : trimmed
  return isPinId(id) ? trimmed : undefined
}

function unknownModel(name: string, path: YamlPath, options: ModelInputOptions = {}): Diagnostic {
  const hubId = hubIdOf(name)
  if (hubId !== undefined && uncountableModel(name) === undefined) {
    // A Hub id: the fix is to pin it once, then every build reads the pin.
    const where = options.readConfig
      ? `the catalogue, \`${pinFileName}\` or the local Hugging Face cache`
      : `the catalogue or \`${pinFileName}\``
    // A near catalogue name (a typo of a preset) is still offered first.
    const nearest = modelSuggestion(name)
    const close = nearest.startsWith('did you mean') ? nearest : undefined
    const problems = options.pinnedProblems?.length
      ? ` (\`${pinFileName}\`: ${options.pinnedProblems.slice(0, 2).join('; ')})`
      : ''
    return diagnostic(
      'unknown-model',
      `unknown model \`${shownName(name)}\`: it is not in ${where}${problems}`,
      path,
      {
        suggestion: `${close ? `${close}; otherwise ` : ''}run \`${pullCommand(hubId)}\` in the documentation folder: it pins the model's config.json and commit in \`${pinFileName}\`, which builds then read offline`,
      },
    )
  }
  const uncountable = uncountableModel(name)
  if (uncountable !== undefined) {
    return diagnostic(
      'unsupported-model',
      `this engine cannot count \`${name}\`: ${uncountable}, and it computes transformer stacks only (attention + MLP layers)`,
      path,
      {
        suggestion:
          'give the parameter count for a weights-only estimate, e.g. `model: {params: 80B}`',
      },
    )
  }
  return diagnostic('unknown-model', `unknown model \`${shownName(name)}\``, path, {
    suggestion: modelSuggestion(name),
  })
}

function paramsProblem(value: unknown, path: YamlPath): Diagnostic {
  const {message, suggestion} = tooManyParams(value, 'model')
  return diagnostic('invalid-value', message, path, {suggestion})
}

/** Hub ids a writer types: `org/name`, optionally as a huggingface.co URL. */
const HUB_ID =
  /^(?:https?:\/\/(?:huggingface\.co|hf\.co)\/)?([A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*)\/?$/

/**
 * A Hub id that is no preset: its config.json from the local Hugging Face
 * cache, when the host can read it (Node's `readConfig` answers `hf:<id>`).
 * `undefined` when there is no such cached model (then it is an unknown model).
 */
function fromHfCache(
  value: string,
  path: YamlPath,
  options: ModelInputOptions,
): ModelInputResult | undefined {
  const id = HUB_ID.exec(value.trim())?.[1]
  if (id === undefined || !options.readConfig) return undefined
  let config: unknown
  try {
    config = options.readConfig(`hf:${id}`)
  } catch {
    return undefined
  }
  if (!isMapping(config)) return undefined
  const {source, diagnostics} = specFromHfConfig(config, () => path)
  return finish(source, diagnostics, {id, name: id, path, naming: 'hf'})
}

/** A Hub id pinned in `vram.models.json`, resolved like a preset; `undefined` when not pinned. */
function fromPinned(
  value: string,
  path: YamlPath,
  options: ModelInputOptions,
): ModelInputResult | undefined {
  const hubId = hubIdOf(value)
  if (hubId === undefined) return undefined
  const found = findPinned(options.pinned, hubId)
  if (found === undefined) return undefined
  if ('mismatch' in found) {
    const {mismatch: pin, revision} = found
    return {
      diagnostics: [
        diagnostic(
          'unknown-model',
          `\`${pin.id}\` is pinned at revision \`${pin.revision}\` (commit ${pin.commit.slice(0, 12)}), not \`${revision}\``,
          path,
          {
            suggestion: `write \`model: ${pin.id}\`, or pin that revision with \`${pullCommand(`${pin.id}@${revision}`)}\``,
          },
        ),
      ],
    }
  }
  return fromPin(found.pin, path)
}

/** A pinned model's architecture: its config.json, or its GGUF header with the file's tensor bytes. */
export function fromPin(pin: PinnedModel, path: YamlPath): ModelInputResult {
  if (pin.gguf !== undefined) {
    const bytes = ggufTensorBytes(pin.gguf)
    if ('unknownType' in bytes) {
      return {
        diagnostics: [
          diagnostic(
            'config-read',
            `\`${pin.id}\` holds a tensor of ggml type ${bytes.unknownType}, which this engine does not know`,
            path,
            {
              suggestion:
                "give the file's bits per weight as `dtype` (e.g. `4.8bpw`) with the repository's config.json",
            },
          ),
        ],
      }
    }
    const {source, diagnostics} = specFromHfConfig(ggufConfig(pin.gguf), () => path)
    const result = finish(source, diagnostics, {id: pin.id, name: pin.id, path, naming: 'hf'})
    if (result.architecture) {
      result.architecture = withGgufWeights(result.architecture, pin.gguf, bytes.bytes)
    }
    return result
  }
  const {source, diagnostics} = specFromHfConfig(pin.config ?? {}, () => path, {
    hubParams: pin.hubParams,
  })
  return finish(source, diagnostics, {id: pin.id, name: pin.id, path, naming: 'hf'})
}

function fromPreset(preset: ModelPreset, path: YamlPath): ModelInputResult {
  const {source, diagnostics} = specFromHfConfig(preset.config, () => path)
  return finish(source, diagnostics, {id: preset.id, name: preset.name, path, naming: 'hf'})
}

function fromParams(count: number, path: YamlPath): ModelInputResult {
  const source: SpecSource = {spec: {givenParams: count}, origins: {}, hfNames: {}, required: []}
  return finish(source, [], {
    id: `params:${formatCount(count)}`,
    name: formatCount(count),
    path,
    naming: 'symbols',
  })
}

function finish(
  source: SpecSource,
  diagnostics: Diagnostic[],
  context: {id: string; name: string; path: YamlPath; naming: FieldNaming},
): ModelInputResult {
  const built = buildArchitecture(source, context)
  const all = [...diagnostics, ...built.diagnostics]
  if (!built.architecture || all.some((d) => d.severity === 'error')) return {diagnostics: all}
  return {architecture: built.architecture, diagnostics: all}
}

/**
 * The architecture for a block's `model` value at `path` (e.g. `['model']` or
 * `['vary', 'model', 1]`). Never throws: problems come back as diagnostics and
 * then `architecture` is absent.
 */
export function architectureFromInput(
  value: unknown,
  path: YamlPath,
  options: ModelInputOptions = {},
): ModelInputResult {
  if (typeof value === 'string') {
    const preset = findModelPreset(value)
    if (preset) return fromPreset(preset, path)
    const count = parseCount(value)
    if (count !== undefined && count > 0 && count <= limits.params) return fromParams(count, path)
    if (count !== undefined && count > limits.params)
      return {diagnostics: [paramsProblem(value, path)]}
    const pinned = fromPinned(value, path, options)
    if (pinned) return pinned
    const cached = fromHfCache(value, path, options)
    if (cached) return cached
    return {diagnostics: [unknownModel(value, path, options)]}
  }
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > limits.params)
      return {diagnostics: [paramsProblem(value, path)]}
    if (Number.isFinite(value) && value >= 0.5) return fromParams(Math.round(value), path)
    return {
      diagnostics: [
        diagnostic(
          'invalid-value',
          `a parameter count must be positive, got ${show(value)}`,
          path,
          {
            suggestion: 'e.g. `model: {params: 7B}`',
          },
        ),
      ],
    }
  }
  if (isMapping(value)) return fromMapping(value, path, options)
  return {
    diagnostics: [
      diagnostic(
        'invalid-value',
        `\`model\` must be a preset name or a mapping, got ${show(value)}`,
        path,
        {
          suggestion:
            'e.g. `model: llama-2-7b`, `model: {params: 7B}` or `model: {extends: llama-2-7b, layers: 16}`',
        },
      ),
    ],
  }
}

function fromMapping(
  mapping: Record<string, unknown>,
  path: YamlPath,
  options: ModelInputOptions,
): ModelInputResult {
  const diagnostics: Diagnostic[] = []
  const symbols: Array<[string, unknown]> = []
  const hf: Record<string, unknown> = {}
  const candidates = [...modelSymbols, ...specialKeys, ...hfConfigFields]
  for (const [key, value] of Object.entries(mapping)) {
    if (hasOwn(symbolParsers, key)) symbols.push([key, value])
    else if (specialKeys.includes(key)) continue
    else if (hfKeys.has(key)) hf[key] = value
    else {
      const suggestion = closest(key, candidates)
      diagnostics.push(
        diagnostic('unknown-key', `unknown model key \`${key}\``, [...path, key], {
          onKey: true,
          suggestion: suggestion
            ? `did you mean \`${suggestion}\`?`
            : `model keys are the article's symbols (${modelSymbols.slice(0, 8).join(', ')}, ...), HF config.json fields, \`extends\` or \`config\``,
        }),
      )
    }
  }

  // --- Base: a preset or a local config.json -------------------------------------
  let base: Record<string, unknown> | undefined
  let basePath: YamlPath = path
  let preset: ModelPreset | undefined
  let configPath: string | undefined
  let gguf: {summary: GgufSummary; bytes: number} | undefined
  const extendsValue = mapping.extends
  const configValue = mapping.config
  if (extendsValue !== undefined && configValue !== undefined) {
    diagnostics.push(
      diagnostic(
        'incompatible',
        '`extends` and `config` cannot both be given',
        [...path, 'config'],
        {
          onKey: true,
          suggestion: 'start from either a preset (`extends`) or a local config.json (`config`)',
        },
      ),
    )
  } else if (extendsValue !== undefined) {
    basePath = [...path, 'extends']
    if (typeof extendsValue !== 'string') {
      diagnostics.push(
        diagnostic(
          'invalid-value',
          `\`extends\` must name a preset, got ${show(extendsValue)}`,
          basePath,
          {
            suggestion: 'e.g. `extends: llama-2-7b`',
          },
        ),
      )
    } else {
      preset = findModelPreset(extendsValue)
      const hubId = preset ? undefined : hubIdOf(extendsValue)
      const pinned = hubId === undefined ? undefined : findPinned(options.pinned, hubId)
      if (preset) base = {...preset.config}
      else if (pinned && 'pin' in pinned && pinned.pin.config) {
        base = {...pinned.pin.config}
        configPath = pinned.pin.id
      } else diagnostics.push(unknownModel(extendsValue, basePath, options))
    }
  } else if (configValue !== undefined) {
    basePath = [...path, 'config']
    const read = readLocalConfig(configValue, basePath, options)
    if ('diagnostic' in read) diagnostics.push(read.diagnostic)
    else if (isGgufSummary(read.config)) {
      // A .gguf file: its header's shape, and its tensor bytes as the weights.
      const bytes = ggufTensorBytes(read.config)
      if ('unknownType' in bytes) {
        diagnostics.push(
          diagnostic(
            'config-read',
            `\`${configValue as string}\` holds a tensor of ggml type ${bytes.unknownType}, which this engine does not know`,
            basePath,
            {
              suggestion:
                "give the file's bits per weight as `dtype` (e.g. `4.8bpw`) with a config.json",
            },
          ),
        )
      } else {
        gguf = {summary: read.config, bytes: bytes.bytes}
        base = {...ggufConfig(read.config)}
        configPath = configValue as string
      }
    } else {
      base = read.config
      configPath = configValue as string
    }
  }

  // --- Spec: HF fields (base + overlay), then symbols ----------------------------
  const hfBased = base !== undefined || Object.keys(hf).length > 0
  let source: SpecSource = {spec: {}, origins: {}, hfNames: {}, required: []}
  if (hfBased) {
    const merged = {...base, ...hf}
    const read = specFromHfConfig(merged, (field) => (field in hf ? [...path, field] : basePath))
    for (const entry of read.diagnostics)
      diagnostics.push(
        gguf && entry.path === basePath
          ? {...entry, message: withGgufKey(entry.message, gguf.summary)}
          : entry,
      )
    source = read.source
  }
  let name: string | undefined
  for (const [key, value] of symbols) {
    const parser = own(symbolParsers, key)
    if (!parser) continue
    const parsed = parser(value, key)
    if (!parsed.ok) {
      diagnostics.push(
        diagnostic('invalid-value', parsed.message, [...path, key], {
          suggestion: parsed.suggestion,
        }),
      )
      continue
    }
    parsed.apply(source.spec)
    if (key === 'name') name = (value as string).trim()
    const field = own(specFieldOfSymbol, key)
    if (field) source.origins[field] = {path: [...path, key], label: `\`${key}\``}
  }
  if (extendsValue !== undefined && base === undefined && configValue === undefined) {
    // The preset was unknown: the rest cannot be checked meaningfully.
    return {diagnostics}
  }

  // --- Identity --------------------------------------------------------------------
  // `vision: true` adds the encoder the checkpoint ships: the same model, not a modified one.
  const overrides =
    symbols.some(([key]) => key !== 'name' && key !== 'vision') || Object.keys(hf).length > 0
  let id: string
  let caption: string
  if (preset) {
    id = overrides ? `${preset.id}+custom` : preset.id
    caption = name ?? (overrides ? `${preset.name} (modified)` : preset.name)
  } else if (configPath !== undefined) {
    const nameOrPath = base?._name_or_path
    id = typeof nameOrPath === 'string' && nameOrPath !== '' ? nameOrPath : configPath
    caption = name ?? id
  } else if (
    source.spec.givenParams !== undefined &&
    symbols.every(([key]) => key === 'params' || key === 'name') &&
    !hfBased
  ) {
    id = `params:${formatCount(source.spec.givenParams)}`
    caption = name ?? formatCount(source.spec.givenParams)
  } else {
    id = name ?? 'custom'
    caption = name ?? 'custom model'
  }
  if (diagnostics.some((d) => d.severity === 'error')) return {diagnostics}
  const result = finish(source, diagnostics, {
    id,
    name: caption,
    path,
    naming: hfBased ? 'both' : 'symbols',
  })
  if (gguf && result.architecture && !overrides) {
    result.architecture = withGgufWeights(result.architecture, gguf.summary, gguf.bytes)
  }
  return result
}

/**
 * The file's tensor bytes as the weights: a checkpoint format whose bits per
 * weight make the engine's parameter count weigh exactly what the file stores.
 */
function withGgufWeights(
  architecture: Architecture,
  summary: GgufSummary,
  bytes: number,
): Architecture {
  const total = paramInventory(architecture).total
  const fileType = summary.metadata['general.file_type']
  const name =
    typeof summary.metadata['general.name'] === 'string'
      ? summary.metadata['general.name']
      : undefined
  return {
    ...architecture,
    ...(name ? {name} : {}),
    ggufTensors: summary.tensors,
    checkpoint: {
      method: 'gguf',
      dtype: {name: 'gguf', bits: (8 * bytes) / total},
      scope: 'all',
      label: `GGUF file${typeof fileType === 'number' ? ` (file type ${fileType})` : ''}: ${bytes} B of tensors`,
    },
  }
}

const specFieldOfSymbol: Partial<Record<string, keyof ModelSpec>> = {
  params: 'givenParams',
  largest_layer: 'largestLayer',
  layers: 'layers',
  hidden: 'hidden',
  ffn: 'ffn',
  heads: 'heads',
  kv_heads: 'kvHeads',
  head_dim: 'headDim',
  vocab: 'vocab',
  mlp: 'mlp',
  norm: 'norm',
  bias: 'bias',
  qkv_bias: 'qkvBias',
  qk_norm: 'qkNorm',
  tied_embeddings: 'tiedEmbeddings',
  dropout: 'dropout',
  experts: 'experts',
  experts_per_token: 'expertsPerToken',
  expert_ffn: 'expertFfn',
  shared_experts: 'sharedExperts',
  shared_expert_ffn: 'sharedExpertFfn',
  dense_layers: 'denseLayers',
  kv_lora_rank: 'kvLoraRank',
  q_lora_rank: 'qLoraRank',
  qk_rope_head_dim: 'qkRopeHeadDim',
  qk_nope_head_dim: 'qkNopeHeadDim',
  v_head_dim: 'vHeadDim',
  sliding_window: 'slidingWindow',
  sliding_layers: 'slidingLayers',
  mtp: 'includeMtp',
  vision: 'includeVision',
  context: 'context',
  positions: 'positions',
}

function readLocalConfig(
  value: unknown,
  path: YamlPath,
  options: ModelInputOptions,
): {config: Record<string, unknown>} | {diagnostic: Diagnostic} {
  if (typeof value !== 'string' || value.trim() === '') {
    return {
      diagnostic: diagnostic(
        'invalid-value',
        `\`config\` must be a file path, got ${show(value)}`,
        path,
        {
          suggestion: 'e.g. `config: ./models/config.json`',
        },
      ),
    }
  }
  if (!options.readConfig) {
    return {
      diagnostic: diagnostic(
        'config-read',
        `cannot read \`${value}\`: local config.json files need the Node entry point (\`vram-core/node\`) and a file path`,
        path,
        {
          suggestion:
            'use a preset (`extends: llama-2-7b`) or write the config fields in the block',
        },
      ),
    }
  }
  let raw: unknown
  try {
    raw = options.readConfig(value)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return {
      diagnostic: diagnostic('config-read', `cannot read \`${value}\`: ${reason}`, path, {
        suggestion:
          reason === 'no such file'
            ? 'the path is relative to the markdown file'
            : 'point `config` at a Hugging Face config.json file',
      }),
    }
  }
  if (!isMapping(raw)) {
    return {
      diagnostic: diagnostic(
        'config-read',
        `\`${value}\` is not a JSON object (a config.json)`,
        path,
        {
          suggestion: 'point `config` at a Hugging Face config.json',
        },
      ),
    }
  }
  return {config: raw}
}
