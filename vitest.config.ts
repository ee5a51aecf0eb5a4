import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // e2e suites share network namespaces and Redis; files run one at a time there.
    fileParallelism: true,
  },
});
