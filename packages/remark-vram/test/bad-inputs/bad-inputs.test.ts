/**
 * The bad-input catalogue: each entry's exact messages, each within a time
 * bound, and the README's two generated sections (the catalogue and the
 * limits table) up to date. `UPDATE=1` rewrites the README sections.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {formatLimit, limitTable} from 'vram-core'
import {badInputs} from './catalogue.js'
import {documentOf, messagesOf} from './run.js'

const readme = new URL('../../README.md', import.meta.url)

/** Generous: a bad block is reported in milliseconds; a regression (a loop per layer) takes seconds. */
const timeBound = 1000

describe('the bad-input catalogue', () => {
  it('has at least 60 entries with distinct names', () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(60)
    expect(new Set(badInputs.map((entry) => entry.name)).size).toBe(badInputs.length)
  })

  for (const entry of badInputs) {
    it(`${entry.name}: ${entry.what}`, () => {
      const started = performance.now()
      const messages = messagesOf(entry)
      expect(performance.now() - started).toBeLessThan(timeBound)
      expect(messages).toEqual(entry.messages)
      // Every bad input is reported, at a position in the file.
      expect(messages.length).toBeGreaterThan(0)
      for (const message of messages) expect(message).toMatch(/^\d+:\d+ \[[a-z-]+\] \S/)
    })
  }

  it('is listed in the README, with the limits', () => {
    let text = readFileSync(readme, 'utf8')
    const sections = {'bad-inputs': catalogueText(), limits: limitsText()}
    for (const [name, body] of Object.entries(sections)) {
      const pattern = new RegExp(`(<!-- ${name}:begin -->\\n)[\\s\\S]*?(\\n<!-- ${name}:end -->)`)
      expect(text).toMatch(pattern)
      text = text.replace(pattern, (_, begin: string, end: string) => `${begin}${body}${end}`)
    }
    if (process.env.UPDATE) writeFileSync(readme, text)
    expect(readFileSync(readme, 'utf8')).toBe(text)
  })
})

/** Long lines (101-value lists, 200 brackets) are shortened in the README; the test file has them whole. */
function shorten(line: string): string {
  return line.length > 100 ? `${line.slice(0, 96)} […]` : line
}

function catalogueText(): string {
  const entries = badInputs.map((entry, index) => {
    const shown = documentOf(entry).replace(/\n$/, '')
    return [
      `${index + 1}. ${entry.name}: ${entry.what}`,
      ...(shown === ''
        ? ['   (empty block)']
        : shown.split('\n').map((line) => `   | ${shorten(line)}`)),
      ...entry.messages.map((message) => `   → ${message}`),
    ].join('\n')
  })
  return ['````text', entries.join('\n\n'), '````'].join('\n')
}

function limitsText(): string {
  const rows = Object.values(limitTable).map(
    (entry) => `| ${entry.applies} | ${formatLimit(entry.value)} | ${entry.why} |`,
  )
  return ['| applies to | limit | why it is plausible |', '| --- | --: | --- |', ...rows].join('\n')
}
