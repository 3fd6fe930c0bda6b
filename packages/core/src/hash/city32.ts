import type { Hasher } from './hasher.ts';
import { read32 } from './u64.ts';

/**
 * CityHash32 exactly as Google's CityHash release 1.1.1 (src/city.cc in google/cityhash).
 * CityHash32 first appeared in 1.1; 1.1.1 fixed its 0–4-byte path to treat bytes as signed chars
 * on every platform, which is what this does. Little-endian reads, as the reference on x86.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Right rotation, as the reference's `Rotate32`. */
function rotr(v: number, shift: number): number {
  return (v >>> shift) | (v << (32 - shift));
}

function bswap(v: number): number {
  return (v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24);
}

/** Murmur3's step for combining two 32-bit values. */
function mur(a: number, h: number): number {
  a = Math.imul(rotr(Math.imul(a, C1), 17), C2);
  h = rotr(h ^ a, 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function len0to4(s: Uint8Array, len: number): number {
  let b = 0;
  let c = 9;
  for (let i = 0; i < len; i++) {
    // `signed char` in the reference: bytes ≥ 0x80 are negative.
    b = (Math.imul(b, C1) + ((s[i]! << 24) >> 24)) | 0;
    c ^= b;
  }
  return fmix(mur(b, mur(len, c)));
}

function len5to12(s: Uint8Array, len: number): number {
  let a = len;
  let b = len * 5;
  let c = 9;
  const d = b;
  a = (a + read32(s, 0)) | 0;
  b = (b + read32(s, len - 4)) | 0;
  c = (c + read32(s, (len >>> 1) & 4)) | 0;
  return fmix(mur(c, mur(b, mur(a, d))));
}

function len13to24(s: Uint8Array, len: number): number {
  const a = read32(s, (len >>> 1) - 4);
  const b = read32(s, 4);
  const c = read32(s, len - 8);
  const d = read32(s, len >>> 1);
  const e = read32(s, 0);
  const f = read32(s, len - 4);
  return fmix(mur(f, mur(e, mur(d, mur(c, mur(b, mur(a, len)))))));
}

/** `Rotate32(v * c1, 17) * c2`, the per-word scramble of the long path. */
function scramble(v: number): number {
  return Math.imul(rotr(Math.imul(v, C1), 17), C2);
}

function step(h: number, v: number, shift: number): number {
  return (Math.imul(rotr(h ^ v, shift), 5) + 0xe6546b64) | 0;
}

/** CityHash32 of `bytes[0, length)`. */
export function city32(s: Uint8Array, len: number): number {
  if (len <= 24) {
    const h = len <= 12 ? (len <= 4 ? len0to4(s, len) : len5to12(s, len)) : len13to24(s, len);
    return h >>> 0;
  }
  let h = len;
  let g = Math.imul(C1, len);
  let f = g;
  const a0 = scramble(read32(s, len - 4));
  const a1 = scramble(read32(s, len - 8));
  const a2 = scramble(read32(s, len - 16));
  const a3 = scramble(read32(s, len - 12));
  const a4 = scramble(read32(s, len - 20));
  h = step(step(h, a0, 19), a2, 19);
  g = step(step(g, a1, 19), a3, 19);
  f = (Math.imul(rotr((f + a4) | 0, 19), 5) + 0xe6546b64) | 0;
  let iters = Math.floor((len - 1) / 20);
  let p = 0;
  do {
    const b0 = scramble(read32(s, p));
    const b1 = read32(s, p + 4);
    const b2 = scramble(read32(s, p + 8));
    const b3 = scramble(read32(s, p + 12));
    const b4 = read32(s, p + 16);
    h = step(h, b0, 18);
    f = Math.imul(rotr((f + b1) | 0, 19), C1);
    g = (Math.imul(rotr((g + b2) | 0, 18), 5) + 0xe6546b64) | 0;
    h = step(h, (b3 + b1) | 0, 19);
    g = Math.imul(bswap(g ^ b4), 5);
    h = bswap((h + Math.imul(b4, 5)) | 0);
    f = (f + b0) | 0;
    // PERMUTE3(f, h, g): swap(f, h) then swap(f, g), i.e. (f, h, g) ← (g, f, h).
    const t = f;
    f = g;
    g = h;
    h = t;
    p += 20;
  } while (--iters !== 0);
  g = Math.imul(rotr(g, 11), C1);
  g = Math.imul(rotr(g, 17), C1);
  f = Math.imul(rotr(f, 11), C1);
  f = Math.imul(rotr(f, 17), C1);
  h = rotr((h + g) | 0, 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h = Math.imul(rotr(h, 17), C1);
  h = rotr((h + f) | 0, 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h = Math.imul(rotr(h, 17), C1);
  return h >>> 0;
}

/** The `city32` hasher: `hash32` is CityHash32, `hash64` is `{ low: city32, high: 0 }`. */
export const city32Hasher: Hasher = {
  name: 'city32',
  hash32: city32,
  hash64(bytes: Uint8Array, length: number, out: Uint32Array): void {
    out[0] = city32(bytes, length);
    out[1] = 0;
  },
};
