/**
 * `vram models pull ID[@REV]`: what the Hub publishes about one model, read
 * once and returned as a pin (`PinnedModel`) for `vram.models.json`.
 *
 * - `org/name[@REV]`: the model info at the revision (its commit `sha` and
 *   `safetensors.total`, the exact count), then `config.json` at that commit,
 *   so the config and the count belong to the same commit.
 * - `org/name/file.gguf[@REV]`: the header of that GGUF file, read by
 *   `@huggingface/gguf` with HTTP range requests (2 MB at a time, only as far
 *   as the header goes; never the tensors).
 */
import {gguf} from '@huggingface/gguf'
import {ggufSummary} from '../../model/gguf-node.js'
import {isPinId, type PinnedModel, pullCommand, splitPinId} from '../../model/pins.js'
import {limits} from '../limits.js'
import {
  asHubError,
  authHeaders,
  fileUrl,
  HubError,
  type HubOptions,
  hubGet,
  modelInfoUrl,
  parseJson,
  type ResolvedHubOptions,
  resolveHubOptions,
  statusError,
} from './client.js'

/** A model info document is small; a repository listing thousands of files stays under this. */
const maxInfoBytes = 16 * 2 ** 20

/** One `@huggingface/gguf` range request asks for 2 MB (its `HTTP_CHUNK_SIZE`). */
const maxRangeBytes = 2 * 10 ** 6

export interface PullRequest {
  /** The pin's id: `org/name` or `org/name/file.gguf`. */
  id: string
  /** The revision asked for (default `main`). */
  revision: string
}

/**
 * Parses `ID[@REV]` (also `https://huggingface.co/ID`); `undefined` when it is
 * no Hub id.
 */
export function parsePullRequest(text: string): PullRequest | undefined {
  const trimmed = text
    .trim()
    .replace(/^https?:\/\/(?:huggingface\.co|hf\.co)\//, '')
    .replace(/\/$/, '')
  const at = trimmed.lastIndexOf('@')
  const id = at > 0 ? trimmed.slice(0, at) : trimmed
  const revision = at > 0 ? trimmed.slice(at + 1) : 'main'
  if (!isPinId(id) || revision === '' || revision.length > 255 || /[\s\\]/.test(revision))
    return undefined
  return {id, revision}
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0

/** Pulls one model from the Hub. Throws `HubError` with a message for the writer. */
export async function pullModel(
  request: PullRequest,
  options: Readonly<HubOptions> = {},
): Promise<PinnedModel> {
  const hub = resolveHubOptions(options)
  const {repo, file} = splitPinId(request.id)
  const what = `\`${repo}\`${request.revision === 'main' ? '' : ` at \`${request.revision}\``}`
  const infoBody = await hubGet(
    hub,
    modelInfoUrl(hub, repo, request.revision),
    `the model info of ${what}`,
    repo,
    maxInfoBytes,
  )
  const info = parseJson(infoBody.body, `the model info of ${what}`)
  if (!isRecord(info) || typeof info.sha !== 'string' || !/^[0-9a-f]{40}$/.test(info.sha)) {
    throw new HubError(
      'malformed',
      `the model info of ${what} has no commit \`sha\`: is HF_ENDPOINT a Hugging Face Hub?`,
    )
  }
  const commit = info.sha
  const siblings = Array.isArray(info.siblings)
    ? info.siblings
        .map((entry) => (isRecord(entry) ? entry.rfilename : undefined))
        .filter((name): name is string => typeof name === 'string')
    : undefined
  const counts = hubCounts(info)

  if (file !== undefined) {
    if (siblings && !siblings.includes(file)) {
      throw new HubError(
        'not-found',
        `\`${repo}\` has no file \`${file}\` at commit ${commit.slice(0, 12)}${ggufHint(repo, siblings)}`,
      )
    }
    const header = await readRemoteGguf(hub, repo, commit, file)
    return {id: request.id, repo, revision: request.revision, commit, file, gguf: header, ...counts}
  }

  const configWhat = `\`config.json\` of ${what}`
  let body: Uint8Array
  try {
    body = (
      await hubGet(
        hub,
        fileUrl(hub, repo, commit, 'config.json'),
        configWhat,
        repo,
        limits.configBytes,
      )
    ).body
  } catch (error) {
    if (error instanceof HubError && error.kind === 'not-found' && siblings) {
      throw new HubError(
        'no-config',
        `\`${repo}\` has no config.json${ggufHint(repo, siblings) || ': it is not a transformers model repository'}`,
      )
    }
    throw error
  }
  const config = parseJson(body, configWhat)
  if (!isRecord(config)) {
    throw new HubError('malformed', `${configWhat} is not a JSON object`)
  }
  return {id: request.id, repo, revision: request.revision, commit, config, ...counts}
}

/** The Hub's exact counts: `safetensors.total` and per dtype, or a GGUF repository's `gguf.total`. */
function hubCounts(
  info: Record<string, unknown>,
): Pick<PinnedModel, 'hubParams' | 'hubParamsByDtype'> {
  const safetensors = info.safetensors
  if (isRecord(safetensors) && isCount(safetensors.total)) {
    const byDtype = isRecord(safetensors.parameters)
      ? Object.fromEntries(
          Object.entries(safetensors.parameters).filter(([, count]) => isCount(count)),
        )
      : {}
    return {
      hubParams: safetensors.total,
      ...(Object.keys(byDtype).length > 0
        ? {hubParamsByDtype: byDtype as Record<string, number>}
        : {}),
    }
  }
  const ggufInfo = info.gguf
  if (isRecord(ggufInfo) && isCount(ggufInfo.total)) return {hubParams: ggufInfo.total}
  return {}
}

/** ": pull one of its GGUF files: `vram models pull org/name/a.gguf`, ..." when it holds some. */
function ggufHint(repo: string, siblings: readonly string[]): string {
  const files = siblings.filter((name) => name.toLowerCase().endsWith('.gguf'))
  if (files.length === 0) return ''
  const shown = files.slice(0, 4).map((name) => `\`${pullCommand(`${repo}/${name}`)}\``)
  return `; it holds ${files.length} GGUF file${files.length === 1 ? '' : 's'}: pull the one a block uses, e.g. ${shown.join(', ')}${files.length > 4 ? ', …' : ''}`
}

/**
 * A GGUF header over HTTP range requests. Each request has the client's
 * timeout, must be answered with 206 Partial Content (a server that sends
 * the whole file instead is refused, not downloaded) and at most 2 MB.
 */
async function readRemoteGguf(hub: ResolvedHubOptions, repo: string, commit: string, file: string) {
  const what = `the header of \`${repo}/${file}\``
  const rangeFetch: typeof fetch = async (input, init) => {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), hub.timeoutMs)
    try {
      const response = await hub.fetch(input, {...init, signal: controller.signal})
      if (!response.ok) {
        await response.body?.cancel().catch(() => {})
        throw statusError(hub, response.status, what, repo)
      }
      if (response.status !== 206) {
        await response.body?.cancel().catch(() => {})
        throw new HubError(
          'http',
          `the server answered ${what} with the whole file (HTTP ${response.status}) instead of a range: it does not support range requests`,
        )
      }
      const body = new Uint8Array(await response.arrayBuffer())
      if (body.byteLength > maxRangeBytes) {
        throw new HubError('too-large', `the server sent more than the range asked for ${what}`)
      }
      return new Response(body, {status: 206, headers: response.headers})
    } catch (error) {
      throw asHubError(error, hub, what)
    } finally {
      clearTimeout(timer)
    }
  }
  try {
    return ggufSummary(
      await gguf(fileUrl(hub, repo, commit, file), {
        fetch: rangeFetch,
        additionalFetchHeaders: authHeaders(hub),
      }),
    )
  } catch (error) {
    if (error instanceof HubError) throw error
    throw new HubError(
      'malformed',
      `${what} is not a GGUF header this reader understands (${error instanceof Error ? error.message : String(error)})`,
    )
  }
}
