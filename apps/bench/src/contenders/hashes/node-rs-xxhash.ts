import { xxh3, xxh64 } from '@node-rs/xxhash';
import { hex64, type HashContender } from './contract.ts';

// N-API calls that return a BigInt: the native call costs more than hashing a short key in JS.
export const nodeRsXxh64Contender: HashContender = {
  name: '@node-rs/xxhash xxh64',
  origin: 'native (N-API)',
  output: 'xxh64',
  load: async () => ({
    bytes: (input) => xxh64(input),
    key: (key) => xxh64(key),
    digest: (input) => hex64(xxh64(input)),
  }),
};

export const nodeRsXxh3Contender: HashContender = {
  name: '@node-rs/xxhash xxh3',
  origin: 'native (N-API)',
  output: 'xxh3-64',
  load: async () => ({
    bytes: (input) => xxh3.xxh64(input),
    key: (key) => xxh3.xxh64(key),
    digest: (input) => hex64(xxh3.xxh64(input)),
  }),
};
