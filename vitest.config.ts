import {defineConfig} from 'vitest/config'

/**
 * The export condition under which every workspace package resolves to its
 * TypeScript sources (`src/*.ts`) instead of its build (`dist`): tests see a
 * change without `tsc -b`, and `vitest related` follows imports across packages.
 */
const source = '@remark-vram/source'

export default defineConfig({
  // Vitest runs tests in Vite's server environment: its conditions are the
  // defaults Vitest uses (`node`, `development|production`) plus ours. Vitest
  // also passes them to its workers as `node --conditions`.
  ssr: {resolve: {conditions: [source, 'node', 'development|production']}},
  test: {
    // Two workers for two cores: Vitest's default (cores − 1) runs one file at a time.
    maxWorkers: 2,
    testTimeout: 30_000,
    // A test that checks nothing fails (`expect.assertions` or `expect.hasAssertions` otherwise).
    expect: {requireAssertions: true},
    projects: [
      {
        extends: true,
        test: {
          // The developer's loop (`pnpm test:unit`): the engine, the plugin and
          // the CLI, in process and from their sources.
          name: 'unit',
          include: ['packages/{vram-core,remark-vram,vram-cli}/test/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          // Builds in child processes (Astro, the host sites, the site, `npm
          // pack`), which run `dist`: brought up to date first.
          name: 'integration',
          include: ['packages/astro-vram/test/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['test/fresh-build.ts'],
        },
      },
    ],
  },
})
