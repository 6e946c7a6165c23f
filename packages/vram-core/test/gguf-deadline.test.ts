/**
 * The time bound of a `.gguf` header read (`limits.ggufReadSeconds`): a parse
 * that never ends (here @huggingface/gguf replaced by one that never answers)
 * is refused at the deadline instead of holding the build.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, expect, it, vi} from 'vitest'
import {limits} from '../src/input/limits.js'
import {readGgufSummary} from '../src/node.js'
import {writeLlama2Q4KM} from './gguf-header.js'

vi.mock('@huggingface/gguf', () => ({gguf: () => new Promise(() => undefined)}))

const folder = mkdtempSync(join(tmpdir(), 'gguf-deadline-'))
afterAll(() => rmSync(folder, {recursive: true, force: true}))

it('a header read that never ends is refused at the deadline', async () => {
  const path = join(folder, 'slow.gguf')
  writeLlama2Q4KM(path)
  const bound = limits as {ggufReadSeconds: number}
  const seconds = bound.ggufReadSeconds
  bound.ggufReadSeconds = 0.2
  try {
    await expect(readGgufSummary(path)).rejects.toThrow('reading its header took longer than 0.2 s')
  } finally {
    bound.ggufReadSeconds = seconds
  }
})
