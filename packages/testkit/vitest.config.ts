import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages are tested from source: their `@shardis/source` export points at src/.
  // Vitest resolves imports of tests as server code, which reads `ssr.resolve.conditions`.
  resolve: { conditions: ['@shardis/source'] },
  ssr: { resolve: { conditions: ['@shardis/source', 'module', 'node', 'development|production'] } },
  test: { include: ['test/**/*.test.ts'], fileParallelism: false, testTimeout: 30_000, hookTimeout: 60_000 },
});
