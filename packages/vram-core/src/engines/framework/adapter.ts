/**
 * Adapter training sharded by DeepSpeed ZeRO or FSDP: the rows of
 * `adapter/memory.ts` divided the way each framework divides them.
 *
 * - The frozen base: ZeRO-3 / FULL_SHARD partitions it like any parameter
 *   (a bitsandbytes base with `bnb_4bit_quant_storage` in the 16-bit dtype, as
 *   PEFT's FSDP+QLoRA and DeepSpeed ZeRO-3+QLoRA guides require, so its packed
 *   bytes flatten and shard with the rest); what is gathered on top follows
 *   `gather.ts` (FSDP: the root unit and two decoder layers; DeepSpeed: the
 *   largest module and the prefetch bucket). SHARD_GRAD_OP keeps the whole base
 *   gathered from forward to backward on top of its shard; ZeRO-1/2 leave it
 *   replicated. With `offload: params` the shard lives in host memory.
 * - The adapter's weights shard at stage 3, its gradients from stage 2, its
 *   optimizer states from stage 1; offload moves gradients and optimizer
 *   states (and with `params`, the weights) to the host.
 * - PEFT's FSDP wrap policy (`fsdp_auto_wrap_policy`) wraps the trainable
 *   LoRA layers in their own units, so no gradient is allocated for frozen
 *   weights (FSDP1 allocates gradients per flat parameter).
 */

import {denseReplicas} from '../../components/layout.js'
import type {ParamGroup, ParamInventory} from '../../model/architecture.js'
import {bytesOf} from '../../model/dtypes.js'
import {tex} from '../../output/formula.js'
import type {Adapter, Formula, Scenario} from '../../types.js'
import type {AdapterRows} from '../adapter/memory.js'
import {bnbFormat, frozenGroupBytes} from '../adapter/memory.js'
import type {LinearModule} from '../adapter/modules.js'
import {deepspeedConfigSource, deepspeedDefaults, fsdpSource} from './conventions.js'

/** Storage bytes of one instance of a frozen group (bitsandbytes for quantized linear layers). */
function groupBytes(
  scenario: Scenario,
  adapter: Adapter,
  group: ParamGroup,
  linear: ReadonlySet<string>,
): number {
  const format = bnbFormat(scenario.dtype.name)
  if (!format) return bytesOf(group.elements, scenario.dtype)
  return frozenGroupBytes(scenario, adapter, format, group, linear).bytes
}

/** Bytes of the largest decoder layer, of the root unit, and of the largest single tensor. */
export function frozenUnits(
  scenario: Scenario,
  adapter: Adapter,
  inventory: ParamInventory,
  modules: readonly LinearModule[],
): {layer: number; root: number; largest: number} {
  const linear = new Set(modules.flatMap((module) => module.groups))
  const perKind = {dense: 0, moe: 0}
  let root = 0
  let largest = 0
  for (const group of inventory.groups) {
    const bytes = groupBytes(scenario, adapter, group, linear)
    largest = Math.max(largest, bytes)
    if (group.placement !== 'layer') {
      root += bytes * group.count
      continue
    }
    for (const kind of ['dense', 'moe'] as const) {
      if (group.layerKind === undefined || group.layerKind === 'all' || group.layerKind === kind)
        perKind[kind] += bytes * group.count
    }
  }
  const layer = Math.max(
    inventory.denseLayers > 0 ? perKind.dense : 0,
    inventory.moeLayers > 0 ? perKind.moe : 0,
  )
  return {layer, root, largest}
}

/** `M = X` as `M = X / N_dp`, with the row's bytes divided. */
function dividedFormula(formula: Formula, bytes: number, n: number): Formula {
  const [lhs = 'M', ...rest] = formula.symbolic.split('=')
  const rhs = rest.join('=').trim()
  return {
    symbolic: `${lhs.trim()} = \\frac{${rhs || lhs.trim()}}{N_{dp}}`,
    substituted: `\\frac{${tex(bytes)}}{${tex(n)}}`,
  }
}

/** The adapter rows of `adapter/memory.ts`, sharded as `scenario.framework` shards them. */
export function shardAdapterComponents(
  scenario: Scenario,
  inventory: ParamInventory,
  modules: readonly LinearModule[],
  components: AdapterRows,
): AdapterRows {
  const framework = scenario.framework
  if (framework !== 'deepspeed' && framework !== 'fsdp') return components
  const adapter = scenario.adapter as Adapter
  const n = denseReplicas(scenario)
  const {zero, offload} = scenario.parallel
  const source = framework === 'fsdp' ? fsdpSource : deepspeedConfigSource
  const out = {...components}
  const divide = (bytes: number) => Math.ceil(bytes / n)

  // The frozen base.
  const base = components.weights.bytes
  if (zero === 3 || (framework === 'fsdp' && zero === 2)) {
    const units = frozenUnits(scenario, adapter, inventory, modules)
    const shard = divide(base)
    let gathered: number
    let what: string
    if (zero === 2) {
      gathered = base
      what = 'SHARD_GRAD_OP keeps every unit gathered from its forward to its backward'
    } else if (framework === 'fsdp') {
      gathered = Math.min(base, units.root + 2 * units.layer)
      what = `FULL_SHARD keeps the root unit (${units.root} bytes: embeddings, head, final norm) and two decoder layers (${units.layer} bytes each, the one in use and the prefetched next) gathered`
    } else {
      const prefetch = deepspeedDefaults.prefetchBucketSize * 2
      gathered = Math.min(base, units.largest + prefetch)
      what = `ZeRO-3 gathers the largest module (${units.largest} bytes) and prefetches stage3_prefetch_bucket_size (${deepspeedDefaults.prefetchBucketSize} 16-bit elements)`
    }
    const offloaded = offload === 'params' ? shard : 0
    out.weights = {
      ...components.weights,
      bytes: shard - offloaded + gathered,
      ...(offloaded > 0 ? {offloaded} : {}),
      formula: {
        symbolic: `M_{base} = \\frac{M_{frozen}}{N_{dp}}${offloaded > 0 ? '\\ (\\text{offloaded})' : ''} + G`,
        substituted: `\\frac{${tex(base)}}{${tex(n)}} + ${tex(gathered)}`,
      },
      note: `${components.weights.note ?? ''}; sharded over ${n} ranks${offloaded > 0 ? ' and kept in host memory' : ''}; ${what}`,
      source,
    }
  }
  const shardRow = (
    key: 'adapter' | 'gradients' | 'optimizer',
    sharded: boolean,
    toHost: boolean,
    why: string,
  ) => {
    const row = components[key]
    const bytes = sharded ? divide(row.bytes) : row.bytes
    out[key] = {
      ...row,
      bytes: toHost ? 0 : bytes,
      ...(toHost ? {offloaded: bytes} : {}),
      formula: sharded ? dividedFormula(row.formula, row.bytes, n) : row.formula,
      note: `${row.note ?? ''}${sharded ? `; 1/${n} per rank (${why})` : ''}${toHost ? '; in host memory (offload)' : ''}`,
    }
  }
  shardRow('adapter', zero === 3, offload === 'params', 'stage 3 partitions parameters')
  shardRow('gradients', zero >= 2, offload !== 'none', 'stage 2 partitions gradients')
  shardRow('optimizer', zero >= 1, offload !== 'none', 'stage 1 partitions optimizer states')
  return out
}
