import { InvalidArgumentError, UnknownHashError } from '../errors.ts';
import { city32Hasher } from './city32.ts';
import { city64Hasher } from './city64.ts';
import { crc16Hasher } from './crc16.ts';
import { crc32Hasher } from './crc32.ts';
import { fnv1aHasher } from './fnv1a.ts';
import type { Hasher } from './hasher.ts';
import { md5Hasher } from './md5.ts';
import { murmur3Hasher } from './murmur3.ts';
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
 * Name of the hasher used when none is given: XXH3-64, the fastest 64-bit hash of good quality on
 * keys. xxHash passes SMHasher; FNV-1a is a little faster on keys but avalanches poorly, and
 * SipHash needs a secret. XXH3 also exists in most languages, so clients elsewhere can match it.
 *
 * Measured 2026-11-25 on the project machine (2 shared vCPUs, Node 20.20), ns per hash: median of
 * three runs of 7 interleaved repetitions, process CPU time, outputs checked against the native
 * and node:crypto results first. Pure TypeScript unless marked.
 *
 *                              key 14–20 B    64 B     256 B   1 KiB
 *   xxh3                          40–77*     67–145*     382    1088
 *   xxhash64                        65          224      451    1371
 *   murmur3 (h1 of x64_128)         96          201      614    2395
 *   fnv1a (64-bit)                  37          114      448    1768
 *   city64                          67          302     1256    5558
 *   siphash13 (keyed)               61          121      370    2012
 *   @node-rs/xxhash xxh3 (native)  103          116      191     489
 *   @node-rs/xxhash xxh64 (native)  99          100      106     147
 *   node:crypto md5                987         1121     1349    2178
 *
 *   * Two modes from run to run, as V8's concurrent compiler happens to optimise the short path;
 *     with --single-threaded it is a steady 44 ns (64 B: 68 ns). XXH3 beats XXH64 at every length
 *     from 1 to 64 bytes (1 B: 12 vs 20 ns, 8 B: 14–24 vs 41, 16 B: 43 vs 65, 32 B: 38 vs 182).
 *
 * Through KeyHasher with a string key (UTF-8 encoding and hash-tag scan included): xxh3 81–82 ns,
 * xxhash64 95–99, murmur3 128–133, fnv1a 67. A native call costs more than hashing a key in JS.
 */
export const DEFAULT_HASH = 'xxh3';

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
