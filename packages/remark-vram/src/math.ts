import type {InlineMath} from 'mdast-util-math'

/**
 * Inline math carrying exactly the `data` remark-math (mdast-util-math) sets,
 * so `remark-rehype` produces `code.language-math.math-inline` and
 * rehype-katex renders it with no extra step.
 */
export function inlineMath(value: string): InlineMath {
  return {
    type: 'inlineMath',
    value,
    data: {
      hName: 'code',
      hProperties: {className: ['language-math', 'math-inline']},
      hChildren: [{type: 'text', value}],
    },
  }
}
