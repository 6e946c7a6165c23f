// The repository stands alone: a clone with nothing beside it must build, test
// and read right. This check fails when a tracked file reads or names a path
// outside the repository:
// - a relative path that climbs above the repository root from the file's
//   folder (`new URL('../../../../data.json', import.meta.url)`); // outside-path: allowed
// - an absolute path into a home or work folder (`/work/…`, `/home/…`,
//   `/Users/…`, `C:\…`), which exists on one machine only;
// - a name of the development folder kept beside the repository
//   (`shared/data/…`, `shared/article/…`), which no clone has. // outside-path: allowed
// System paths (`/usr/bin/chromium`, `/tmp`) are not flagged. A line that must
// name such a path on purpose (a test of path handling) carries the marker
// `outside-path: allowed`.
//
// Usage: node scripts/check-paths.mjs [file …]   (default: every tracked file)
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {dirname, relative, resolve, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

const allowMarker = 'outside-path: allowed'

/** Absolute paths that only exist on one machine. */
const machinePath =
  /(?<![\w.~-])(?:\/(?:work|home|Users|root|mnt|workspace)\/[\w.@~-]|[A-Z]:\\\\?[\w])/g
/** The development folder that sits beside the repository, named without a prefix. */
const sharedFolder = /(?<![\w.-])shared\/(?:data|article|spec|research|notes)\b/g
/** A run of `../` (or `..\`) segments. */
const climb = /(?<![\w.])(?:\.\.[/\\])+/g

/**
 * @typedef {{file: string, line: number, column: number, text: string, reason: string}} Finding
 */

/**
 * Lists the outside paths one file names.
 *
 * @param {string} root absolute path of the repository
 * @param {string} file path of the file, relative to `root` (with `/`)
 * @param {string} content the file's text
 * @returns {Finding[]}
 */
export function findOutsidePaths(root, file, content) {
  /** @type {Finding[]} */
  const findings = []
  const folder = dirname(resolve(root, file))
  // Lockfiles write `link:../pkg` relative to each workspace package, not to themselves.
  const checkClimbs = !/(?:^|\/)(?:pnpm-lock\.yaml|package-lock\.json)$/.test(file)
  const lines = content.split(/\r?\n/)
  for (const [index, line] of lines.entries()) {
    if (line.includes(allowMarker)) continue
    const report = (/** @type {RegExpExecArray} */ match, /** @type {string} */ reason) => {
      findings.push({file, line: index + 1, column: match.index + 1, text: match[0], reason})
    }
    for (const match of line.matchAll(machinePath)) {
      report(match, 'an absolute path on one machine')
    }
    for (const match of line.matchAll(sharedFolder)) {
      report(match, 'the development folder beside the repository, which a clone does not have')
    }
    for (const match of checkClimbs ? line.matchAll(climb) : []) {
      const target = resolve(folder, match[0])
      const inside = relative(root, target)
      if (inside === '..' || inside.startsWith(`..${sep}`)) {
        report(match, `climbs out of the repository from ${relative(root, folder) || '.'}`)
      }
    }
  }
  return findings
}

/**
 * Checks files of the repository.
 *
 * @param {string} root
 * @param {string[]} files relative paths
 * @returns {Finding[]}
 */
export function checkFiles(root, files) {
  return files.flatMap((file) => {
    const buffer = readFileSync(resolve(root, file))
    // Binary files (images, fonts) name no paths.
    if (buffer.includes(0)) return []
    return findOutsidePaths(root, file, buffer.toString('utf8'))
  })
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  const files =
    process.argv.length > 2
      ? process.argv.slice(2).map((file) => relative(root, resolve(file)))
      : execFileSync('git', ['ls-files', '-z'], {cwd: root, encoding: 'utf8'})
          .split('\0')
          .filter(Boolean)
  const findings = checkFiles(root, files)
  for (const finding of findings) {
    console.error(
      `${finding.file}:${finding.line}:${finding.column}: ${finding.text} — ${finding.reason}`,
    )
  }
  if (findings.length > 0) {
    console.error(
      `\n${findings.length} reference(s) to paths outside the repository: copy the datum into the repository with its original source, or mark a deliberate test line with \`${allowMarker}\`.`,
    )
    process.exit(1)
  }
  console.log(`check-paths: ${files.length} tracked files name no path outside the repository`)
}
