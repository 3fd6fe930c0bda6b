import { defineConfig } from 'tsdown';

// Private: built only so apps (the demo) can start local servers at run time, ESM only.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: false,
  clean: true,
  external: [/^@shardis\//],
});
