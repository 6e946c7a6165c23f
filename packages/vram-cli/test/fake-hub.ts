/**
 * A fake Hugging Face Hub on 127.0.0.1 for `vram models pull` tests: the URL
 * layout of huggingface_hub (`/api/models/{repo}/revision/{rev}`,
 * `/{repo}/resolve/{rev}/{file}`), bearer tokens, range requests. Nothing here
 * reaches the real Hub.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

export interface FakeRepo {
  /** The commit `main` points at. */
  sha: string
  /** Files by path; a Buffer is served with range support. */
  files: Record<string, string | Buffer>
  /** `safetensors` of the model info (`{parameters, total}`). */
  safetensors?: {parameters: Record<string, number>; total: number}
  /** `gguf` of the model info. */
  gguf?: {total: number; architecture: string}
  /** Requires `Authorization: Bearer <token>` (401 otherwise), as a gated repository. */
  token?: string
  /** Never answers (for timeouts). */
  hang?: boolean
  /** Answers the model info after this many milliseconds. */
  delayMs?: number
}

export interface FakeHub {
  endpoint: string
  repos: Map<string, FakeRepo>
  /** Every request: method, URL, Range and Authorization headers. */
  log: Array<{url: string; range?: string | undefined; authorization?: string | undefined}>
  close(): Promise<void>
}

function send(
  response: ServerResponse,
  status: number,
  body: string | Buffer,
  type = 'application/json',
) {
  response.writeHead(status, {'content-type': type, 'content-length': Buffer.byteLength(body)})
  response.end(body)
}

export async function startFakeHub(): Promise<FakeHub> {
  const repos = new Map<string, FakeRepo>()
  const log: FakeHub['log'] = []
  const hanging: ServerResponse[] = []
  const handler = async (request: IncomingMessage, response: ServerResponse) => {
    const url = decodeURIComponent(request.url ?? '/')
    log.push({url, range: request.headers.range, authorization: request.headers.authorization})
    const info = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url)
    const file = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url)
    const repoId = info?.[1] ?? file?.[1]
    const repo = repoId ? repos.get(repoId) : undefined
    if (!repo || !repoId) {
      // The Hub answers 401 for unknown repositories to anonymous callers, 404 with a token.
      send(response, 404, JSON.stringify({error: 'Repository not found'}))
      return
    }
    if (repo.hang) {
      hanging.push(response)
      return
    }
    if (repo.token && request.headers.authorization !== `Bearer ${repo.token}`) {
      send(response, 401, JSON.stringify({error: 'Access to model is restricted.'}))
      return
    }
    const revision = info?.[2] ?? file?.[2]
    if (revision !== 'main' && revision !== repo.sha) {
      send(response, 404, JSON.stringify({error: 'Revision Not Found'}))
      return
    }
    if (info) {
      if (repo.delayMs) await new Promise((resolve) => setTimeout(resolve, repo.delayMs))
      send(
        response,
        200,
        JSON.stringify({
          id: repoId,
          sha: repo.sha,
          siblings: Object.keys(repo.files).map((rfilename) => ({rfilename})),
          ...(repo.safetensors ? {safetensors: repo.safetensors} : {}),
          ...(repo.gguf ? {gguf: repo.gguf} : {}),
        }),
      )
      return
    }
    const body = repo.files[file?.[3] ?? '']
    if (body === undefined) {
      send(response, 404, JSON.stringify({error: 'Entry not found'}))
      return
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '')
    if (Buffer.isBuffer(body) && range) {
      const start = Number(range[1])
      const end = Math.min(Number(range[2]), body.length - 1)
      const part = body.subarray(start, end + 1)
      response.writeHead(206, {
        'content-type': 'application/octet-stream',
        'content-range': `bytes ${start}-${end}/${body.length}`,
        'content-length': part.length,
      })
      response.end(part)
      return
    }
    send(
      response,
      200,
      body,
      Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json',
    )
  }
  const server: Server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    repos,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
