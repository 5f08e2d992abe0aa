import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Servers under test bind real ports and files; a couple of workers suit 2 cores.
    maxWorkers: 2,
  },
});
