import type { Hasher } from './hasher.ts';
import { read32 } from './u64.ts';
import { charCodeAt } from '../strings.ts';

/**
 * MD5 (RFC 1321), for ketama compatibility: libketama and `hashring` place points and keys with
 * it. Not for security. A key of up to 55 bytes is one padded block, compressed once with no
 * allocation; `node:crypto` spends over a microsecond per call on the same work.
 */

/** The current 16-word block; module-level so that a call allocates nothing. */
const x = new Int32Array(16);
const state = new Int32Array(4);

/**
 * Compresses the block in `x` into `state`. The 64 steps are written out, and the message words
 * held in locals: calling a step function 64 times costs more than the arithmetic it does.
 * The constants are RFC 1321's T[i] = floor(2^32 · |sin(i)|).
 */
function compress(): void {
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  const x0 = x[0]!;
  const x1 = x[1]!;
  const x2 = x[2]!;
  const x3 = x[3]!;
  const x4 = x[4]!;
  const x5 = x[5]!;
  const x6 = x[6]!;
  const x7 = x[7]!;
  const x8 = x[8]!;
  const x9 = x[9]!;
  const x10 = x[10]!;
  const x11 = x[11]!;
  const x12 = x[12]!;
  const x13 = x[13]!;
  const x14 = x[14]!;
  const x15 = x[15]!;
  let n: number;
  n = (a + (d ^ (b & (c ^ d))) + x0 + 0xd76aa478) | 0; a = (((n << 7) | (n >>> 25)) + b) | 0;
  n = (d + (c ^ (a & (b ^ c))) + x1 + 0xe8c7b756) | 0; d = (((n << 12) | (n >>> 20)) + a) | 0;
  n = (c + (b ^ (d & (a ^ b))) + x2 + 0x242070db) | 0; c = (((n << 17) | (n >>> 15)) + d) | 0;
  n = (b + (a ^ (c & (d ^ a))) + x3 + 0xc1bdceee) | 0; b = (((n << 22) | (n >>> 10)) + c) | 0;
  n = (a + (d ^ (b & (c ^ d))) + x4 + 0xf57c0faf) | 0; a = (((n << 7) | (n >>> 25)) + b) | 0;
  n = (d + (c ^ (a & (b ^ c))) + x5 + 0x4787c62a) | 0; d = (((n << 12) | (n >>> 20)) + a) | 0;
  n = (c + (b ^ (d & (a ^ b))) + x6 + 0xa8304613) | 0; c = (((n << 17) | (n >>> 15)) + d) | 0;
  n = (b + (a ^ (c & (d ^ a))) + x7 + 0xfd469501) | 0; b = (((n << 22) | (n >>> 10)) + c) | 0;
  n = (a + (d ^ (b & (c ^ d))) + x8 + 0x698098d8) | 0; a = (((n << 7) | (n >>> 25)) + b) | 0;
  n = (d + (c ^ (a & (b ^ c))) + x9 + 0x8b44f7af) | 0; d = (((n << 12) | (n >>> 20)) + a) | 0;
  n = (c + (b ^ (d & (a ^ b))) + x10 + 0xffff5bb1) | 0; c = (((n << 17) | (n >>> 15)) + d) | 0;
  n = (b + (a ^ (c & (d ^ a))) + x11 + 0x895cd7be) | 0; b = (((n << 22) | (n >>> 10)) + c) | 0;
  n = (a + (d ^ (b & (c ^ d))) + x12 + 0x6b901122) | 0; a = (((n << 7) | (n >>> 25)) + b) | 0;
  n = (d + (c ^ (a & (b ^ c))) + x13 + 0xfd987193) | 0; d = (((n << 12) | (n >>> 20)) + a) | 0;
  n = (c + (b ^ (d & (a ^ b))) + x14 + 0xa679438e) | 0; c = (((n << 17) | (n >>> 15)) + d) | 0;
  n = (b + (a ^ (c & (d ^ a))) + x15 + 0x49b40821) | 0; b = (((n << 22) | (n >>> 10)) + c) | 0;
  n = (a + (c ^ (d & (b ^ c))) + x1 + 0xf61e2562) | 0; a = (((n << 5) | (n >>> 27)) + b) | 0;
  n = (d + (b ^ (c & (a ^ b))) + x6 + 0xc040b340) | 0; d = (((n << 9) | (n >>> 23)) + a) | 0;
  n = (c + (a ^ (b & (d ^ a))) + x11 + 0x265e5a51) | 0; c = (((n << 14) | (n >>> 18)) + d) | 0;
  n = (b + (d ^ (a & (c ^ d))) + x0 + 0xe9b6c7aa) | 0; b = (((n << 20) | (n >>> 12)) + c) | 0;
  n = (a + (c ^ (d & (b ^ c))) + x5 + 0xd62f105d) | 0; a = (((n << 5) | (n >>> 27)) + b) | 0;
  n = (d + (b ^ (c & (a ^ b))) + x10 + 0x02441453) | 0; d = (((n << 9) | (n >>> 23)) + a) | 0;
  n = (c + (a ^ (b & (d ^ a))) + x15 + 0xd8a1e681) | 0; c = (((n << 14) | (n >>> 18)) + d) | 0;
  n = (b + (d ^ (a & (c ^ d))) + x4 + 0xe7d3fbc8) | 0; b = (((n << 20) | (n >>> 12)) + c) | 0;
  n = (a + (c ^ (d & (b ^ c))) + x9 + 0x21e1cde6) | 0; a = (((n << 5) | (n >>> 27)) + b) | 0;
  n = (d + (b ^ (c & (a ^ b))) + x14 + 0xc33707d6) | 0; d = (((n << 9) | (n >>> 23)) + a) | 0;
  n = (c + (a ^ (b & (d ^ a))) + x3 + 0xf4d50d87) | 0; c = (((n << 14) | (n >>> 18)) + d) | 0;
  n = (b + (d ^ (a & (c ^ d))) + x8 + 0x455a14ed) | 0; b = (((n << 20) | (n >>> 12)) + c) | 0;
  n = (a + (c ^ (d & (b ^ c))) + x13 + 0xa9e3e905) | 0; a = (((n << 5) | (n >>> 27)) + b) | 0;
  n = (d + (b ^ (c & (a ^ b))) + x2 + 0xfcefa3f8) | 0; d = (((n << 9) | (n >>> 23)) + a) | 0;
  n = (c + (a ^ (b & (d ^ a))) + x7 + 0x676f02d9) | 0; c = (((n << 14) | (n >>> 18)) + d) | 0;
  n = (b + (d ^ (a & (c ^ d))) + x12 + 0x8d2a4c8a) | 0; b = (((n << 20) | (n >>> 12)) + c) | 0;
  n = (a + (b ^ c ^ d) + x5 + 0xfffa3942) | 0; a = (((n << 4) | (n >>> 28)) + b) | 0;
  n = (d + (a ^ b ^ c) + x8 + 0x8771f681) | 0; d = (((n << 11) | (n >>> 21)) + a) | 0;
  n = (c + (d ^ a ^ b) + x11 + 0x6d9d6122) | 0; c = (((n << 16) | (n >>> 16)) + d) | 0;
  n = (b + (c ^ d ^ a) + x14 + 0xfde5380c) | 0; b = (((n << 23) | (n >>> 9)) + c) | 0;
  n = (a + (b ^ c ^ d) + x1 + 0xa4beea44) | 0; a = (((n << 4) | (n >>> 28)) + b) | 0;
  n = (d + (a ^ b ^ c) + x4 + 0x4bdecfa9) | 0; d = (((n << 11) | (n >>> 21)) + a) | 0;
  n = (c + (d ^ a ^ b) + x7 + 0xf6bb4b60) | 0; c = (((n << 16) | (n >>> 16)) + d) | 0;
  n = (b + (c ^ d ^ a) + x10 + 0xbebfbc70) | 0; b = (((n << 23) | (n >>> 9)) + c) | 0;
  n = (a + (b ^ c ^ d) + x13 + 0x289b7ec6) | 0; a = (((n << 4) | (n >>> 28)) + b) | 0;
  n = (d + (a ^ b ^ c) + x0 + 0xeaa127fa) | 0; d = (((n << 11) | (n >>> 21)) + a) | 0;
  n = (c + (d ^ a ^ b) + x3 + 0xd4ef3085) | 0; c = (((n << 16) | (n >>> 16)) + d) | 0;
  n = (b + (c ^ d ^ a) + x6 + 0x04881d05) | 0; b = (((n << 23) | (n >>> 9)) + c) | 0;
  n = (a + (b ^ c ^ d) + x9 + 0xd9d4d039) | 0; a = (((n << 4) | (n >>> 28)) + b) | 0;
  n = (d + (a ^ b ^ c) + x12 + 0xe6db99e5) | 0; d = (((n << 11) | (n >>> 21)) + a) | 0;
  n = (c + (d ^ a ^ b) + x15 + 0x1fa27cf8) | 0; c = (((n << 16) | (n >>> 16)) + d) | 0;
  n = (b + (c ^ d ^ a) + x2 + 0xc4ac5665) | 0; b = (((n << 23) | (n >>> 9)) + c) | 0;
  n = (a + (c ^ (b | ~d)) + x0 + 0xf4292244) | 0; a = (((n << 6) | (n >>> 26)) + b) | 0;
  n = (d + (b ^ (a | ~c)) + x7 + 0x432aff97) | 0; d = (((n << 10) | (n >>> 22)) + a) | 0;
  n = (c + (a ^ (d | ~b)) + x14 + 0xab9423a7) | 0; c = (((n << 15) | (n >>> 17)) + d) | 0;
  n = (b + (d ^ (c | ~a)) + x5 + 0xfc93a039) | 0; b = (((n << 21) | (n >>> 11)) + c) | 0;
  n = (a + (c ^ (b | ~d)) + x12 + 0x655b59c3) | 0; a = (((n << 6) | (n >>> 26)) + b) | 0;
  n = (d + (b ^ (a | ~c)) + x3 + 0x8f0ccc92) | 0; d = (((n << 10) | (n >>> 22)) + a) | 0;
  n = (c + (a ^ (d | ~b)) + x10 + 0xffeff47d) | 0; c = (((n << 15) | (n >>> 17)) + d) | 0;
  n = (b + (d ^ (c | ~a)) + x1 + 0x85845dd1) | 0; b = (((n << 21) | (n >>> 11)) + c) | 0;
  n = (a + (c ^ (b | ~d)) + x8 + 0x6fa87e4f) | 0; a = (((n << 6) | (n >>> 26)) + b) | 0;
  n = (d + (b ^ (a | ~c)) + x15 + 0xfe2ce6e0) | 0; d = (((n << 10) | (n >>> 22)) + a) | 0;
  n = (c + (a ^ (d | ~b)) + x6 + 0xa3014314) | 0; c = (((n << 15) | (n >>> 17)) + d) | 0;
  n = (b + (d ^ (c | ~a)) + x13 + 0x4e0811a1) | 0; b = (((n << 21) | (n >>> 11)) + c) | 0;
  n = (a + (c ^ (b | ~d)) + x4 + 0xf7537e82) | 0; a = (((n << 6) | (n >>> 26)) + b) | 0;
  n = (d + (b ^ (a | ~c)) + x11 + 0xbd3af235) | 0; d = (((n << 10) | (n >>> 22)) + a) | 0;
  n = (c + (a ^ (d | ~b)) + x2 + 0x2ad7d2bb) | 0; c = (((n << 15) | (n >>> 17)) + d) | 0;
  n = (b + (d ^ (c | ~a)) + x9 + 0xeb86d391) | 0; b = (((n << 21) | (n >>> 11)) + c) | 0;
  state[0] = state[0]! + a;
  state[1] = state[1]! + b;
  state[2] = state[2]! + c;
  state[3] = state[3]! + d;
}

/**
 * MD5 of `bytes[0, length)`. Writes the digest as four words, each the little-endian reading of
 * four digest bytes: `out[0]` is digest bytes 0–3, and so on. Ketama takes its four ring points
 * per digest from exactly these words.
 */
export function md5(bytes: Uint8Array, length: number, out: Uint32Array): void {
  state[0] = 0x67452301;
  state[1] = 0xefcdab89;
  state[2] = 0x98badcfe;
  state[3] = 0x10325476;
  let i = 0;
  for (const whole = length - 64; i <= whole; i += 64) {
    for (let w = 0; w < 16; w++) x[w] = read32(bytes, i + 4 * w);
    compress();
  }
  const rest = length - i;
  // Whole words first, then the last 0–3 bytes: a byte-at-a-time read-modify-write of the block
  // (and TypedArray#fill, a builtin call) cost ~20 ns of a 17-byte key's ~135.
  for (let w = 0; w < 16; w++) x[w] = 0;
  let j = 0;
  for (const words = rest & ~3; j < words; j += 4) x[j >> 2] = read32(bytes, i + j);
  for (; j < rest; j++) x[j >> 2] = x[j >> 2]! | (bytes[i + j]! << ((j & 3) << 3));
  x[rest >> 2] = x[rest >> 2]! | (0x80 << ((rest & 3) << 3));
  if (rest >= 56) {
    compress();
    x.fill(0);
  }
  // Bit length, little-endian 64-bit.
  x[14] = length << 3;
  x[15] = length >>> 29;
  compress();
  out[0] = state[0]!;
  out[1] = state[1]!;
  out[2] = state[2]!;
  out[3] = state[3]!;
}

const digest = new Uint32Array(4);

/**
 * The `md5` hasher. `hash32` is digest bytes 0–3 read little-endian, as libketama's
 * `ketama_hashi` and `hashring` read a key's hash; `hash64` is bytes 0–7 little-endian
 * (`out[0]` = bytes 0–3, `out[1]` = bytes 4–7).
 */
/**
 * The first digest word (bytes 0–3, little-endian) of the MD5 of `text[start, end)` when it is
 * ASCII and fits one block (under 56 characters): the ketama key hash, read from the string
 * without copying it to bytes. -1 for any other text; the caller encodes it and calls `md5`.
 */
export function md5FirstWordAscii(text: string, start: number, end: number): number {
  const length = end - start;
  if (length >= 56) return -1;
  let codes = 0;
  for (let w = 0; w < 16; w++) x[w] = 0;
  let j = 0;
  for (const words = length & ~3; j < words; j += 4) {
    const a = charCodeAt(text, start + j);
    const b = charCodeAt(text, start + j + 1);
    const c = charCodeAt(text, start + j + 2);
    const d = charCodeAt(text, start + j + 3);
    codes |= a | b | c | d;
    x[j >> 2] = a | (b << 8) | (c << 16) | (d << 24);
  }
  for (; j < length; j++) {
    const code = charCodeAt(text, start + j);
    codes |= code;
    x[j >> 2] = x[j >> 2]! | (code << ((j & 3) << 3));
  }
  if (codes > 0x7f) return -1;
  x[length >> 2] = x[length >> 2]! | (0x80 << ((length & 3) << 3));
  x[14] = length << 3;
  state[0] = 0x67452301;
  state[1] = 0xefcdab89;
  state[2] = 0x98badcfe;
  state[3] = 0x10325476;
  compress();
  return state[0]! >>> 0;
}

export const md5Hasher: Hasher = {
  name: 'md5',
  hash32Ascii: md5FirstWordAscii,
  hash32(bytes: Uint8Array, length: number): number {
    md5(bytes, length, digest);
    return digest[0]!;
  },
  hash64(bytes: Uint8Array, length: number, out: Uint32Array): void {
    md5(bytes, length, digest);
    out[0] = digest[0]!;
    out[1] = digest[1]!;
  },
};
