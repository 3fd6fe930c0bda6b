import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5, md5FirstWordAscii, md5Hasher } from '../../src/hash/md5.ts';
import { anyBytes, ascii, inScratch } from './support.ts';

/** The test suite of RFC 1321, appendix A.5. */
const RFC1321: ReadonlyArray<readonly [string, string]> = [
  ['', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['a', '0cc175b9c0f1b6a831c399e269772661'],
  ['abc', '900150983cd24fb0d6963f7d28e17f72'],
  ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
  ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
  ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
];

/** The digest bytes as hex, from `md5`'s little-endian words. */
function digestHex(words: Uint32Array): string {
  const bytes = new Uint8Array(words.buffer, words.byteOffset, 16);
  return Buffer.from(bytes).toString('hex');
}

describe('md5', () => {
  const out = new Uint32Array(4);

  it.each(RFC1321)('MD5(%j) = %s', (text, expected) => {
    md5(inScratch(ascii(text)), text.length, out);
    expect(digestHex(out)).toBe(expected);
  });

  it('agrees with node:crypto on random inputs of 0–1,000 bytes and on every padding boundary', () => {
    const check = (bytes: Uint8Array): void => {
      md5(inScratch(bytes), bytes.length, out);
      expect(digestHex(out)).toBe(createHash('md5').update(bytes).digest('hex'));
    };
    for (const length of [55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129]) check(new Uint8Array(length).fill(0x61));
    fc.assert(fc.property(anyBytes(1000), check), { numRuns: 400 });
  });

  it('hash32 reads digest bytes 0–3 little-endian, as libketama ketama_hashi and hashring do', () => {
    const key = ascii('user:1000:profile');
    const digest = createHash('md5').update(key).digest();
    // libketama: (digest[3] << 24) | (digest[2] << 16) | (digest[1] << 8) | digest[0]
    const ketama = ((digest[3]! << 24) | (digest[2]! << 16) | (digest[1]! << 8) | digest[0]!) >>> 0;
    expect(md5Hasher.hash32(key, key.length)).toBe(ketama);
    const pair = new Uint32Array(2);
    md5Hasher.hash64(key, key.length, pair);
    expect([...pair]).toEqual([digest.readUInt32LE(0), digest.readUInt32LE(4)]);
  });
});

describe('the ASCII string path of md5 (ketama key hash)', () => {
  it('equals the first digest word of the UTF-8 bytes for ASCII text under 56 characters', () => {
    const out = new Uint32Array(4);
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 70 }), fc.nat(5), (text, skip) => {
        const start = Math.min(skip, text.length);
        const bytes = new TextEncoder().encode(text.slice(start));
        md5(bytes, bytes.length, out);
        expect(md5FirstWordAscii(text, start, text.length)).toBe(bytes.length < 56 ? out[0] : -1);
      }),
      { numRuns: 3000 },
    );
  });

  it('declines text with any character outside ASCII', () => {
    expect(md5FirstWordAscii('user:é', 0, 6)).toBe(-1);
    expect(md5FirstWordAscii('abc\u0100', 0, 4)).toBe(-1);
  });
});
