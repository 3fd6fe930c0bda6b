import { builtinHashNames, isKeyedHash, KeyHasher, resolveHasher, type Hasher } from '@shardis/core';
import { hex32, type HashContender, type HashFunctions } from './contract.ts';

/** A fixed, public seed: the keyed hashes are timed, not kept secret. */
const BENCH_SEED = '000102030405060708090a0b0c0d0e0f';

/**
 * How each shardis hasher's 64-bit result maps to a peer's digest, where a peer exists. md5's
 * `hash64` is digest bytes 0–7 little-endian; sha1's is bytes 0–7 big-endian; crc32's is the CRC.
 */
const outputs: Record<string, { output: string; digest: (lo: number, hi: number, h32: number) => string }> = {
  xxh3: { output: 'xxh3-64', digest: (lo, hi) => hex32(hi) + hex32(lo) },
  xxhash64: { output: 'xxh64', digest: (lo, hi) => hex32(hi) + hex32(lo) },
  md5: { output: 'md5[0..8)', digest: (lo, hi) => leHex(lo) + leHex(hi) },
  sha1: { output: 'sha1[0..8)', digest: (lo, hi) => hex32(hi) + hex32(lo) },
  crc32: { output: 'crc32', digest: (_lo, _hi, h32) => hex32(h32) },
};

function leHex(word: number): string {
  return hex32(((word & 0xff) << 24) | ((word & 0xff00) << 8) | ((word >>> 8) & 0xff00) | (word >>> 24));
}

function functionsOf(hasher: Hasher): HashFunctions {
  const out = new Uint32Array(2);
  const keyHasher = new KeyHasher(hasher, true);
  const mapping = outputs[hasher.name];
  return {
    // hash64 is what jump, rendezvous and ring seeds call; a 64-bit hash is the fair comparison.
    bytes(input) {
      hasher.hash64(input, input.length, out);
      return out[0];
    },
    key(key) {
      keyHasher.hash64(key);
      return keyHasher.lo;
    },
    digest(input) {
      hasher.hash64(input, input.length, out);
      const h32 = hasher.hash32(input, input.length);
      return mapping === undefined ? hex32(out[1]!) + hex32(out[0]!) : mapping.digest(out[0]!, out[1]!, h32);
    },
  };
}

/** One contender per built-in shardis hash, read from the registry so new hashes join by themselves. */
export function shardisHashContenders(): HashContender[] {
  return builtinHashNames().map((name) => ({
    name: `shardis ${name}`,
    origin: 'shardis (pure TS)',
    output: outputs[name]?.output ?? `shardis:${name}`,
    load: async () => functionsOf(resolveHasher(name, isKeyedHash(name) ? { seed: BENCH_SEED } : undefined)),
  }));
}
