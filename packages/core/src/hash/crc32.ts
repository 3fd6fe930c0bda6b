import type { Hasher } from './hasher.ts';

/**
 * CRC-32 as in IEEE 802.3, zlib and PNG (reflected polynomial 0xEDB88320, initial value and final
 * xor 0xFFFFFFFF): `crc32("123456789") === 0xcbf43926`. Table-driven, one byte at a time: keys
 * are short, and one 1 KiB table stays in cache where slicing-by-8 would need 8 KiB.
 */

const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let crc = n;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  TABLE[n] = crc;
}

/** CRC-32 of `bytes[0, length)`, unsigned. */
export function crc32(bytes: Uint8Array, length: number): number {
  let crc = -1;
  for (let i = 0; i < length; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return ~crc >>> 0;
}

/** The `crc32` hasher: `hash32` is the CRC, `hash64` is `{ low: crc32, high: 0 }`. */
export const crc32Hasher: Hasher = {
  name: 'crc32',
  hash32: crc32,
  hash64(bytes: Uint8Array, length: number, out: Uint32Array): void {
    out[0] = crc32(bytes, length);
    out[1] = 0;
  },
};
