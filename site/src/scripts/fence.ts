/**
 * The markdown of one ```` ```vram ```` block whose body is exactly `body`,
 * whatever it holds. The fence is one backtick longer than the longest run of
 * backticks in the body, so no line the writer types can close it (CommonMark
 * closes a fence only with at least as many backticks): a typed ```` ``` ````
 * stays YAML inside the block and never turns the rest into markdown, links
 * and all.
 */
export function vramFence(text: string): string {
  // One line ending throughout, so a CR at the edge cannot merge with the fence's own LF.
  const body = text.replace(/\r\n?/g, '\n')
  const longest = Math.max(0, ...Array.from(body.matchAll(/`+/g), (match) => match[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}vram\n${body}\n${fence}\n`
}
