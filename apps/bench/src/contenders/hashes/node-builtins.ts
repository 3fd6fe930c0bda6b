import { createHash, hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { hex32, hexBytes, type HashContender } from './contract.ts';

function createHashContender(algorithm: 'md5' | 'sha1'): HashContender {
  return {
    name: `node:crypto createHash ${algorithm}`,
    origin: 'node:crypto',
    output: `${algorithm}[0..8)`,
    load: async () => ({
      // What hashring and ketama do per lookup.
      bytes: (input) => createHash(algorithm).update(input).digest(),
      key: (key) => createHash(algorithm).update(key).digest(),
      digest: (input) => hexBytes(createHash(algorithm).update(input).digest(), 8),
    }),
  };
}

function oneShotContender(algorithm: 'md5' | 'sha1'): HashContender {
  return {
    name: `node:crypto hash ${algorithm}`,
    origin: 'node:crypto',
    output: `${algorithm}[0..8)`,
    load: async () => ({
      // The one-shot API (Node 20.12+) skips the Hash object.
      bytes: (input) => hash(algorithm, input, 'buffer'),
      key: (key) => hash(algorithm, key, 'buffer'),
      digest: (input) => hexBytes(hash(algorithm, input, 'buffer'), 8),
    }),
  };
}

export const nodeBuiltinHashContenders: readonly HashContender[] = [
  createHashContender('md5'),
  oneShotContender('md5'),
  createHashContender('sha1'),
  oneShotContender('sha1'),
  {
    name: 'node:zlib crc32',
    origin: 'node:zlib',
    output: 'crc32',
    load: async () => ({
      bytes: (input) => crc32(input),
      key: (key) => crc32(key),
      digest: (input) => hex32(crc32(input)),
    }),
  },
];
