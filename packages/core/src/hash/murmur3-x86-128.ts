import type { Hasher } from './hasher.ts';
import { murmur3x86_32 } from './murmur3.ts';
import { read32 } from './u64.ts';
import { charCodeAt } from '../strings.ts';

/**
 * MurmurHash3_x86_128 (Austin Appleby, src/MurmurHash3.cpp in aappleby/smhasher). Four 32-bit
 * lanes and nothing wider: in JavaScript that makes it the cheapest 64-bit-or-wider hash of good
 * quality for short keys — no 64-bit product to emulate, which is what xxh3 and murmur3 x64 pay
 * for on every 16 bytes. Writes the four result words as the reference lays them out in memory:
 * `out[0..3]` = h1, h2, h3, h4 (little-endian bytes 0–15 of the digest).
 */

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export function murmur3x86_128(bytes: Uint8Array, length: number, out: Uint32Array, seed = 0): void {
  let h1 = seed | 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  const blocks = length & ~15;
  let k1: number;
  let k2: number;
  let k3: number;
  let k4: number;
  for (let i = 0; i < blocks; i += 16) {
    k1 = Math.imul(read32(bytes, i), C1);
    k1 = Math.imul((k1 << 15) | (k1 >>> 17), C2);
    h1 ^= k1;
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (Math.imul(h1 + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(read32(bytes, i + 4), C2);
    k2 = Math.imul((k2 << 16) | (k2 >>> 16), C3);
    h2 ^= k2;
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (Math.imul(h2 + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(read32(bytes, i + 8), C3);
    k3 = Math.imul((k3 << 17) | (k3 >>> 15), C4);
    h3 ^= k3;
    h3 = (h3 << 15) | (h3 >>> 17);
    h3 = (Math.imul(h3 + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(read32(bytes, i + 12), C4);
    k4 = Math.imul((k4 << 18) | (k4 >>> 14), C1);
    h4 ^= k4;
    h4 = (h4 << 13) | (h4 >>> 19);
    h4 = (Math.imul(h4 + h1, 5) + 0x32ac3b17) | 0;
  }
  const rest = length & 15;
  if (rest > 12) {
    k4 = tail(bytes, blocks + 12, rest - 12);
    k4 = Math.imul(k4, C4);
    h4 ^= Math.imul((k4 << 18) | (k4 >>> 14), C1);
  }
  if (rest > 8) {
    k3 = tail(bytes, blocks + 8, Math.min(rest - 8, 4));
    k3 = Math.imul(k3, C3);
    h3 ^= Math.imul((k3 << 17) | (k3 >>> 15), C4);
  }
  if (rest > 4) {
    k2 = tail(bytes, blocks + 4, Math.min(rest - 4, 4));
    k2 = Math.imul(k2, C2);
    h2 ^= Math.imul((k2 << 16) | (k2 >>> 16), C3);
  }
  if (rest > 0) {
    k1 = tail(bytes, blocks, Math.min(rest, 4));
    k1 = Math.imul(k1, C1);
    h1 ^= Math.imul((k1 << 15) | (k1 >>> 17), C2);
  }
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h3 = fmix32(h3);
  h4 = fmix32(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  out[0] = h1;
  out[1] = h2 + h1;
  out[2] = h3 + h1;
  out[3] = h4 + h1;
}

/**
 * `murmur3x86_128` of the UTF-8 bytes of `text[start, end)` when they are all ASCII (then one byte
 * per character), read with charCodeAt: the key path skips copying the key into a byte buffer.
 * Returns false for any other text (what was written to `out` is then meaningless). Only the
 * first two words, the 64 bits placement uses, are written.
 */
export function murmur3x86_128Ascii(text: string, start: number, end: number, out: Uint32Array): boolean {
  const length = end - start;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  codes = 0;
  let k1: number;
  let k2: number;
  let k3: number;
  let k4: number;
  const blocksEnd = start + (length & ~15);
  let i = start;
  for (; i < blocksEnd; i += 16) {
    k1 = word(text, i);
    k2 = word(text, i + 4);
    k3 = word(text, i + 8);
    k4 = word(text, i + 12);
    k1 = Math.imul(k1, C1);
    k1 = Math.imul((k1 << 15) | (k1 >>> 17), C2);
    h1 ^= k1;
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (Math.imul(h1 + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(k2, C2);
    k2 = Math.imul((k2 << 16) | (k2 >>> 16), C3);
    h2 ^= k2;
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (Math.imul(h2 + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(k3, C3);
    k3 = Math.imul((k3 << 17) | (k3 >>> 15), C4);
    h3 ^= k3;
    h3 = (h3 << 15) | (h3 >>> 17);
    h3 = (Math.imul(h3 + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(k4, C4);
    k4 = Math.imul((k4 << 18) | (k4 >>> 14), C1);
    h4 ^= k4;
    h4 = (h4 << 13) | (h4 >>> 19);
    h4 = (Math.imul(h4 + h1, 5) + 0x32ac3b17) | 0;
  }
  const rest = length & 15;
  if (rest > 12) {
    k4 = tailText(text, i + 12, rest - 12);
    k4 = Math.imul(k4, C4);
    h4 ^= Math.imul((k4 << 18) | (k4 >>> 14), C1);
  }
  if (rest > 8) {
    k3 = tailText(text, i + 8, Math.min(rest - 8, 4));
    k3 = Math.imul(k3, C3);
    h3 ^= Math.imul((k3 << 17) | (k3 >>> 15), C4);
  }
  if (rest > 4) {
    k2 = tailText(text, i + 4, Math.min(rest - 4, 4));
    k2 = Math.imul(k2, C2);
    h2 ^= Math.imul((k2 << 16) | (k2 >>> 16), C3);
  }
  if (rest > 0) {
    k1 = tailText(text, i, Math.min(rest, 4));
    k1 = Math.imul(k1, C1);
    h1 ^= Math.imul((k1 << 15) | (k1 >>> 17), C2);
  }
  // A character ≥ 0x80 is not one UTF-8 byte: give up, the caller encodes the key.
  if (codes > 0x7f) return false;
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h3 = fmix32(h3);
  h4 = fmix32(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  out[0] = h1;
  out[1] = h2 + h1;
  return true;
}

/** OR of every character code read since the last reset: a key is ASCII while it stays < 0x80. */
let codes = 0;

/** Four characters as a little-endian word (meaningful only while they are all ASCII). */
function word(text: string, i: number): number {
  const a = charCodeAt(text, i);
  const b = charCodeAt(text, i + 1);
  const c = charCodeAt(text, i + 2);
  const d = charCodeAt(text, i + 3);
  codes |= a | b | c | d;
  return a | (b << 8) | (c << 16) | (d << 24);
}

function tailText(text: string, start: number, count: number): number {
  let k = 0;
  for (let j = count - 1; j >= 0; j--) {
    const code = charCodeAt(text, start + j);
    codes |= code;
    k = (k << 8) | code;
  }
  return k;
}

/** Little-endian value of `count` (1..4) bytes at `start`. */
function tail(bytes: Uint8Array, start: number, count: number): number {
  let k = 0;
  for (let j = count - 1; j >= 0; j--) k = (k << 8) | bytes[start + j]!;
  return k;
}

const scratch = new Uint32Array(4);

/**
 * `murmur3x86`: hash64 = the first 64 bits of MurmurHash3_x86_128 with seed 0 (h1 low, h2 high,
 * i.e. digest bytes 0–7 little-endian); hash32 = MurmurHash3_x86_32 with seed 0.
 */
export const murmur3x86Hasher: Hasher = {
  name: 'murmur3x86',
  hash32: (bytes, length) => murmur3x86_32(bytes, length, 0),
  hash64(bytes, length, out) {
    murmur3x86_128(bytes, length, scratch, 0);
    out[0] = scratch[0]!;
    out[1] = scratch[1]!;
  },
  hash64Ascii: murmur3x86_128Ascii,
};
