/**
 * `vram models pull ID[@REV]… [--update] [--file PATH]`: pins Hub models in
 * `vram.models.json` (their config.json or GGUF header, commit and the Hub's
 * exact parameter count), so that builds read them offline.
 */
import * as fs from 'node:fs'
import {relative} from 'node:path'
import {parseArgs} from 'node:util'
import {
  fromPin,
  HubError,
  loadPinFile,
  type PinnedModel,
  type PullRequest,
  paramInventory,
  parsePullRequest,
  pinFileName,
  pinFileTarget,
  pinFileText,
  pullModel,
} from 'vram-core/node'
import {WriteError, writeAtomic} from './files.js'
import {err, errorCode, exit, out, UsageError} from './io.js'
import {formatInteger} from './table.js'

export interface PullOptions {
  /** Working directory (where the pin file is looked for). */
  cwd?: string | undefined
  /** Environment (HF_ENDPOINT, HF_TOKEN); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined
}

/** The engine's exact count of a pin, or why there is none (unknown model type, hybrid...). */
function engineCount(pin: PinnedModel): {count: number} | {problem: string} {
  const read = fromPin(pin, ['model'])
  if (read.architecture) return {count: paramInventory(read.architecture).total}
  const first = read.diagnostics.find((entry) => entry.severity === 'error')
  return {problem: first ? `${first.message} [${first.ruleId}]` : 'it does not compute'}
}

const count = (value: number | undefined): string =>
  value === undefined ? '—' : formatInteger(value)

/** One line on what the pin holds and how the engine reads it. */
function describe(pin: PinnedModel): string[] {
  const engine = engineCount(pin)
  const lines = [
    `  commit ${pin.commit}${pin.revision === 'main' ? '' : ` (revision ${pin.revision})`}`,
  ]
  if ('count' in engine) lines.push(`  engine count ${count(engine.count)} parameters`)
  else lines.push(`  blocks naming it will report: ${engine.problem}`)
  if (pin.hubParams !== undefined) {
    const dtypes = pin.hubParamsByDtype
      ? ` (${Object.entries(pin.hubParamsByDtype)
          .map(([dtype, n]) => `${dtype} ${formatInteger(n)}`)
          .join(', ')})`
      : ''
    lines.push(`  Hub count    ${count(pin.hubParams)}${dtypes}`)
    if ('count' in engine && engine.count !== pin.hubParams) {
      const difference = pin.hubParams - engine.count
      lines.push(
        `  (${difference > 0 ? '+' : '−'}${formatInteger(Math.abs(difference))} on the Hub: it counts every stored tensor, including MTP layers, a vision encoder, quantization scales and packed weights, or a stored copy of a tied head, which the engine counts as loaded)`,
      )
    }
  }
  return lines
}

/** Top-level config fields whose values differ (for `--update`). */
function changedFields(before: PinnedModel, after: PinnedModel): string[] {
  const a = (before.config ?? before.gguf?.metadata ?? {}) as Record<string, unknown>
  const b = (after.config ?? after.gguf?.metadata ?? {}) as Record<string, unknown>
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()
  const shown = (value: unknown) => {
    const text = value === undefined ? '(absent)' : JSON.stringify(value)
    return text.length > 60 ? `${text.slice(0, 60)}…` : text
  }
  return keys
    .filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .map((key) => `\`${key}\` ${shown(a[key])} → ${shown(b[key])}`)
}

/** What moved between two pins of one id, as lines. */
function changes(before: PinnedModel, after: PinnedModel): string[] {
  if (before.commit === after.commit) return [`  unchanged at commit ${after.commit.slice(0, 12)}`]
  const lines = [`  commit ${before.commit.slice(0, 12)} → ${after.commit.slice(0, 12)}`]
  const old = engineCount(before)
  const now = engineCount(after)
  const oldCount = 'count' in old ? old.count : undefined
  const newCount = 'count' in now ? now.count : undefined
  if (oldCount !== newCount) {
    const delta =
      oldCount !== undefined && newCount !== undefined
        ? ` (${newCount >= oldCount ? '+' : '−'}${formatInteger(Math.abs(newCount - oldCount))})`
        : ''
    lines.push(`  engine count ${count(oldCount)} → ${count(newCount)}${delta}`)
  } else lines.push(`  engine count unchanged: ${count(newCount)}`)
  if (before.hubParams !== after.hubParams) {
    lines.push(`  Hub count    ${count(before.hubParams)} → ${count(after.hubParams)}`)
  }
  const fields = changedFields(before, after)
  if (fields.length > 0) {
    lines.push(`  config: ${fields.slice(0, 12).join('; ')}${fields.length > 12 ? '; …' : ''}`)
  }
  if ('problem' in now) lines.push(`  blocks naming it will report: ${now.problem}`)
  return lines
}

/** `vram models pull ...`. */
export async function pull(args: string[], options: PullOptions = {}): Promise<number> {
  const {values, positionals} = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      update: {type: 'boolean'},
      file: {type: 'string'},
      timeout: {type: 'string'},
      help: {type: 'boolean', short: 'h'},
    },
  })
  const cwd = options.cwd ?? process.cwd()
  const env = options.env ?? process.env
  const update = values.update === true
  const timeoutSeconds = values.timeout === undefined ? 30 : Number(values.timeout)
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 3600) {
    throw new UsageError(
      `--timeout takes seconds (0 < s ≤ 3600), got \`${values.timeout}\``,
      'e.g. `--timeout 60`',
    )
  }
  const requests: Array<PullRequest & {explicit?: boolean}> = []
  for (const arg of positionals) {
    const request = parsePullRequest(arg)
    if (!request) {
      throw new UsageError(
        `\`${arg}\` is not a Hugging Face model id`,
        'write ORG/NAME, ORG/NAME@REVISION, or ORG/NAME/FILE.gguf for one GGUF file',
      )
    }
    requests.push({...request, explicit: arg.includes('@')})
  }
  const target = values.file ?? pinFileTarget(cwd)
  const exists = fs.existsSync(target)
  // The bytes read, so that a file changed meanwhile (another pull, an editor) is not overwritten.
  const original = exists ? fs.readFileSync(target) : undefined
  const loaded = exists ? loadPinFile(target) : undefined
  if (loaded && loaded.problems.length > 0 && loaded.pins.size === 0) {
    throw new UsageError(
      `${loaded.problems[0]}`,
      `fix or remove ${relative(cwd, target) || target}; \`vram models pull\` rewrites it`,
    )
  }
  const pins = new Map<string, PinnedModel>(loaded?.pins ?? [])
  if (requests.length === 0) {
    if (!update) {
      throw new UsageError(
        'name the models to pin',
        'e.g. `vram models pull Qwen/Qwen2-7B-Instruct`, or `vram models pull --update` to move every pin forward',
      )
    }
    if (pins.size === 0) {
      out(`nothing to update: ${relative(cwd, target) || target} pins no model`)
      return exit.ok
    }
    for (const pin of pins.values()) requests.push({id: pin.id, revision: pin.revision})
  }

  const hub = {timeoutMs: timeoutSeconds * 1000, endpoint: env.HF_ENDPOINT, token: env.HF_TOKEN}
  let failures = 0
  let written = 0
  for (const request of requests) {
    const key = request.id.toLowerCase()
    const before = pins.get(key)
    // Asked at a revision: the one asked; else an update keeps the pin's own revision.
    const wanted: PullRequest =
      before && update && request.explicit !== true
        ? {id: before.id, revision: before.revision}
        : {id: request.id, revision: request.revision}
    if (before && !update && before.revision === wanted.revision) {
      out(
        `${before.id}: already pinned at commit ${before.commit.slice(0, 12)} (\`--update\` moves it forward)`,
      )
      continue
    }
    let after: PinnedModel
    try {
      after = await pullModel(wanted, hub)
    } catch (error) {
      failures++
      const message =
        error instanceof HubError || error instanceof Error ? error.message : String(error)
      err(`vram models pull: ${request.id}: ${message}`)
      continue
    }
    pins.set(key, after)
    written++
    if (before) {
      out(`${after.id}: updated`)
      for (const line of changes(before, after)) out(line)
    } else {
      out(`${after.id}: pinned`)
      for (const line of describe(after)) out(line)
    }
  }
  if (written > 0) {
    const text = pinFileText(pins.values())
    if (original !== undefined && !fs.readFileSync(target).equals(original)) {
      throw new UsageError(
        `${relative(cwd, target) || target} changed while vram was pulling: nothing was written`,
        'run `vram models pull` again',
      )
    }
    try {
      if (exists) writeAtomic(target, new TextEncoder().encode(text), {original})
      else fs.writeFileSync(target, text, {flag: 'wx'})
    } catch (error) {
      const reason =
        error instanceof WriteError ? error.message : `cannot write ${target}: ${errorCode(error)}`
      throw new UsageError(reason, 'nothing was written; run `vram models pull` again')
    }
    out(`wrote ${relative(cwd, target) || pinFileName}`)
  }
  return failures > 0 ? exit.failed : exit.ok
}
