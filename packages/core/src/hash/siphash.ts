import { InvalidArgumentError } from '../errors.ts';
import type { Hasher } from './hasher.ts';
import { read32 } from './u64.ts';

/**
 * SipHash-c-d (Aumasson & Bernstein, reference in github.com/veorq/SipHash), keyed with 128 bits:
 * the hash to pick when keys come from people who might choose them to pile onto one node, since
 * without the key nobody can predict where a key lands. SipHash-2-4 is the paper's
 * recommendation; SipHash-1-3 is the faster variant Rust and Python use for hash tables.
 */

/** v0..v3 as (high, low) pairs; module-level so that a call allocates nothing. */
const v = new Int32Array(8);

/** `rounds` SipRounds on `v`, with the state held in locals for the duration. */
function sipRounds(rounds: number): void {
  let v0h = v[0]!;
  let v0l = v[1]!;
  let v1h = v[2]!;
  let v1l = v[3]!;
  let v2h = v[4]!;
  let v2l = v[5]!;
  let v3h = v[6]!;
  let v3l = v[7]!;
  let t: number;
  for (let r = 0; r < rounds; r++) {
    // v0 += v1; v1 = rotl(v1, 13) ^ v0; v0 = rotl(v0, 32)
    t = (v0l >>> 0) + (v1l >>> 0);
    v0h = (v0h + v1h + (t > 0xffffffff ? 1 : 0)) | 0;
    v0l = t | 0;
    t = v1h;
    v1h = ((v1h << 13) | (v1l >>> 19)) ^ v0h;
    v1l = ((v1l << 13) | (t >>> 19)) ^ v0l;
    t = v0h;
    v0h = v0l;
    v0l = t;
    // v2 += v3; v3 = rotl(v3, 16) ^ v2
    t = (v2l >>> 0) + (v3l >>> 0);
    v2h = (v2h + v3h + (t > 0xffffffff ? 1 : 0)) | 0;
    v2l = t | 0;
    t = v3h;
    v3h = ((v3h << 16) | (v3l >>> 16)) ^ v2h;
    v3l = ((v3l << 16) | (t >>> 16)) ^ v2l;
    // v0 += v3; v3 = rotl(v3, 21) ^ v0
    t = (v0l >>> 0) + (v3l >>> 0);
    v0h = (v0h + v3h + (t > 0xffffffff ? 1 : 0)) | 0;
    v0l = t | 0;
    t = v3h;
    v3h = ((v3h << 21) | (v3l >>> 11)) ^ v0h;
    v3l = ((v3l << 21) | (t >>> 11)) ^ v0l;
    // v2 += v1; v1 = rotl(v1, 17) ^ v2; v2 = rotl(v2, 32)
    t = (v2l >>> 0) + (v1l >>> 0);
    v2h = (v2h + v1h + (t > 0xffffffff ? 1 : 0)) | 0;
    v2l = t | 0;
    t = v1h;
    v1h = ((v1h << 17) | (v1l >>> 15)) ^ v2h;
    v1l = ((v1l << 17) | (t >>> 15)) ^ v2l;
    t = v2h;
    v2h = v2l;
    v2l = t;
  }
  v[0] = v0h;
  v[1] = v0l;
  v[2] = v1h;
  v[3] = v1l;
  v[4] = v2h;
  v[5] = v2l;
  v[6] = v3h;
  v[7] = v3l;
}

/** Absorbs the message word (mh:ml): `v3 ^= m; c rounds; v0 ^= m`. */
function absorb(mh: number, ml: number, c: number): void {
  v[6] = v[6]! ^ mh;
  v[7] = v[7]! ^ ml;
  sipRounds(c);
  v[0] = v[0]! ^ mh;
  v[1] = v[1]! ^ ml;
}

/**
 * SipHash-c-d of `bytes[0, length)` under the key (k0, k1), each given as (high, low) halves of
 * the little-endian key words. Writes the 64-bit tag to `out` (low, high).
 */
function sipHash(
  c: number,
  d: number,
  key: Int32Array,
  bytes: Uint8Array,
  length: number,
  out: Uint32Array,
): void {
  // "somepseudorandomlygeneratedbytes"
  v[0] = key[0]! ^ 0x736f6d65;
  v[1] = key[1]! ^ 0x70736575;
  v[2] = key[2]! ^ 0x646f7261;
  v[3] = key[3]! ^ 0x6e646f6d;
  v[4] = key[0]! ^ 0x6c796765;
  v[5] = key[1]! ^ 0x6e657261;
  v[6] = key[2]! ^ 0x74656462;
  v[7] = key[3]! ^ 0x79746573;
  const end = length & ~7;
  for (let i = 0; i < end; i += 8) absorb(read32(bytes, i + 4), read32(bytes, i), c);
  // Last word: the remaining bytes, with the length's low byte in the top byte.
  let ml = 0;
  let mh = length << 24;
  for (let j = length - 1; j >= end; j--) {
    const byte = bytes[j]!;
    if (j - end >= 4) mh |= byte << ((j - end - 4) * 8);
    else ml |= byte << ((j - end) * 8);
  }
  absorb(mh, ml, c);
  v[5] = v[5]! ^ 0xff;
  sipRounds(d);
  out[0] = v[1]! ^ v[3]! ^ v[5]! ^ v[7]!;
  out[1] = v[0]! ^ v[2]! ^ v[4]! ^ v[6]!;
}

/** Splits a 16-byte key into (k0 high, k0 low, k1 high, k1 low), reading words little-endian. */
function keyWords(key: Uint8Array): Int32Array {
  if (!(key instanceof Uint8Array) || key.length !== 16) {
    // The key is a secret: describe it, never print it.
    throw new InvalidArgumentError('key', 'must be a Uint8Array of exactly 16 bytes');
  }
  return Int32Array.of(read32(key, 4), read32(key, 0), read32(key, 12), read32(key, 8));
}

function keyedHasher(name: string, c: number, d: number, key: Uint8Array): Hasher {
  const words = keyWords(key);
  const out = new Uint32Array(2);
  return {
    name,
    hash32(bytes: Uint8Array, length: number): number {
      sipHash(c, d, words, bytes, length, out);
      return out[0]!;
    },
    hash64(bytes: Uint8Array, length: number, result: Uint32Array): void {
      sipHash(c, d, words, bytes, length, result);
    },
  };
}

/**
 * The `siphash24` hasher under a 16-byte key (bytes in the order of the reference's `k[16]`).
 * `hash64` is the 64-bit tag, `hash32` its low 32 bits. The key is copied: changing the array
 * afterwards does not change the hasher.
 */
export function sipHash24(key: Uint8Array): Hasher {
  return keyedHasher('siphash24', 2, 4, key);
}

/** As `sipHash24`, with 1 compression and 3 finalisation rounds: the `siphash13` hasher. */
export function sipHash13(key: Uint8Array): Hasher {
  return keyedHasher('siphash13', 1, 3, key);
}
