import { defineConfig } from 'tsdown';

// An app, not a library: one ESM entry, workspace packages bundled from their built output.
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: false,
  clean: true,
  sourcemap: true,
  external: [/^@shardis\//, 'ioredis'],
});
