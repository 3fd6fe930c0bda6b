import type { Hasher } from './hasher.ts';
import { HI, TWO_TO_MINUS_32, add64, mul64High, read32 } from './u64.ts';

/**
 * MurmurHash3 (Austin Appleby, src/MurmurHash3.cpp in aappleby/smhasher), x86_32 and x64_128,
 * on little-endian blocks as on x86: the same values as the reference on every platform.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** MurmurHash3_x86_32 of `bytes[0, length)`; `seed` is a uint32. */
export function murmur3x86_32(bytes: Uint8Array, length: number, seed = 0): number {
  let h = seed | 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = Math.imul(read32(bytes, i), C1);
    k = Math.imul((k << 15) | (k >>> 17), C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = length & 3;
  if (rest !== 0) {
    let k = readTail(bytes, blocks, rest);
    k = Math.imul(k, C1);
    k = Math.imul((k << 15) | (k >>> 17), C2);
    h ^= k;
  }
  h ^= length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Little-endian value of `count` (1..4) bytes at `start`. */
function readTail(bytes: Uint8Array, start: number, count: number): number {
  let k = 0;
  for (let j = count - 1; j >= 0; j--) k = (k << 8) | bytes[start + j]!;
  return k;
}

const K1H = 0x87c37b91;
const K1L = 0x114253d5;
const K2H = 0x4cf5ad43;
const K2L = 0x2745937f;

/** `fmix64`, the finaliser, writing the result's halves to `out[at]` (low) and `out[at + 1]`. */
function fmix64(h: number, l: number, out: Uint32Array, at: number): void {
  l ^= h >>> 1;
  let ph = mul64High(h, l, 0xff51afd7, 0xed558ccd);
  let pl = Math.imul(l, 0xed558ccd);
  l = pl ^ (ph >>> 1);
  h = ph;
  ph = mul64High(h, l, 0xc4ceb9fe, 0x1a85ec53);
  pl = Math.imul(l, 0x1a85ec53);
  out[at] = pl ^ (ph >>> 1);
  out[at + 1] = ph;
}

/** `k = rotl(k * m1, r) * m2`, the per-word mix: returns the low half, leaves the high in `HI[0]`. */
function mixWord(kh: number, kl: number, r: number, m1h: number, m1l: number, m2h: number, m2l: number): number {
  const ph = mul64High(kh, kl, m1h, m1l);
  const pl = Math.imul(kl, m1l);
  // r is 31 or 33: rotl by 33 is rotl by 1 with the halves swapped.
  const rh = r === 31 ? (ph << 31) | (pl >>> 1) : (pl << 1) | (ph >>> 31);
  const rl = r === 31 ? (pl << 31) | (ph >>> 1) : (ph << 1) | (pl >>> 31);
  HI[0] = mul64High(rh, rl, m2h, m2l);
  return Math.imul(rl, m2l);
}

/**
 * MurmurHash3_x64_128 of `bytes[0, length)` with a uint32 `seed`. Writes the 16 digest bytes as
 * little-endian words: `out[0..1]` = h1 (low, high), `out[2..3]` = h2.
 */
export function murmur3x64_128(bytes: Uint8Array, length: number, out: Uint32Array, seed = 0): void {
  let h1h = 0;
  let h1l = seed | 0;
  let h2h = 0;
  let h2l = seed | 0;
  let t: number;
  const blocks = length & ~15;
  for (let i = 0; i < blocks; i += 16) {
    // h1 ^= mix(k1); h1 = rotl(h1, 27) + h2; h1 = h1 * 5 + 0x52dce729
    h1l ^= mixWord(read32(bytes, i + 4), read32(bytes, i), 31, K1H, K1L, K2H, K2L);
    h1h ^= HI[0]!;
    let rh = (h1h << 27) | (h1l >>> 5);
    let rl = (h1l << 27) | (h1h >>> 5);
    t = (rl >>> 0) + (h2l >>> 0);
    rh = (rh + h2h + (t > 0xffffffff ? 1 : 0)) | 0;
    t = (t >>> 0) * 5 + 0x52dce729;
    h1h = (Math.imul(rh, 5) + Math.floor(t * TWO_TO_MINUS_32)) | 0;
    h1l = t | 0;
    // h2 ^= mix(k2); h2 = rotl(h2, 31) + h1; h2 = h2 * 5 + 0x38495ab5
    h2l ^= mixWord(read32(bytes, i + 12), read32(bytes, i + 8), 33, K2H, K2L, K1H, K1L);
    h2h ^= HI[0]!;
    rh = (h2h << 31) | (h2l >>> 1);
    rl = (h2l << 31) | (h2h >>> 1);
    t = (rl >>> 0) + (h1l >>> 0);
    rh = (rh + h1h + (t > 0xffffffff ? 1 : 0)) | 0;
    t = (t >>> 0) * 5 + 0x38495ab5;
    h2h = (Math.imul(rh, 5) + Math.floor(t * TWO_TO_MINUS_32)) | 0;
    h2l = t | 0;
  }
  const rest = length & 15;
  if (rest > 8) {
    const kh = rest > 12 ? readTail(bytes, blocks + 12, rest - 12) : 0;
    h2l ^= mixWord(kh, readTail(bytes, blocks + 8, rest > 12 ? 4 : rest - 8), 33, K2H, K2L, K1H, K1L);
    h2h ^= HI[0]!;
  }
  if (rest !== 0) {
    const kh = rest > 4 ? readTail(bytes, blocks + 4, rest > 8 ? 4 : rest - 4) : 0;
    h1l ^= mixWord(kh, readTail(bytes, blocks, rest > 4 ? 4 : rest), 31, K1H, K1L, K2H, K2L);
    h1h ^= HI[0]!;
  }
  // The reference xors in a 64-bit length; lengths here stay below 2^32.
  h1l ^= length;
  h2l ^= length;
  // h1 += h2; h2 += h1; h1 = fmix(h1); h2 = fmix(h2); h1 += h2; h2 += h1
  h1l = add64(h1h, h1l, h2h, h2l);
  h1h = HI[0]!;
  h2l = add64(h2h, h2l, h1h, h1l);
  h2h = HI[0]!;
  fmix64(h1h, h1l, out, 0);
  fmix64(h2h, h2l, out, 2);
  h1l = add64(out[1]!, out[0]!, out[3]!, out[2]!);
  h1h = HI[0]!;
  out[2] = add64(out[3]!, out[2]!, h1h, h1l);
  out[3] = HI[0]!;
  out[0] = h1l;
  out[1] = h1h;
}

const out128 = new Uint32Array(4);

/**
 * The `murmur3` hasher: `hash32` is MurmurHash3_x86_32 with seed 0, `hash64` is h1 (the first
 * 8 digest bytes, little-endian) of MurmurHash3_x64_128 with seed 0. The two widths are two
 * different functions, each the standard one for its width, so neither is a truncation of a
 * hash that other libraries do not compute.
 */
export const murmur3Hasher: Hasher = {
  name: 'murmur3',
  hash32: murmur3x86_32,
  hash64(bytes: Uint8Array, length: number, out: Uint32Array): void {
    murmur3x64_128(bytes, length, out128);
    out[0] = out128[0]!;
    out[1] = out128[1]!;
  },
};
