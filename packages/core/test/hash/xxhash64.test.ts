import fc from 'fast-check';
import { createXXHash64 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { xxhash64, xxhash64Hasher } from '../../src/hash/xxhash64.ts';
import { anyBytes, hex64, inScratch, xxhSanityBuffer } from './support.ts';

/**
 * `XSUM_XXH64_testdata` from cli/xsum_sanity_check.c in github.com/Cyan4973/xxHash (commit
 * b2e9dbb): [length of the sanity buffer, seed, XXH64]. PRIME32 = 2654435761.
 */
const VECTORS: ReadonlyArray<readonly [number, number, string]> = [
  [0, 0, 'ef46db3751d8e999'],
  [0, 2654435761, 'ac75fda2929b17ef'],
  [1, 0, 'e934a84adb052768'],
  [1, 2654435761, '5014607643a9b4c3'],
  [4, 0, '9136a0dca57457ee'],
  [14, 0, '8282dcc4994e35c8'],
  [14, 2654435761, 'c3bd6bf63deb6df0'],
  [222, 0, 'b641ae8cb691c174'],
  [222, 2654435761, '20cb8ab7ae10c14a'],
];

describe('xxhash64', () => {
  const buffer = xxhSanityBuffer(256);
  const out = new Uint32Array(2);

  it.each(VECTORS)('XXH64(sanity[0, %i), seed %i) = %s', (length, seed, expected) => {
    xxhash64(buffer, length, out, seed, 0);
    expect(hex64(out)).toBe(expected);
  });

  it('the hasher is XXH64 with seed 0, and hash32 is its low half', () => {
    xxhash64Hasher.hash64(buffer, 222, out);
    expect(hex64(out)).toBe('b641ae8cb691c174');
    expect(xxhash64Hasher.hash32(buffer, 222)).toBe(0xb691c174);
  });

  it('agrees with hash-wasm on random inputs and 64-bit seeds', async () => {
    const references = new Map<string, Awaited<ReturnType<typeof createXXHash64>>>();
    await fc.assert(
      fc.asyncProperty(anyBytes(600), fc.nat(3), fc.integer({ min: 0, max: 0xffffffff }), async (bytes, pick, high) => {
        const seed: [number, number] = pick === 0 ? [0, 0] : [0x12345678 * pick, high];
        const id = seed.join(':');
        let reference = references.get(id);
        if (reference === undefined) references.set(id, (reference = await createXXHash64(seed[0] >>> 0, seed[1])));
        reference.init();
        reference.update(bytes);
        xxhash64(inScratch(bytes), bytes.length, out, seed[0], seed[1]);
        expect(hex64(out)).toBe(reference.digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
});
