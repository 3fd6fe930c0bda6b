import { defineConfig } from 'tsdown';

// An app, not a library: one ESM file with the workspace packages bundled in from their source
// (so the binary is what the tests ran), and only the npm dependencies left as imports.
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: false,
  clean: true,
  sourcemap: true,
  noExternal: [/^@shardis\//],
  external: ['ioredis', 'commander'],
  inputOptions: { resolve: { conditionNames: ['@shardis/source', 'import', 'node', 'default'] } },
});
