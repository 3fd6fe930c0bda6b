import { defineConfig } from 'tsdown';
import { base } from '../../tsdown.base.ts';

// ioredis is a peer: never bundled, whichever way it is imported.
export default defineConfig({ ...base, external: [/^@shardis\//, /^ioredis(\/|$)/] });
