import fc from 'fast-check';
import { createXXHash3 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { xxh3, xxh3Hasher } from '../../src/hash/xxh3.ts';
import { anyBytes, halves, hex64, inScratch, xxhSanityBuffer } from './support.ts';

const PRIME64 = '9e3779b185ebca8d';

/**
 * `XSUM_XXH3_testdata` (XXH3_64bits_withSeed) from cli/xsum_sanity_check.c in
 * github.com/Cyan4973/xxHash (commit b2e9dbb): [length of the sanity buffer, seed, XXH3-64].
 * The lengths cover every path: 0, 1–3, 4–8, 9–16, 17–32, 33–64, 65–96, 129–240, and the long
 * path with partial, whole and overlapping stripes and blocks.
 */
const VECTORS: ReadonlyArray<readonly [number, string, string]> = [
  [0, '0', '2d06800538d394c2'],
  [0, PRIME64, 'a8a6b918b2f0364a'],
  [1, '0', 'c44bdff4074eecdb'],
  [1, PRIME64, '032be332dd766ef8'],
  [6, '0', '27b56a84cd2d7325'],
  [6, PRIME64, '84589c116ab59ab9'],
  [12, '0', 'a713daf0dfbb77e7'],
  [12, PRIME64, 'e7303e1b2336de0e'],
  [24, '0', 'a3fe70bf9d3510eb'],
  [24, PRIME64, '850e80fc35bdd690'],
  [48, '0', '397da259ecba1f11'],
  [48, PRIME64, 'adc2cbaa44acc616'],
  [80, '0', 'bcdefbbb2c47c90a'],
  [80, PRIME64, 'c6dd0cb699532e73'],
  [195, '0', 'cd94217ee362ec3a'],
  [195, PRIME64, 'ba68003d370cb3d9'],
  [403, '0', 'cdeb804d65c6dea4'],
  [403, PRIME64, '6259f6ecfd6443fd'],
  [512, '0', '617e49599013cb6b'],
  [512, PRIME64, '3ce457de14c27708'],
  [2048, '0', 'dd59e2c3a5f038e0'],
  [2048, PRIME64, '66f81670669ababc'],
  [2099, '0', 'c6b9d9b3fc9ac765'],
  [2099, PRIME64, '184f316843663974'],
  [2240, '0', '6e73a90539cf2948'],
  [2240, PRIME64, '757ba8487d1b5247'],
  [2367, '0', 'cb37aeb9e5d361ed'],
  [2367, PRIME64, 'd2db3415b942b42a'],
];

describe('xxh3 (XXH3-64)', () => {
  const buffer = xxhSanityBuffer(2367);
  const out = new Uint32Array(2);

  it.each(VECTORS)('XXH3_64bits_withSeed(sanity[0, %i), seed 0x%s) = %s', (length, seed, expected) => {
    const [low, high] = halves(seed);
    xxh3(inScratch(buffer.subarray(0, length)), length, out, low, high);
    expect(hex64(out)).toBe(expected);
  });

  it('a seeded call does not disturb the next unseeded one (the seed cache is keyed by seed)', () => {
    const [low, high] = halves(PRIME64);
    xxh3(buffer, 24, out, low, high);
    xxh3(buffer, 24, out);
    expect(hex64(out)).toBe('a3fe70bf9d3510eb');
  });

  it('the hasher is XXH3-64 with seed 0, and hash32 is its low half', () => {
    xxh3Hasher.hash64(buffer, 48, out);
    expect(hex64(out)).toBe('397da259ecba1f11');
    expect(xxh3Hasher.hash32(buffer, 48)).toBe(0xecba1f11);
  });

  it('agrees with hash-wasm on random inputs of every path, and on random seeds', async () => {
    const seeds: Array<[number, number]> = [[0, 0], [1, 0], [0x85ebca8d, 0x9e3779b1], [0xffffffff, 0xffffffff]];
    const references = await Promise.all(seeds.map(([low, high]) => createXXHash3(low, high)));
    await fc.assert(
      fc.property(anyBytes(3000), fc.nat(seeds.length - 1), (bytes, pick) => {
        const reference = references[pick]!;
        reference.init();
        reference.update(bytes);
        xxh3(inScratch(bytes), bytes.length, out, seeds[pick]![0], seeds[pick]![1]);
        expect(hex64(out)).toBe(reference.digest('hex'));
      }),
      { numRuns: 400 },
    );
  });
});
