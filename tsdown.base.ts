import type { UserConfig } from 'tsdown';

/** Every published package ships ESM and CommonJS with declarations for both. */
export const base: UserConfig = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'node20',
  unbundle: false,
  treeshake: true,
};
