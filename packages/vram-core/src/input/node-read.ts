/**
 * Bounded reading of small local files (Node only): config.json, pin files.
 * One reader for every file the product reads: `read-file.ts` (a regular
 * file, opened without waiting, never a system file, at most `maxBytes`).
 */
export {readTextFile} from './read-file.js'
