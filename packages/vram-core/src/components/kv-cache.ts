/**
 * KV cache (inference): K and V per token, layer and KV head (GQA/MQA from
 * the config), a sliding window's layers capped at the window, MLA's
 * compressed latent instead of per-head K and V.
 */

import {type HybridState, stateElementsPerLayer} from '../model/hybrid.js'
import {requireShape} from '../model/params.js'
import {type ComponentMemory, tex} from '../output/formula.js'
import {vllm} from '../output/sources.js'
import type {Scenario, Source} from '../types.js'
import type {Stage} from './layout.js'

/** vLLM's cache block size (K and V per layer, KV heads × head size); the shape from the model's config. */
export const kvCacheSource: Source = vllm

/**
 * KV cache of one device on `stage` (inference). Throws `VramInputError` when
 * the model has no shape.
 */
export function kvCacheMemory(scenario: Scenario, stage: Stage): ComponentMemory {
  const {model, parallel: p} = scenario
  if (model.hybrid) return hybridCacheMemory(scenario, model.hybrid)
  requireShape(model, ['layers', 'hidden', 'heads'], 'KV cache')
  const batch = Math.ceil(scenario.batch / p.dp)
  const seq = scenario.seq / p.cp
  const bkv = scenario.kvDtype.bits / 8
  if (model.mla) {
    // MLA caches the compressed latent plus the shared rope key, not per-head K and V;
    // every tensor-parallel rank keeps the whole latent.
    const width = model.mla.kvLoraRank + model.mla.qkRopeHeadDim
    const bytes = Math.ceil(batch * seq * stage.layers * width * bkv)
    return {
      bytes,
      formula: {
        symbolic: 'M_{kv} = B \\times N \\times L \\times (d_c + d_r) \\times b_{kv}',
        substituted: `${batch} \\times ${tex(seq)} \\times ${stage.layers} \\times (${model.mla.kvLoraRank} + ${model.mla.qkRopeHeadDim}) \\times ${tex(bkv)}`,
      },
    }
  }
  const a = model.heads as number
  const k = model.kvHeads ?? a
  const dh = model.headDim ?? (model.hidden as number) / a
  // KV heads split over tp; when tp exceeds them each rank keeps one replicated head.
  const kvPerRank = Math.max(1, k / p.tp)
  const full = stage.layers - stage.slidingLayers
  const window = model.slidingWindow?.window ?? seq
  const tokens = full * seq + stage.slidingLayers * Math.min(seq, window)
  const bytes = Math.ceil(2 * batch * tokens * kvPerRank * dh * bkv)
  // Past one head per rank the heads replicate, so the divisor stops at n_kv.
  const kvSymbol = p.tp > 1 ? (p.tp > k ? '1' : '\\frac{n_{kv}}{N_{tp}}') : 'n_{kv}'
  const kvValue = p.tp > 1 ? (p.tp > k ? '1' : `\\frac{${k}}{${p.tp}}`) : `${k}`
  if (stage.slidingLayers > 0) {
    return {
      bytes,
      formula: {
        symbolic: `M_{kv} = 2 \\times B \\times ${kvSymbol} \\times d_h \\times (L_{full} N + L_{swa} \\min(N, W)) \\times b_{kv}`,
        substituted: `2 \\times ${batch} \\times ${kvValue} \\times ${dh} \\times (${full} \\times ${tex(seq)} + ${stage.slidingLayers} \\times ${tex(Math.min(seq, window))}) \\times ${tex(bkv)}`,
      },
    }
  }
  return {
    bytes,
    formula: {
      symbolic: `M_{kv} = 2 \\times B \\times N \\times ${kvSymbol} \\times d_h \\times L \\times b_{kv}`,
      substituted: `2 \\times ${batch} \\times ${tex(seq)} \\times ${kvValue} \\times ${dh} \\times ${stage.layers} \\times ${tex(bkv)}`,
    },
  }
}

/**
 * A hybrid's cache: K and V of its attention layers for every token, plus the
 * fixed state each recurrent layer keeps per sequence (vLLM's
 * `MambaStateShapeCalculator`: conv state and SSM / delta-rule state, in the
 * KV dtype here as vLLM's `mamba_cache_dtype: auto` keeps them in the model's).
 * Under pipeline parallelism each stage holds an even share of both kinds of
 * layer (rounded up: the most loaded stage).
 */
function hybridCacheMemory(scenario: Scenario, hybrid: HybridState): ComponentMemory {
  const {parallel: p} = scenario
  const batch = Math.ceil(scenario.batch / p.dp)
  const seq = scenario.seq / p.cp
  const bkv = scenario.kvDtype.bits / 8
  // The layout of a hybrid is not derived layer by layer: pipeline stages take an even share (rounded up).
  const attention = Math.ceil(hybrid.attentionLayers / p.pp)
  const recurrent = Math.ceil(hybrid.recurrentLayers / p.pp)
  const kvPerRank = Math.max(1, hybrid.kvHeads / p.tp)
  const {conv, ssm} = stateElementsPerLayer(hybrid, p.tp)
  const kv = 2 * batch * seq * attention * kvPerRank * hybrid.headDim * bkv
  const state = batch * recurrent * (conv + ssm) * bkv
  const kvValue = p.tp > 1 ? `\\frac{${hybrid.kvHeads}}{${p.tp}}` : `${hybrid.kvHeads}`
  return {
    bytes: Math.ceil(kv + state),
    formula: {
      symbolic:
        'M_{kv} = 2 \\times B \\times N \\times L_{attn} \\times n_{kv} \\times d_h \\times b_{kv} + B \\times L_{rec} \\times (S_{conv} + S_{ssm}) \\times b_{kv}',
      substituted: `2 \\times ${batch} \\times ${tex(seq)} \\times ${attention} \\times ${kvValue} \\times ${hybrid.headDim} \\times ${tex(bkv)} + ${batch} \\times ${recurrent} \\times (${tex(conv)} + ${tex(ssm)}) \\times ${tex(bkv)}`,
    },
  }
}
