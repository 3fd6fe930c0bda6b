import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur3x86_128, murmur3x86_128Ascii } from '../../src/hash/murmur3-x86-128.ts';

const require = createRequire(import.meta.url);
const reference = require('murmurhash3js-revisited') as { x86: { hash128(bytes: Uint8Array, seed?: number): string } };

function hex(bytes: Uint8Array, seed = 0): string {
  const out = new Uint32Array(4);
  murmur3x86_128(bytes, bytes.length, out, seed);
  // murmurhash3js-revisited prints h1..h4 as big-endian hex words, in that order.
  return [...out].map((word) => word.toString(16).padStart(8, '0')).join('');
}

describe('MurmurHash3_x86_128', () => {
  // SMHasher's VerificationTest: hash keys {}, {0}, {0,1}, … {0..254} with seed 256 - i, hash the
  // concatenated 16-byte digests with seed 0, and read the first 4 bytes little-endian.
  it('passes SMHasher\'s verification test (0xB3ECE62A)', () => {
    const digests = new Uint8Array(256 * 16);
    const out = new Uint32Array(4);
    for (let i = 0; i < 256; i++) {
      const key = Uint8Array.from({ length: i }, (_, j) => j);
      murmur3x86_128(key, i, out, 256 - i);
      digests.set(new Uint8Array(out.buffer.slice(0)), i * 16);
    }
    murmur3x86_128(digests, digests.length, out, 0);
    expect(out[0]!.toString(16)).toBe('b3ece62a');
  });

  it('matches murmurhash3js-revisited on random inputs and seeds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 0xffffffff }), (bytes, seed) => {
        expect(hex(bytes, seed)).toBe(reference.x86.hash128(bytes, seed));
      }),
      { numRuns: 2000 },
    );
  });

  it('hashes only bytes[0, length) of a longer buffer', () => {
    const buffer = Uint8Array.from({ length: 64 }, (_, i) => i * 7);
    const a = new Uint32Array(4);
    const b = new Uint32Array(4);
    murmur3x86_128(buffer, 19, a);
    murmur3x86_128(buffer.slice(0, 19), 19, b);
    expect([...a]).toEqual([...b]);
  });
});

describe('the ASCII string path of murmur3x86', () => {
  it('gives the same 64 bits as hashing the UTF-8 bytes, for ASCII text at any offset', () => {
    const out = new Uint32Array(4);
    const fast = new Uint32Array(2);
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 80 }), fc.nat(10), fc.nat(10), (text, a, b) => {
        const start = Math.min(a, text.length);
        const end = Math.max(start, text.length - b);
        const bytes = new TextEncoder().encode(text.slice(start, end));
        murmur3x86_128(bytes, bytes.length, out);
        expect(murmur3x86_128Ascii(text, start, end, fast)).toBe(true);
        expect([fast[0], fast[1]]).toEqual([out[0], out[1]]);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses any text with a character outside ASCII, wherever it is (also ≥ 0x100 in a lane edge)', () => {
    const fast = new Uint32Array(2);
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 0x80, max: 0xffff }), fc.nat(), (text, code, at) => {
        const position = text.length === 0 ? 0 : at % (text.length + 1);
        const mixed = text.slice(0, position) + String.fromCharCode(code) + text.slice(position);
        expect(murmur3x86_128Ascii(mixed, 0, mixed.length, fast)).toBe(false);
      }),
      { numRuns: 3000 },
    );
    expect(murmur3x86_128Ascii('abc\u0100', 0, 4, fast)).toBe(false);
    expect(murmur3x86_128Ascii('abcdefg\u2000', 0, 8, fast)).toBe(false);
  });
});
