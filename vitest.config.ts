import { defineConfig } from 'vitest/config';

const TIMED = 'test/**/*.timed.test.ts';

export default defineConfig({
  resolve: {
    // graphql 16 has no "exports": Node (and so Yoga, graphql-ws, graphql-tools) loads its
    // CommonJS main, while Vite would hand our sources its "module" build. Two copies
    // mean two GraphQLError classes, and Yoga masks every domain error as
    // INTERNAL_SERVER_ERROR. Resolve it the way Node does.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Servers under test bind real ports and files; a couple of workers suit 2 cores.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'parallel', include: ['test/**/*.test.ts'], exclude: ['test/browser/**', TIMED] },
      },
      // Files that assert latencies run after the rest, one at a time: on 2 cores, a soak
      // or a socket storm in the other worker would decide their figures.
      { extends: true, test: { name: 'timed', include: [TIMED], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
