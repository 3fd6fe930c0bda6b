import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Hasher } from '../../src/hash/hasher.ts';
import { builtinHashNames, isKeyedHash, resolveHasher } from '../../src/hash/registry.ts';
import { anyBytes } from './support.ts';

/** How each hasher's two widths relate, as its doc comment promises. */
const WIDTHS: Record<string, 'low half' | 'high half' | 'zero high' | 'separate'> = {
  xxh3: 'low half',
  xxhash64: 'low half',
  city64: 'low half',
  md5: 'low half',
  siphash24: 'low half',
  siphash13: 'low half',
  sha1: 'high half',
  crc16: 'zero high',
  crc32: 'zero high',
  city32: 'zero high',
  murmur3: 'separate',
  fnv1a: 'separate',
  murmur3x86: 'separate',
};

const SEED = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const hashers: Array<[string, Hasher]> = builtinHashNames().map((name) => [
  name,
  resolveHasher(name, isKeyedHash(name) ? { seed: SEED } : undefined),
]);

function isUint32(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

describe.each(hashers)('hasher %s (the Hasher contract)', (name, hasher) => {
  it('has its registered name and a documented relation between its widths', () => {
    expect(hasher.name).toBe(name);
    expect(WIDTHS[name]).toBeDefined();
  });

  it('hashes only bytes[0, length) of a longer, reused buffer, and keeps no state between calls', () => {
    const out = new Uint32Array(2);
    const scratch = new Uint8Array(2048);
    fc.assert(
      fc.property(anyBytes(1500), fc.integer({ min: 0, max: 255 }), (bytes, garbage) => {
        const exact = new Uint8Array(bytes);
        hasher.hash64(exact, exact.length, out);
        const expected = [out[0], out[1]];
        const expected32 = hasher.hash32(exact, exact.length);
        // Another input in between: no module-level state may leak from one call to the next.
        hasher.hash64(scratch.fill(garbage), 1024, out);
        scratch.set(bytes);
        hasher.hash64(scratch, bytes.length, out);
        expect([out[0], out[1]]).toEqual(expected);
        expect(hasher.hash32(scratch, bytes.length)).toBe(expected32);
      }),
      { numRuns: 60 },
    );
  });

  it('returns unsigned 32-bit integers, related as documented', () => {
    const out = new Uint32Array(2);
    for (const length of [0, 1, 3, 4, 8, 9, 16, 17, 33, 64, 65, 129, 241, 1000]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 151 + length) & 0xff);
      const h32 = hasher.hash32(bytes, length);
      hasher.hash64(bytes, length, out);
      expect(isUint32(h32)).toBe(true);
      const relation = WIDTHS[name];
      if (relation === 'low half') expect(h32).toBe(out[0]);
      if (relation === 'high half') expect(h32).toBe(out[1]);
      if (relation === 'zero high') expect([out[0], out[1]]).toEqual([h32, 0]);
    }
  });
});
