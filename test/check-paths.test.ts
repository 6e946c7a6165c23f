/**
 * The check that keeps the repository standing alone (scripts/check-paths.mjs,
 * run by the test command): it must flag each way a file can reach outside the
 * clone, and nothing inside it. The examples below name outside paths on
 * purpose, so each such line carries the check's marker.
 */
import {describe, expect, test} from 'vitest'
// @ts-expect-error: a plain .mjs script without declarations
import {findOutsidePaths} from '../scripts/check-paths.mjs'

const root = '/repo'

function texts(file: string, content: string): string[] {
  return (findOutsidePaths(root, file, content) as Array<{text: string}>).map(
    (finding) => finding.text,
  )
}

describe('check-paths', () => {
  test('a relative path that climbs above the root is flagged, one that stays inside is not', () => {
    const file = 'packages/core/test/model.test.ts'
    // Three levels up is the root; four is outside.
    const outside = "new URL('../../../../data/models.json', import.meta.url)" // outside-path: allowed
    expect(texts(file, outside)).toEqual(['../../../../']) // outside-path: allowed
    const inside = "new URL('../../../README.md', import.meta.url)" // outside-path: allowed
    expect(texts(file, inside)).toEqual([])
    expect(texts('README.md', '[core](../core)')).toEqual(['../']) // outside-path: allowed
  })

  test('absolute paths into home or work folders are flagged, system paths are not', () => {
    const home = "readFileSync('/home/me/models.json')" // outside-path: allowed
    expect(texts('a.ts', home)).toEqual(['/home/m']) // outside-path: allowed
    const mac = "const data = '/Users/me/x'" // outside-path: allowed
    expect(texts('a.ts', mac)).toEqual(['/Users/m']) // outside-path: allowed
    expect(texts('a.ts', "executablePath: '/usr/bin/chromium'")).toEqual([])
    expect(texts('a.ts', 'https://example.com/home/page')).toEqual([])
  })

  test('the development folder named without a prefix is flagged', () => {
    const readme = 'tested against `shared/data/models.json`' // outside-path: allowed
    expect(texts('README.md', readme)).toEqual(['shared/data']) // outside-path: allowed
    expect(texts('test/hosts/shared.ts', "import {x} from './shared.js'")).toEqual([])
  })

  test('a line marked as deliberate is skipped; lockfiles may link to sibling packages', () => {
    const marked = "'../../../../etc/passwd' // outside-path: allowed"
    expect(texts('a.ts', marked)).toEqual([])
    const lock = '      vram-core:\n        version: link:../vram-core' // outside-path: allowed
    expect(texts('pnpm-lock.yaml', lock)).toEqual([])
  })
})
