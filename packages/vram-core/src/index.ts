export {componentsFor, compute, deviceCount, sources, tex} from './components/compute.js'
export {adapterKeys, adapterMethod, adapterTypes} from './engines/adapter/read.js'
export {serveEngines, vllmKeys} from './engines/serving/settings.js'
export {
  defaultUsable,
  findGpuPreset,
  type GpuPreset,
  type GpuResolution,
  gpuPresets,
  resolveGpu,
} from './input/gpus.js'
export {
  blockSchema,
  type JsonSchema,
  type KeyDeclaration,
  type KeyGroup,
  keyDeclarations,
  keyTable,
  type ServeKey,
  serveKeys,
} from './input/keys.js'
export {formatLimit, limits, limitTable} from './input/limits.js'
export {isRecord} from './input/record.js'
export {
  expectNames,
  metricNames,
  type ResultKind,
  type ResultName,
  type ResultNameKey,
  type ResultValue,
  readResult,
  resultNameOf,
  resultNames,
} from './input/result-names.js'
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
  showKinds,
  solveTargets,
} from './input/scenario.js'
export {GB, GiB, parseSize, unitBytes} from './input/units.js'
export {type BlockSource, parseBlockSource} from './input/yaml-source.js'
export type * from './model/architecture.js'
export {bnbFootprint, bnbStorage} from './model/bitsandbytes.js'
export type {CheckpointQuantization} from './model/checkpoint.js'
export {parseCount} from './model/count.js'
export {dtypeBits, dtypeNames, parseDtype} from './model/dtypes.js'
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
export {advise} from './output/advice.js'
export {toContractJson} from './output/contract.js'
export type {Diagnostic, Point, RuleId, Span, YamlPath} from './output/diagnostics.js'
export {closest, VramInputError} from './output/diagnostics.js'
export {defaultShow, describe, evaluateBlock, expectKeys, valueLabel} from './output/evaluate.js'
export {
  defaultMeasuredTolerance,
  measurableKeys,
  measuredHowLabels,
  measuredHows,
} from './output/measured.js'
export {
  type FitVerdict,
  fitVerdict,
  formatPercent,
  shareFormat,
  shareFormatName,
  shareFormats,
} from './output/presentation.js'
export {type ReferenceValue, referencePaths, resolveReference} from './output/reference.js'
export {solve} from './output/solve.js'
export {article, type CitationStyle, citation, modelSource} from './output/sources.js'
export type * from './types.js'

/**
 * Changes whenever a computed figure may change (engine formulas or preset
 * data). Hosts that cache rendered markdown by configuration (Astro's content
 * layer) should include it in the plugin options so they rebuild.
 */
export const engineVersion = '0.1.0+data.2026-11-30'
