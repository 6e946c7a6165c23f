/** `vram render` (and check, sync) read the page's language from its front matter. */
import {describe, expect, it} from 'vitest'
import {renderMarkdown} from '../src/markdown.js'

const page = (frontMatter: string) =>
  `---\n${frontMatter}\n---\n\n\`\`\`vram\nmodel: qwen2.5-7b\ngpu: h100-sxm-80gb\n\`\`\`\n`

describe('lang: in front matter', () => {
  it('picks the labels of the page’s language', async () => {
    const {output} = renderMarkdown(page('title: 显存\nlang: zh-CN'), 'page.md')
    expect(output).toContain('| 组成部分')
    expect(output).toContain('**合计**')
  })

  it('reads a quoted value and `locale:` too', async () => {
    expect(renderMarkdown(page('lang: "zh"'), 'page.md').output).toContain('**合计**')
    expect(renderMarkdown(page("locale: 'zh'"), 'page.md').output).toContain('**合计**')
  })

  it('--locale wins over the front matter', async () => {
    const {output} = renderMarkdown(page('lang: zh'), 'page.md', {locale: 'en'})
    expect(output).toContain('| Component')
  })

  it('English without front matter, or with another key', async () => {
    expect(renderMarkdown(page('title: x'), 'page.md').output).toContain('| Component')
    expect(renderMarkdown(page('language_note: zh'), 'page.md').output).toContain('| Component')
  })
})
