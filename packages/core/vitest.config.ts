import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@shardis/source'] },
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests take seconds on an idle machine (the pins/planMove one about 3 s); on a busy
    // 2-core CI runner vitest's 5 s default failed one that was only slow, not hanging.
    testTimeout: 30_000,
  },
});
