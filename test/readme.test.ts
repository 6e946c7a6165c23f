import {readFileSync, writeFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {gpuPresets} from '../packages/vram-core/src/input/gpus.js'
import {architectureFromHfConfig} from '../packages/vram-core/src/model/hf-config.js'
import {paramInventory} from '../packages/vram-core/src/model/params.js'
import {modelPresets} from '../packages/vram-core/src/model/presets.js'

// The README's preset tables are generated from the presets; this test keeps them true.
// Regenerate with `UPDATE=1 pnpm vitest run test/readme.test.ts`.

const readmeUrl = new URL('../README.md', import.meta.url)
const group = (n: number) => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')

function modelsTable(): string {
  const rows = modelPresets.map((preset) => {
    const {architecture} = architectureFromHfConfig(
      preset.config as Record<string, unknown>,
      preset.id,
      preset.name,
    )
    if (!architecture) throw new Error(`preset ${preset.id} does not build`)
    const inventory = paramInventory(architecture)
    const active = inventory.active === inventory.total ? '' : group(inventory.active)
    const kv = architecture.mla
      ? `MLA ${architecture.mla.kvLoraRank}+${architecture.mla.qkRopeHeadDim}`
      : String(architecture.kvHeads)
    const heads = architecture.hybrid
      ? `hybrid: ${architecture.hybrid.label}`
      : `${architecture.heads} / ${kv}`
    const stored = [
      architecture.checkpoint?.label,
      architecture.visionOmitted ? 'text only (vision encoder not counted)' : undefined,
    ]
      .filter(Boolean)
      .join('; ')
    return `| \`${preset.short}\` | \`${preset.id}\` | ${group(inventory.total)} | ${active} | ${architecture.layers} | ${architecture.hidden} | ${heads} | ${stored} |`
  })
  return [
    '| short id | HF repo id | parameters | active (MoE) | layers | hidden | heads / KV | checkpoint as shipped |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows,
  ].join('\n')
}

function gpusTable(): string {
  const rows = gpuPresets.map((gpu) => {
    const mib = gpu.capacity / 2 ** 20
    const cuda = gpu.cudaTotalBytes ? `${group(gpu.cudaTotalBytes)} B (${gpu.cudaTotalSource})` : ''
    const usable = gpu.usable ? `${Number((gpu.usable * 100).toFixed(1))} % (wired)` : ''
    return `| \`${gpu.id}\` | ${gpu.name} | ${gpu.marketing} | ${group(mib)} MiB = ${(gpu.capacity / 1e9).toFixed(2)} GB | ${cuda} | ${usable} | ${gpu.source} |`
  })
  return [
    '| id | name | label | reported capacity | CUDA total | default usable | source |',
    '| --- | --- | --- | ---: | ---: | ---: | --- |',
    ...rows,
  ].join('\n')
}

function region(text: string, name: string, body: string): string {
  const begin = `<!-- ${name}:begin -->`
  const end = `<!-- ${name}:end -->`
  const start = text.indexOf(begin)
  const stop = text.indexOf(end)
  if (start === -1 || stop === -1) throw new Error(`README lacks the ${name} markers`)
  return `${text.slice(0, start + begin.length)}\n\n${body}\n\n${text.slice(stop)}`
}

describe('README', () => {
  it('lists every model and GPU preset with its exact figures', () => {
    const current = readFileSync(readmeUrl, 'utf8')
    const expected = region(
      region(current, 'models-table', modelsTable()),
      'gpus-table',
      gpusTable(),
    )
    if (process.env.UPDATE && expected !== current) writeFileSync(readmeUrl, expected)
    else expect(current).toBe(expected)
  })
})
