import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha1, sha1Hasher } from '../../src/hash/sha1.ts';
import { anyBytes, ascii, hex64, inScratch } from './support.ts';

function digestHex(words: Uint32Array): string {
  return [...words].map((word) => word.toString(16).padStart(8, '0')).join('');
}

/**
 * FIPS 180 examples (the NIST "Cryptographic Standards and Guidelines: Examples with
 * Intermediate Values" for SHA-1, also RFC 3174 section 7.3), plus the empty message.
 */
const FIPS180: ReadonlyArray<readonly [string, string, string]> = [
  ['empty', '', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  ['one block', 'abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ['two blocks', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
  ['one million "a"', 'a'.repeat(1_000_000), '34aa973cd4c4daa4f61eeb2bdbad27316534016f'],
];

describe('sha1', () => {
  const out = new Uint32Array(5);

  it.each(FIPS180)('SHA-1 of %s', (_name, text, expected) => {
    sha1(inScratch(ascii(text)), text.length, out);
    expect(digestHex(out)).toBe(expected);
  });

  it('agrees with node:crypto on random inputs of 0–1,000 bytes and on every padding boundary', () => {
    const check = (bytes: Uint8Array): void => {
      sha1(inScratch(bytes), bytes.length, out);
      expect(digestHex(out)).toBe(createHash('sha1').update(bytes).digest('hex'));
    };
    for (const length of [55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129]) check(new Uint8Array(length).fill(0x61));
    fc.assert(fc.property(anyBytes(1000), check), { numRuns: 400 });
  });

  it('hash64 is the first 8 digest bytes big-endian, hash32 the first 4', () => {
    const pair = new Uint32Array(2);
    sha1Hasher.hash64(ascii('abc'), 3, pair);
    expect(hex64(pair)).toBe('a9993e364706816a');
    expect(sha1Hasher.hash32(ascii('abc'), 3)).toBe(0xa9993e36);
  });
});
