import { describe, expect, it } from 'vitest';
import { fnv1a32, fnv1a64, fnv1aHasher } from '../../src/hash/fnv1a.ts';
import { ascii, hex64, inScratch } from './support.ts';

/**
 * "", "a" and "foobar" are the test vectors of draft-eastlake-fnv-14 (section 8, "Test Vectors");
 * the others come from Landon Curt Noll's test_fnv.c (the FNV authors' suite). Each row is
 * [input, FNV-1a 32, FNV-1a 64].
 */
const VECTORS: ReadonlyArray<readonly [string, number, string]> = [
  ['', 0x811c9dc5, 'cbf29ce484222325'],
  ['a', 0xe40c292c, 'af63dc4c8601ec8c'],
  ['b', 0xe70c2de5, 'af63df4c8601f1a5'],
  ['c', 0xe60c2c52, 'af63de4c8601eff2'],
  ['foobar', 0xbf9cf968, '85944171f73967e8'],
];

describe('fnv1a', () => {
  const out = new Uint32Array(2);

  it.each(VECTORS)('FNV-1a(%j) = %i / %s', (text, expected32, expected64) => {
    const bytes = inScratch(ascii(text));
    expect(fnv1a32(bytes, text.length)).toBe(expected32);
    fnv1a64(bytes, text.length, out);
    expect(hex64(out)).toBe(expected64);
  });

  it('agrees with the definition (BigInt arithmetic) on long inputs', () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37 + 11) & 0xff);
    let h = 0xcbf29ce484222325n;
    for (const byte of bytes) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
    fnv1a64(bytes, bytes.length, out);
    expect(hex64(out)).toBe(h.toString(16).padStart(16, '0'));
  });

  it('the hasher: hash32 is FNV-1a 32 and hash64 is FNV-1a 64 (two functions, not a truncation)', () => {
    expect(fnv1aHasher.hash32(ascii('foobar'), 6)).toBe(0xbf9cf968);
    fnv1aHasher.hash64(ascii('foobar'), 6, out);
    expect(hex64(out)).toBe('85944171f73967e8');
  });
});
