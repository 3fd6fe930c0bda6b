import { crc16xmodem } from 'crc';
import fc from 'fast-check';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc16, crc16Hasher } from '../../src/hash/crc16.ts';
import { crc32, crc32Hasher } from '../../src/hash/crc32.ts';
import { anyBytes, ascii, inScratch } from './support.ts';

describe('crc16 (XMODEM, as Redis Cluster)', () => {
  it('"123456789" → 0x31C3, the check value in the header of Redis src/crc16.c', () => {
    expect(crc16(ascii('123456789'), 9)).toBe(0x31c3);
    expect(crc16(new Uint8Array(0), 0)).toBe(0);
  });

  // From the Redis documentation of CLUSTER KEYSLOT: a key's slot is crc16(key) mod 16384.
  it.each([
    ['somekey', 11058],
    ['hash_tag', 2515],
  ])('CLUSTER KEYSLOT %s → %i', (key, slot) => {
    expect(crc16(ascii(key), key.length) & 16383).toBe(slot);
  });

  it('agrees with the crc package (crc16xmodem) on random inputs', () => {
    fc.assert(
      fc.property(anyBytes(500), (bytes) => {
        expect(crc16(inScratch(bytes), bytes.length)).toBe(crc16xmodem(Buffer.from(bytes)));
      }),
      { numRuns: 300 },
    );
  });

  it('the hasher: hash32 is the CRC, hash64 is { crc, 0 }', () => {
    const out = new Uint32Array([7, 7]);
    crc16Hasher.hash64(ascii('123456789'), 9, out);
    expect([...out]).toEqual([0x31c3, 0]);
    expect(crc16Hasher.hash32(ascii('123456789'), 9)).toBe(0x31c3);
  });
});

describe('crc32 (IEEE 802.3 / zlib)', () => {
  it.each([
    ['', 0],
    ['123456789', 0xcbf43926],
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
  ])('crc32(%j) = %i', (text, expected) => {
    expect(crc32(inScratch(ascii(text)), text.length)).toBe(expected);
  });

  it('agrees with node:zlib crc32 on random inputs', () => {
    fc.assert(
      fc.property(anyBytes(1000), (bytes) => {
        expect(crc32(inScratch(bytes), bytes.length)).toBe(zlibCrc32(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('the hasher: hash32 is the CRC, hash64 is { crc, 0 }', () => {
    const out = new Uint32Array([7, 7]);
    crc32Hasher.hash64(ascii('123456789'), 9, out);
    expect([...out]).toEqual([0xcbf43926, 0]);
  });
});
