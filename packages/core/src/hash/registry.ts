import { InvalidArgumentError, UnknownHashError } from '../errors.ts';
import { city32Hasher } from './city32.ts';
import { city64Hasher } from './city64.ts';
import { crc16Hasher } from './crc16.ts';
import { crc32Hasher } from './crc32.ts';
import { fnv1aHasher } from './fnv1a.ts';
import type { Hasher } from './hasher.ts';
import { md5Hasher } from './md5.ts';
import { murmur3Hasher } from './murmur3.ts';
import { murmur3x86Hasher } from './murmur3-x86-128.ts';
import { sha1Hasher } from './sha1.ts';
import { sipHash13, sipHash24 } from './siphash.ts';
import { xxh3Hasher } from './xxh3.ts';
import { xxhash64Hasher } from './xxhash64.ts';

/**
 * Hashers a topology can name. Built-ins are registered here; a user's own hasher is passed as an
 * object (and, for topologies read from Redis, given to the decoder so the name resolves).
 */
const builtins = new Map<string, Hasher>(
  [
    xxh3Hasher,
    xxhash64Hasher,
    murmur3Hasher,
    murmur3x86Hasher,
    fnv1aHasher,
    crc16Hasher,
    crc32Hasher,
    md5Hasher,
    sha1Hasher,
    city64Hasher,
    city32Hasher,
  ].map((hasher) => [hasher.name, hasher]),
);

/** Keyed hashes: a name alone does not make the hasher, the 128-bit key (`hashSeed`) does. */
const keyed = new Map<string, (key: Uint8Array) => Hasher>([
  ['siphash24', sipHash24],
  ['siphash13', sipHash13],
]);

/**
 * Name of the hasher used when none is given: `murmur3x86`, the first 64 bits of
 * MurmurHash3_x86_128. Placement hashes short keys, and in JavaScript the cost of a 64-bit hash
 * on them is the cost of emulating 64-bit products: xxh3 and murmur3 x64 spend one per 8–16 bytes,
 * x86_128 works in four 32-bit lanes and needs none. It passes SMHasher (as xxHash does); FNV-1a
 * avalanches poorly, and SipHash needs a secret. MurmurHash3_x86_128 exists in most languages, so
 * clients elsewhere can match it (digest bytes 0–7, little-endian).
 *
 * Measured 2026-11-25 on the project machine (2 shared vCPUs, Node 20.20), ns per `user:<i>:profile`
 * key through KeyHasher (UTF-8 encoding and hash-tag scan included), 1M keys, same process:
 *   murmur3x86 58, fnv1a 75, city64 99, xxhash64 120, xxh3 127, murmur3 (x64_128) 148.
 * Raw hashing, ns per hash, median of three runs of 7 interleaved repetitions, outputs checked
 * against the native and node:crypto results first (pure TypeScript unless marked):
 *
 *                              key 14–20 B    64 B     256 B   1 KiB
 *   xxh3                          40–77*     67–145*     382    1088
 *   xxhash64                        65          224      451    1371
 *   murmur3 (h1 of x64_128)         96          201      614    2395
 *   murmur3 x86_32                  12           30      114     458
 *   fnv1a (64-bit)                  37          114      448    1768
 *   city64                          67          302     1256    5558
 *   siphash13 (keyed)               61          121      370    2012
 *   @node-rs/xxhash xxh3 (native)  103          116      191     489
 *   @node-rs/xxhash xxh64 (native)  99          100      106     147
 *   node:crypto md5                987         1121     1349    2178
 *
 *   * Two modes from run to run, as V8's concurrent compiler happens to optimise the short path.
 *
 * A native call (N-API, WASM) costs more than hashing a key in JS, so no native hasher is the
 * default; `@node-rs/xxhash` can still be plugged in as a `Hasher`.
 */
export const DEFAULT_HASH = 'murmur3x86';

/** Every name `resolveHasher` accepts, keyed hashes included. */
export function builtinHashNames(): string[] {
  return [...builtins.keys(), ...keyed.keys()];
}

/** True for hashes that need a `hashSeed` (SipHash). */
export function isKeyedHash(name: string): boolean {
  return keyed.has(name);
}

export interface ResolveHasherOptions {
  /**
   * The key of a keyed hash, as exactly 32 hex digits: the 16 key bytes in order. A secret: it
   * never appears in an error message. Required for a keyed hash, an error for any other.
   */
  readonly seed?: string | undefined;
  /** User hashers that a name may refer to, for names that are not built in. */
  readonly extra?: readonly Hasher[] | undefined;
}

/**
 * Resolves a hash: `undefined` gives the default hasher, a name gives the built-in (or `extra`)
 * hasher of that name, and a `Hasher` object is returned as it is. The second argument may also
 * be the `extra` array alone, the form from before keyed hashes.
 *
 * @throws UnknownHashError for a name that is neither built in nor in `extra`;
 *   InvalidArgumentError (`hashSeed`) when a keyed hash has no seed or a malformed one, or an
 *   unkeyed hash is given one; InvalidArgumentError (`options.hash`) for a malformed Hasher.
 */
export function resolveHasher(
  hash: string | Hasher | undefined,
  options?: ResolveHasherOptions | readonly Hasher[],
): Hasher {
  const { seed, extra }: ResolveHasherOptions = isHasherList(options) ? { extra: options } : (options ?? {});
  if (hash === undefined) return unkeyed(builtins.get(DEFAULT_HASH)!, seed);
  if (typeof hash === 'string') {
    const makeKeyed = keyed.get(hash);
    if (makeKeyed !== undefined) return makeKeyed(parseSeed(hash, seed));
    const found = builtins.get(hash) ?? extra?.find((hasher) => hasher.name === hash);
    if (found === undefined) throw new UnknownHashError(hash, builtinHashNames());
    return unkeyed(found, seed);
  }
  const shaped = typeof hash === 'object' && hash !== null && typeof hash.hash32 === 'function' && typeof hash.hash64 === 'function';
  if (!shaped || typeof hash.name !== 'string' || hash.name.length === 0) {
    throw new InvalidArgumentError('options.hash', 'must be a hash name or a Hasher { name, hash32, hash64 }');
  }
  // A keyed Hasher object already holds its key; the seed stored beside it is only checked for form.
  if (keyed.has(hash.name)) parseSeed(hash.name, seed);
  else unkeyed(hash, seed);
  return hash;
}

function isHasherList(options: ResolveHasherOptions | readonly Hasher[] | undefined): options is readonly Hasher[] {
  return Array.isArray(options);
}

function unkeyed(hasher: Hasher, seed: string | undefined): Hasher {
  if (seed !== undefined) {
    throw new InvalidArgumentError('hashSeed', `hash ${JSON.stringify(hasher.name)} is not keyed and takes no seed; remove hashSeed`);
  }
  return hasher;
}

/** The 16 key bytes a seed spells. The messages describe the seed and never quote it. */
function parseSeed(name: string, seed: string | undefined): Uint8Array {
  if (seed === undefined) {
    throw new InvalidArgumentError('hashSeed', `hash ${JSON.stringify(name)} is keyed and needs a seed: 32 hex digits (16 bytes)`);
  }
  if (typeof seed !== 'string' || !/^[0-9a-fA-F]{32}$/.test(seed)) {
    throw new InvalidArgumentError('hashSeed', `the seed of hash ${JSON.stringify(name)} must be exactly 32 hex digits (16 bytes)`);
  }
  const key = new Uint8Array(16);
  for (let i = 0; i < 16; i++) key[i] = parseInt(seed.slice(2 * i, 2 * i + 2), 16);
  return key;
}
