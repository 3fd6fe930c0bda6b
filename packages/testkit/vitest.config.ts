import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@shardis/source'] },
  test: { include: ['test/**/*.test.ts'], fileParallelism: false, testTimeout: 30_000, hookTimeout: 60_000 },
});
