/** A solver block answers first: the solved value, then the block's own case (which may not fit). */
import {describe, expect, it} from 'vitest'
import {vram} from './helpers.js'

describe('vram calc with solve', () => {
  it('prints the answer before the caption and the case', async () => {
    const run = await vram([
      'calc',
      '--model',
      'llama-3.1-8b',
      '--gpu',
      'rtx-4090',
      '--solve',
      'seq',
    ])
    expect(run.status).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines[0]).toMatch(/^longest sequence that fits: /)
    expect(lines[2]).toMatch(/^Llama 3\.1 8B/)
  })
})
