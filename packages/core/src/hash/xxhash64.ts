import type { Hasher } from './hasher.ts';
import { HI, add64, mul64, mul64High, read32, rotl64, sub64 } from './u64.ts';

/**
 * XXH64 (xxHash 64-bit, doc/xxhash_spec.md in Cyan4973/xxHash), seeded. Every 64-bit constant is
 * kept as its two halves; `HI[0]` is the high half left by the last u64 helper call. Inputs of 32
 * bytes and more go through four stripe accumulators; the tail, which is all of a short key, is
 * written out with locals.
 */

const P1H = 0x9e3779b1;
const P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d;
const P2L = 0x27d4eb4f;
const P3H = 0x165667b1;
const P3L = 0x9e3779f9;
const P4H = 0x85ebca77;
const P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f;
const P5L = 0x165667c5;

/** The four stripe accumulators, as high/low halves: module-level so a call allocates nothing. */
const acc = new Int32Array(8);

/** `acc[i] = rotl(acc[i] + lane * P2, 31) * P1`, the XXH64 round, on accumulator `i`. */
function round(i: number, bytes: Uint8Array, at: number): void {
  const vl = read32(bytes, at);
  const vh = read32(bytes, at + 4);
  const t = (acc[i + 1]! >>> 0) + (Math.imul(vl, P2L) >>> 0);
  const sh = (acc[i]! + mul64High(vh, vl, P2H, P2L) + (t > 0xffffffff ? 1 : 0)) | 0;
  const sl = t | 0;
  const rh = (sh << 31) | (sl >>> 1);
  const rl = (sl << 31) | (sh >>> 1);
  acc[i] = mul64High(rh, rl, P1H, P1L);
  acc[i + 1] = Math.imul(rl, P1L);
}

/** `rotl(lane * P2, 31) * P1`, the round applied to a zero accumulator; returns low, `HI[0]` high. */
function round0(h: number, l: number): number {
  l = mul64(h, l, P2H, P2L);
  l = rotl64(HI[0]!, l, 31);
  return mul64(HI[0]!, l, P1H, P1L);
}

/** Hashes `bytes[0, length)` with a 64-bit seed given as halves; writes `out[0]` low, `out[1]` high. */
export function xxhash64(bytes: Uint8Array, length: number, out: Uint32Array, seedLow = 0, seedHigh = 0): void {
  let h: number;
  let l: number;
  let i = 0;
  if (length >= 32) {
    l = add64(seedHigh, seedLow, P1H, P1L);
    acc[1] = add64(HI[0]!, l, P2H, P2L);
    acc[0] = HI[0]!;
    acc[3] = add64(seedHigh, seedLow, P2H, P2L);
    acc[2] = HI[0]!;
    acc[4] = seedHigh;
    acc[5] = seedLow;
    acc[7] = sub64(seedHigh, seedLow, P1H, P1L);
    acc[6] = HI[0]!;
    for (const limit = length - 32; i <= limit; i += 32) {
      round(0, bytes, i);
      round(2, bytes, i + 8);
      round(4, bytes, i + 16);
      round(6, bytes, i + 24);
    }
    l = rotl64(acc[0]!, acc[1]!, 1);
    h = HI[0]!;
    const l2 = rotl64(acc[2]!, acc[3]!, 7);
    l = add64(h, l, HI[0]!, l2);
    h = HI[0]!;
    const l3 = rotl64(acc[4]!, acc[5]!, 12);
    l = add64(h, l, HI[0]!, l3);
    h = HI[0]!;
    const l4 = rotl64(acc[6]!, acc[7]!, 18);
    l = add64(h, l, HI[0]!, l4);
    h = HI[0]!;
    for (let k = 0; k < 8; k += 2) {
      // mergeRound: (h ^ round(0, acc_k)) * P1 + P4
      const rl = round0(acc[k]!, acc[k + 1]!);
      l = mul64(h ^ HI[0]!, l ^ rl, P1H, P1L);
      l = add64(HI[0]!, l, P4H, P4L);
      h = HI[0]!;
    }
  } else {
    l = add64(seedHigh, seedLow, P5H, P5L);
    h = HI[0]!;
  }
  // From here on, which is all the work for a key under 32 bytes, the state stays in locals and
  // every product is written out as Math.imul (low half) and mul64High (high half).
  let t = (l >>> 0) + length;
  l = t | 0;
  h = (h + (t > 0xffffffff ? 1 : 0)) | 0;
  let ph: number;
  let pl: number;
  for (; i + 8 <= length; i += 8) {
    // k = rotl(lane * P2, 31) * P1
    const vl = read32(bytes, i);
    const vh = read32(bytes, i + 4);
    ph = mul64High(vh, vl, P2H, P2L);
    pl = Math.imul(vl, P2L);
    const kh = (ph << 31) | (pl >>> 1);
    const kl = (pl << 31) | (ph >>> 1);
    // h ^= k; h = rotl(h, 27) * P1 + P4
    h ^= mul64High(kh, kl, P1H, P1L);
    l ^= Math.imul(kl, P1L);
    const rh = (h << 27) | (l >>> 5);
    const rl = (l << 27) | (h >>> 5);
    ph = mul64High(rh, rl, P1H, P1L);
    t = (Math.imul(rl, P1L) >>> 0) + P4L;
    l = t | 0;
    h = (ph + P4H + (t > 0xffffffff ? 1 : 0)) | 0;
  }
  if (i + 4 <= length) {
    // h ^= u32 * P1; h = rotl(h, 23) * P2 + P3
    const v = read32(bytes, i);
    h ^= mul64High(0, v, P1H, P1L);
    l ^= Math.imul(v, P1L);
    const rh = (h << 23) | (l >>> 9);
    const rl = (l << 23) | (h >>> 9);
    ph = mul64High(rh, rl, P2H, P2L);
    t = (Math.imul(rl, P2L) >>> 0) + P3L;
    l = t | 0;
    h = (ph + P3H + (t > 0xffffffff ? 1 : 0)) | 0;
    i += 4;
  }
  for (; i < length; i++) {
    // h ^= byte * P5; h = rotl(h, 11) * P1
    const v = bytes[i]!;
    h ^= mul64High(0, v, P5H, P5L);
    l ^= Math.imul(v, P5L);
    const rh = (h << 11) | (l >>> 21);
    const rl = (l << 11) | (h >>> 21);
    h = mul64High(rh, rl, P1H, P1L);
    l = Math.imul(rl, P1L);
  }
  // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
  l ^= h >>> 1;
  ph = mul64High(h, l, P2H, P2L);
  pl = Math.imul(l, P2L);
  l = pl ^ ((pl >>> 29) | (ph << 3));
  h = ph ^ (ph >>> 29);
  ph = mul64High(h, l, P3H, P3L);
  pl = Math.imul(l, P3L);
  out[0] = pl ^ ph;
  out[1] = ph;
}

const out64 = new Uint32Array(2);

/** XXH64 with seed 0. `hash32` is the low 32 bits of the 64-bit hash. */
export const xxhash64Hasher: Hasher = {
  name: 'xxhash64',
  hash32(bytes: Uint8Array, length: number): number {
    xxhash64(bytes, length, out64);
    return out64[0]!;
  },
  hash64: xxhash64,
};
