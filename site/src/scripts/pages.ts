/**
 * Every markdown page of the site, read from src/pages by Vite's glob: the
 * navigation, the footer and the index list them without any other wiring, so
 * a new page (frontmatter `title`, `lang`, optionally `nav`, `order`,
 * `description`) is linked from every page as soon as it exists.
 */
interface PageFrontmatter {
  title: string
  lang?: string
  nav?: string
  description?: string
  /** Order among its language's pages (smaller first); pages without one come after, by path. */
  order?: number
}

export interface SitePage {
  href: string
  /** Short label for the header (`nav`), else the title. */
  label: string
  title: string
  description?: string | undefined
  lang: 'zh' | 'en'
}

const modules = import.meta.glob<{frontmatter: PageFrontmatter}>('../pages/**/*.md')

export async function sitePages(base: string): Promise<SitePage[]> {
  const pages = await Promise.all(
    Object.entries(modules).map(async ([file, load]) => {
      const {frontmatter} = await load()
      const route = file
        .replace(/^\.\.\/pages\//, '')
        .replace(/(^|\/)index\.md$/, '$1')
        .replace(/\.md$/, '/')
      return {
        href: `${base}${route}`,
        label: frontmatter.nav ?? frontmatter.title,
        title: frontmatter.title,
        description: frontmatter.description,
        lang: frontmatter.lang === 'zh' ? ('zh' as const) : ('en' as const),
        order: frontmatter.order ?? Number.POSITIVE_INFINITY,
        route,
      }
    }),
  )
  return pages
    .sort((a, b) => a.order - b.order || a.route.localeCompare(b.route))
    .map(({href, label, title, description, lang}) => ({href, label, title, description, lang}))
}
