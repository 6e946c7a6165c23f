/**
 * A small Hugging Face Hub client (Node 20+ `fetch`), with the URL layout of
 * `huggingface_hub` so that `HF_ENDPOINT` mirrors work:
 * - model info: `{endpoint}/api/models/{repo}/revision/{revision}`
 *   (`HfApi.model_info`), whose `sha` is the commit and `safetensors.total`
 *   the exact parameter count;
 * - a file: `{endpoint}/{repo}/resolve/{revision}/{path}` (`hf_hub_url`).
 *
 * Every request has a timeout (connection and body alike) and every body a
 * byte limit. The token goes in the `Authorization` header and nowhere else:
 * never in a URL, a message or a file.
 */

/** The public Hub, when `HF_ENDPOINT` is not set (huggingface_hub `constants.ENDPOINT`). */
export const defaultHubEndpoint = 'https://huggingface.co'

export interface HubOptions {
  /** Base URL (default `$HF_ENDPOINT`, else the public Hub). */
  endpoint?: string | undefined
  /** Access token for gated and private repositories (default `$HF_TOKEN`). */
  token?: string | undefined
  /** Per request, in milliseconds (default 30 s). */
  timeoutMs?: number | undefined
  /** For tests and proxies; default the global `fetch`. */
  fetch?: typeof fetch | undefined
}

export type HubErrorKind =
  | 'not-found'
  | 'unauthorized'
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'too-large'
  | 'no-config'
  | 'http'

/** A Hub request that failed, with a message fit for the writer (no token, no credentials). */
export class HubError extends Error {
  readonly kind: HubErrorKind
  readonly status: number | undefined
  constructor(kind: HubErrorKind, message: string, status?: number) {
    super(message)
    this.name = 'HubError'
    this.kind = kind
    this.status = status
  }
}

export interface ResolvedHubOptions {
  endpoint: string
  token: string | undefined
  timeoutMs: number
  fetch: typeof fetch
}

/** Options with the environment's defaults; the endpoint loses any trailing slash and credentials. */
export function resolveHubOptions(
  options: Readonly<HubOptions> = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedHubOptions {
  const endpoint = (options.endpoint ?? env.HF_ENDPOINT ?? defaultHubEndpoint).trim()
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    throw new HubError('network', `HF_ENDPOINT \`${endpoint}\` is not a URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new HubError('network', `HF_ENDPOINT must be an http(s) URL, got \`${url.protocol}\``)
  }
  if (url.username || url.password) {
    throw new HubError('network', 'HF_ENDPOINT must not hold credentials: set HF_TOKEN instead')
  }
  const token = options.token ?? env.HF_TOKEN
  return {
    endpoint: url.href.replace(/\/+$/, ''),
    token: token && token.trim() !== '' ? token.trim() : undefined,
    timeoutMs: options.timeoutMs ?? 30_000,
    fetch: options.fetch ?? fetch,
  }
}

/** The path of a repository or file in a URL: each segment escaped, slashes kept. */
const escapePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/')

export function modelInfoUrl(hub: ResolvedHubOptions, repo: string, revision: string): string {
  return `${hub.endpoint}/api/models/${escapePath(repo)}/revision/${encodeURIComponent(revision)}`
}

export function fileUrl(
  hub: ResolvedHubOptions,
  repo: string,
  revision: string,
  path: string,
): string {
  return `${hub.endpoint}/${escapePath(repo)}/resolve/${encodeURIComponent(revision)}/${escapePath(path)}`
}

export function authHeaders(hub: ResolvedHubOptions): Record<string, string> {
  return hub.token ? {Authorization: `Bearer ${hub.token}`} : {}
}

/** What a failed status means for `what` (a repository or a file). */
export function statusError(
  hub: ResolvedHubOptions,
  status: number,
  what: string,
  repo: string,
): HubError {
  if (status === 401 || status === 403) {
    return new HubError(
      'unauthorized',
      hub.token
        ? `the Hub refused ${what} (HTTP ${status}) with the token in HF_TOKEN: accept the model's license on its page (${defaultHubEndpoint}/${repo}) with that account, or use a token that can read it`
        : `the Hub refused ${what} (HTTP ${status}): \`${repo}\` is gated or private (or does not exist); set HF_TOKEN to a token that can read it`,
      status,
    )
  }
  if (status === 404) {
    return new HubError(
      'not-found',
      `${what} was not found (HTTP 404): check the id and the revision`,
      status,
    )
  }
  return new HubError('http', `the Hub answered HTTP ${status} for ${what}`, status)
}

/**
 * GET `url` with the token, a timeout and a byte limit; returns the body and
 * the response's headers. Throws `HubError`.
 */
export async function hubGet(
  hub: ResolvedHubOptions,
  url: string,
  what: string,
  repo: string,
  maxBytes: number,
): Promise<{body: Uint8Array; headers: Headers}> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), hub.timeoutMs)
  try {
    const response = await hub.fetch(url, {
      headers: {...authHeaders(hub), Accept: 'application/json'},
      signal: controller.signal,
      redirect: 'follow',
    })
    if (!response.ok) {
      await response.body?.cancel().catch(() => {})
      throw statusError(hub, response.status, what, repo)
    }
    const declared = Number(response.headers.get('content-length'))
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel().catch(() => {})
      throw tooLarge(what, maxBytes)
    }
    return {body: await readBounded(response, maxBytes, what), headers: response.headers}
  } catch (error) {
    throw asHubError(error, hub, what)
  } finally {
    clearTimeout(timer)
  }
}

function tooLarge(what: string, maxBytes: number): HubError {
  return new HubError('too-large', `${what} is larger than ${maxBytes / 2 ** 20} MiB`)
}

/** Reads a body, stopping (and cancelling the stream) past `maxBytes`. */
async function readBounded(
  response: Response,
  maxBytes: number,
  what: string,
): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array()
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  for (;;) {
    const {done, value} = await reader.read()
    if (done) break
    length += value.byteLength
    if (length > maxBytes) {
      await reader.cancel().catch(() => {})
      throw tooLarge(what, maxBytes)
    }
    chunks.push(value)
  }
  const out = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

/** Any failure as a `HubError` whose message names neither the token nor a stack. */
export function asHubError(error: unknown, hub: ResolvedHubOptions, what: string): HubError {
  if (error instanceof HubError) return error
  const name = (error as {name?: unknown})?.name
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new HubError(
      'timeout',
      `the Hub did not answer ${what} within ${hub.timeoutMs / 1000} s (${hub.endpoint})`,
    )
  }
  const cause = (error as {cause?: {code?: unknown}})?.cause?.code
  return new HubError(
    'network',
    `cannot reach ${hub.endpoint} for ${what}${typeof cause === 'string' ? ` (${cause})` : ''}: check the network or HF_ENDPOINT`,
  )
}

/** Parses JSON, or throws a `HubError` of kind `malformed`. */
export function parseJson(body: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body)) as unknown
  } catch (error) {
    throw new HubError(
      'malformed',
      `${what} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    )
  }
}
