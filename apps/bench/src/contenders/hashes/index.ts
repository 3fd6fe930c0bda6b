import type { HashContender } from './contract.ts';
import { nodeBuiltinHashContenders } from './node-builtins.ts';
import { nodeRsXxh3Contender, nodeRsXxh64Contender } from './node-rs-xxhash.ts';
import { shardisHashContenders } from './shardis.ts';
import { xxhashWasmContender } from './xxhash-wasm.ts';

export type { HashContender, HashFunctions, HashOrigin } from './contract.ts';

export function hashContenders(): HashContender[] {
  return [...shardisHashContenders(), nodeRsXxh64Contender, nodeRsXxh3Contender, xxhashWasmContender, ...nodeBuiltinHashContenders];
}
