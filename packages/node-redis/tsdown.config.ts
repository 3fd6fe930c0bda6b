import { defineConfig } from 'tsdown';
import { base } from '../../tsdown.base.ts';

// node-redis is the user's (a peer): its deep imports stay imports, resolved to the user's copy.
export default defineConfig({ ...base, external: [/^@shardis\//, /^@redis\//] });
