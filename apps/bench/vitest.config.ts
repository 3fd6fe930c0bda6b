import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

// The smoke test runs whole suites in a child process: one file at a time, generous timeouts.
export default defineConfig({
  ...sourceConditions,
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 150_000,
  },
});
