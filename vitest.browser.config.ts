import { defineConfig } from 'vitest/config';

/**
 * Browser tests: Debian's Chromium through playwright-core against the production build
 * (`npm run build` first). One file at a time: each boots a server and a browser.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
