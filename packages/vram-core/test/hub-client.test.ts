/**
 * The Hub client's URL layout (huggingface_hub `HfApi.model_info` and
 * `hf_hub_url`: `{endpoint}/api/models/{repo}/revision/{rev}`,
 * `{endpoint}/{repo}/resolve/{rev}/{path}`), the environment it reads, and
 * the ids `vram models pull` accepts. No request is made here.
 */
import {describe, expect, it} from 'vitest'
import {fileUrl, HubError, modelInfoUrl, resolveHubOptions} from '../src/input/hub/client.js'
import {parsePullRequest} from '../src/input/hub/pull.js'

describe('Hub options', () => {
  it('defaults to the public Hub and reads HF_ENDPOINT and HF_TOKEN', () => {
    expect(resolveHubOptions({}, {})).toMatchObject({
      endpoint: 'https://huggingface.co',
      token: undefined,
      timeoutMs: 30_000,
    })
    const mirror = resolveHubOptions(
      {},
      {HF_ENDPOINT: 'https://hf-mirror.example/hub/', HF_TOKEN: ' t '},
    )
    expect(mirror).toMatchObject({endpoint: 'https://hf-mirror.example/hub', token: 't'})
  })

  it('refuses an endpoint with credentials or another scheme', () => {
    expect(() => resolveHubOptions({}, {HF_ENDPOINT: 'https://user:secret@hub.example'})).toThrow(
      HubError,
    )
    expect(() => resolveHubOptions({}, {HF_ENDPOINT: 'file:///etc'})).toThrow(/http\(s\)/)
    expect(() => resolveHubOptions({}, {HF_ENDPOINT: 'not a url'})).toThrow(/not a URL/)
  })

  it('builds huggingface_hub’s URLs, escaping each segment', () => {
    const hub = resolveHubOptions({}, {})
    expect(modelInfoUrl(hub, 'Qwen/Qwen2-7B-Instruct', 'main')).toBe(
      'https://huggingface.co/api/models/Qwen/Qwen2-7B-Instruct/revision/main',
    )
    expect(modelInfoUrl(hub, 'org/name', 'refs/pr/1')).toBe(
      'https://huggingface.co/api/models/org/name/revision/refs%2Fpr%2F1',
    )
    expect(fileUrl(hub, 'org/name', 'a'.repeat(40), 'sub dir/x.gguf')).toBe(
      `https://huggingface.co/org/name/resolve/${'a'.repeat(40)}/sub%20dir/x.gguf`,
    )
  })
})

describe('pull ids', () => {
  it('ORG/NAME, @REV, URLs and GGUF files', () => {
    expect(parsePullRequest('Qwen/Qwen2-7B-Instruct')).toEqual({
      id: 'Qwen/Qwen2-7B-Instruct',
      revision: 'main',
    })
    expect(parsePullRequest('https://huggingface.co/org/name@v1.0')).toEqual({
      id: 'org/name',
      revision: 'v1.0',
    })
    expect(parsePullRequest('unsloth/Qwen3-8B-GGUF/Qwen3-8B-Q4_K_M.gguf')).toEqual({
      id: 'unsloth/Qwen3-8B-GGUF/Qwen3-8B-Q4_K_M.gguf',
      revision: 'main',
    })
  })

  it('refuses what is not a Hub id', () => {
    for (const text of [
      'llama-2-7b',
      'org/../etc',
      'org/name/config.json',
      'org/name@',
      '/abs/path',
    ]) {
      expect(parsePullRequest(text), text).toBeUndefined()
    }
  })
})
