import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@shardis/source'] },
  test: {
    include: ['test/**/*.test.ts'],
  },
});
