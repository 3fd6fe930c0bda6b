import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@shardis/source'] },
  test: {
    include: ['test/**/*.test.ts'],
    // Suites start their own redis-server processes: one file at a time keeps 2 cores honest.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
