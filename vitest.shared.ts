import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * Workspace packages are tested from source: their `@shardis/source` export points at src/.
 * Vitest resolves test imports as server code, which reads `ssr.resolve.conditions`, so the
 * condition goes in both places.
 */
export const sourceConditions: ViteUserConfig = {
  resolve: { conditions: ['@shardis/source'] },
  ssr: { resolve: { conditions: ['@shardis/source', 'module', 'node', 'development|production'] } },
};

/** Suites that start their own redis-server processes run one file at a time: 2 cores. */
export function serverSuiteConfig(options: { testTimeout?: number; hookTimeout?: number } = {}): ViteUserConfig {
  return defineConfig({
    ...sourceConditions,
    test: {
      include: ['test/**/*.test.ts'],
      fileParallelism: false,
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: options.hookTimeout ?? 60_000,
    },
  });
}
