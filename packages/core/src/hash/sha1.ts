import type { Hasher } from './hasher.ts';
import { read32be } from './u64.ts';

/**
 * SHA-1 (FIPS 180-4), for compatibility with placements that were built on it (npm `ketama`,
 * some Java and Go rings). Not for security. Short keys take one block and no allocation.
 */

/** The message schedule; module-level so that a call allocates nothing. */
const w = new Int32Array(80);
const state = new Int32Array(5);

/** Compresses the 16 words at `w[0..15]` into `state`. */
function compress(): void {
  for (let t = 16; t < 80; t++) {
    const v = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
    w[t] = (v << 1) | (v >>> 31);
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let t = 0;
  for (; t < 20; t++) {
    const n = (((a << 5) | (a >>> 27)) + (d ^ (b & (c ^ d))) + e + w[t]! + 0x5a827999) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = n;
  }
  for (; t < 40; t++) {
    const n = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[t]! + 0x6ed9eba1) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = n;
  }
  for (; t < 60; t++) {
    const n = (((a << 5) | (a >>> 27)) + ((b & c) | (d & (b | c))) + e + w[t]! + 0x8f1bbcdc) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = n;
  }
  for (; t < 80; t++) {
    const n = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[t]! + 0xca62c1d6) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = n;
  }
  state[0] = state[0]! + a;
  state[1] = state[1]! + b;
  state[2] = state[2]! + c;
  state[3] = state[3]! + d;
  state[4] = state[4]! + e;
}

/**
 * SHA-1 of `bytes[0, length)`. Writes the digest as five words, each the big-endian reading of
 * four digest bytes, so `out[0].toString(16)` is the start of the usual hex digest.
 */
export function sha1(bytes: Uint8Array, length: number, out: Uint32Array): void {
  state[0] = 0x67452301;
  state[1] = 0xefcdab89;
  state[2] = 0x98badcfe;
  state[3] = 0x10325476;
  state[4] = 0xc3d2e1f0;
  let i = 0;
  for (const whole = length - 64; i <= whole; i += 64) {
    for (let j = 0; j < 16; j++) w[j] = read32be(bytes, i + 4 * j);
    compress();
  }
  w.fill(0, 0, 16);
  const rest = length - i;
  for (let j = 0; j < rest; j++) w[j >> 2] = w[j >> 2]! | (bytes[i + j]! << (24 - ((j & 3) << 3)));
  w[rest >> 2] = w[rest >> 2]! | (0x80 << (24 - ((rest & 3) << 3)));
  if (rest >= 56) {
    compress();
    w.fill(0, 0, 16);
  }
  // Bit length, big-endian 64-bit.
  w[14] = length >>> 29;
  w[15] = length << 3;
  compress();
  for (let j = 0; j < 5; j++) out[j] = state[j]!;
}

const digest = new Uint32Array(5);

/**
 * The `sha1` hasher, big-endian throughout so that it reads like the hex digest: `hash64` is
 * digest bytes 0–7 as a big-endian 64-bit number (`out[1]` = bytes 0–3, `out[0]` = bytes 4–7),
 * and `hash32` is bytes 0–3 big-endian, the high half of `hash64`.
 */
export const sha1Hasher: Hasher = {
  name: 'sha1',
  hash32(bytes: Uint8Array, length: number): number {
    sha1(bytes, length, digest);
    return digest[0]!;
  },
  hash64(bytes: Uint8Array, length: number, out: Uint32Array): void {
    sha1(bytes, length, digest);
    out[0] = digest[1]!;
    out[1] = digest[0]!;
  },
};
