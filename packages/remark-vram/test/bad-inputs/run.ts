import {fileURLToPath} from 'node:url'
import {transform, VFile} from '../pipelines.js'
import type {BadInput} from './catalogue.js'

/** Where the documents "are": config paths resolve relative to this folder. */
export const documentPath = fileURLToPath(new URL('doc.md', import.meta.url))

/** The markdown document of a catalogue entry. */
export function documentOf(entry: BadInput): string {
  return entry.markdown ?? `\`\`\`vram\n${entry.body ?? ''}\n\`\`\`\n`
}

/** Every message the plugin reports on the entry, as `LINE:COLUMN [rule-id] reason`. */
export function messagesOf(entry: BadInput): string[] {
  const file = new VFile({path: documentPath, value: documentOf(entry)})
  try {
    transform(file, {errors: 'fatal'})
  } catch (error) {
    if (!file.messages.includes(error as never)) throw error
  }
  return file.messages.map(
    (message) => `${message.line}:${message.column} [${message.ruleId}] ${message.reason}`,
  )
}
