import fc from 'fast-check';
import murmur from 'murmurhash3js-revisited';
import { describe, expect, it } from 'vitest';
import { murmur3Hasher, murmur3x64_128, murmur3x86_32 } from '../../src/hash/murmur3.ts';
import { anyBytes, ascii, hex64, inScratch } from './support.ts';

/**
 * SMHasher's `VerificationTest` (src/KeysetTest.cpp in github.com/aappleby/smhasher): hash the
 * keys {}, {0}, {0,1}, … {0..254} with seed 256 − length, concatenate the results, hash that with
 * seed 0, and read the first four bytes little-endian. The expected values are SMHasher's table
 * in src/main.cpp: Murmur3A (x86_32) 0xB0F57EE3, Murmur3F (x64_128) 0x6384BA69.
 */
function verification(width: number, hash: (bytes: Uint8Array, length: number, seed: number, into: Uint8Array) => void): number {
  const key = Uint8Array.from({ length: 256 }, (_, i) => i);
  const hashes = new Uint8Array(width * 256);
  for (let i = 0; i < 256; i++) hash(key, i, 256 - i, hashes.subarray(i * width, (i + 1) * width));
  const final = new Uint8Array(width);
  hash(hashes, hashes.length, 0, final);
  return new DataView(final.buffer).getUint32(0, true);
}

describe('murmur3', () => {
  it('x86_32 passes SMHasher verification (0xB0F57EE3)', () => {
    const value = verification(4, (bytes, length, seed, into) => {
      new DataView(into.buffer, into.byteOffset).setUint32(0, murmur3x86_32(bytes, length, seed), true);
    });
    expect(value).toBe(0xb0f57ee3);
  });

  it('x64_128 passes SMHasher verification (0x6384BA69)', () => {
    const words = new Uint32Array(4);
    const value = verification(16, (bytes, length, seed, into) => {
      murmur3x64_128(bytes, length, words, seed);
      const view = new DataView(into.buffer, into.byteOffset);
      words.forEach((word, i) => view.setUint32(4 * i, word, true));
    });
    expect(value).toBe(0x6384ba69);
  });

  // Widely published x86_32 values (also what the reference C++ returns).
  it.each([
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ])('x86_32(%j, seed %i) = %i', (text, seed, expected) => {
    expect(murmur3x86_32(ascii(text), text.length, seed)).toBe(expected);
  });

  it('the hasher: hash32 is x86_32 seed 0, hash64 is h1 of x64_128 seed 0', () => {
    const bytes = ascii('user:1000:profile');
    const out = new Uint32Array(2);
    murmur3Hasher.hash64(bytes, bytes.length, out);
    expect(hex64(out)).toBe(murmur.x64.hash128(bytes, 0).slice(0, 16));
    expect(murmur3Hasher.hash32(bytes, bytes.length)).toBe(murmur.x86.hash32(bytes, 0) >>> 0);
  });

  it('agrees with murmurhash3js-revisited (a port of the reference) on random inputs and seeds', () => {
    const words = new Uint32Array(4);
    fc.assert(
      fc.property(anyBytes(300), fc.integer({ min: 0, max: 0xffffffff }), (bytes, seed) => {
        const scratch = inScratch(bytes);
        expect(murmur3x86_32(scratch, bytes.length, seed)).toBe(murmur.x86.hash32(bytes, seed) >>> 0);
        murmur3x64_128(scratch, bytes.length, words, seed);
        const h1 = hex64(words);
        const h2 = hex64(words.subarray(2));
        expect(h1 + h2).toBe(murmur.x64.hash128(bytes, seed));
      }),
      { numRuns: 300 },
    );
  });
});
