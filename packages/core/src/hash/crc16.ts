import type { Hasher } from './hasher.ts';

/**
 * CRC-16/XMODEM (polynomial 0x1021, initial value 0, no reflection, no final xor), exactly as
 * Redis Cluster's src/crc16.c: `crc16("123456789") === 0x31c3`. A Redis Cluster slot is
 * `crc16(key) & 16383`; the slot table lives with the slot placement, not here.
 */

const TABLE = new Uint16Array(256);
for (let n = 0; n < 256; n++) {
  let crc = n << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
  TABLE[n] = crc;
}

/** CRC-16/XMODEM of `bytes[0, length)`. */
export function crc16(bytes: Uint8Array, length: number): number {
  let crc = 0;
  for (let i = 0; i < length; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >>> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** The `crc16` hasher: `hash32` is the 16-bit CRC, `hash64` is `{ low: crc16, high: 0 }`. */
export const crc16Hasher: Hasher = {
  name: 'crc16',
  hash32: crc16,
  hash64(bytes: Uint8Array, length: number, out: Uint32Array): void {
    out[0] = crc16(bytes, length);
    out[1] = 0;
  },
};
