export {adapterMethod} from './adapter/read.js'
export {advise} from './advice.js'
export type * from './architecture.js'
export {bnbFootprint, bnbStorage} from './bitsandbytes.js'
export {componentsFor, compute, deviceCount, sources, tex} from './compute.js'
export {toContractJson} from './contract.js'
export type {Diagnostic, Point, RuleId, Span, YamlPath} from './diagnostics.js'
export {closest, VramInputError} from './diagnostics.js'
export {dtypeBits, parseDtype} from './dtypes.js'
export {defaultShow, describe, evaluateBlock, expectKeys, valueLabel} from './evaluate.js'
export {
  defaultUsable,
  findGpuPreset,
  type GpuPreset,
  type GpuResolution,
  gpuPresets,
  resolveGpu,
} from './gpus.js'
export {formatLimit, limits, limitTable} from './limits.js'
export type {CheckpointQuantization} from './model/checkpoint.js'
export {parseCount} from './model/count.js'
export {
  type GgufFileType,
  ggmlTypes,
  ggufFileTypeNames,
  ggufWeights,
} from './model/gguf.js'
export {fromPin} from './model/input.js'
export {paramInventory} from './model/params.js'
export {
  findPinned,
  isPinId,
  type PinnedModel,
  type PinnedModels,
  pinFileName,
  pinFileVersion,
  pullCommand,
  readPinFile,
  splitPinId,
} from './model/pins.js'
export {findModelPreset, type ModelPreset, modelPresets, modelSuggestion} from './model/presets.js'
export {type ReferenceValue, referencePaths, resolveReference} from './reference.js'
export {
  accountings,
  attentions,
  blockKeys,
  defaultBuffers,
  defaultSeq,
  modes,
  optimizers,
  parallelKeys,
  precisions,
  quantizeScopes,
  type ReadContext,
  readScenario,
  recomputes,
} from './scenario.js'
export type * from './serving/types.js'
export {solve} from './solve.js'
export {article, type CitationStyle, citation, modelSource} from './sources.js'
export type * from './types.js'
export {GB, GiB, parseSize, unitBytes} from './units.js'
export {type BlockSource, parseBlockSource} from './yaml-source.js'

/**
 * Changes whenever a computed figure may change (engine formulas or preset
 * data). Hosts that cache rendered markdown by configuration (Astro's content
 * layer) should include it in the plugin options so they rebuild.
 */
export const engineVersion = '0.1.0+data.2026-11-30'
