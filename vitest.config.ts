import {defineConfig} from 'vitest/config'

/**
 * The export condition under which every workspace package resolves to its
 * TypeScript sources (`src/*.ts`) instead of its build (`dist`): tests see a
 * change without `tsc -b`, and `vitest related` follows imports across packages.
 */
const source = '@remark-vram/source'

export default defineConfig({
  // Vitest runs tests in Vite's server environment: its conditions are the
  // defaults Vitest uses (`node`, `development|production`) plus ours.
  ssr: {resolve: {conditions: [source, 'node', 'development|production']}},
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
  },
})
