import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.ts';
import { jumpHash, jumpHash32 } from '../../src/placement/jump-hash.ts';

const halves = (key: bigint): [number, number] => [Number(key & 0xffffffffn), Number(key >> 32n)];

describe('jumpHash (Lamping & Veach 2014)', () => {
  // Lines "key_hex buckets result" printed by the paper's C++ compiled with g++ 12 on x86-64
  // (fixtures/jump-reference.cc): edge keys × bucket counts up to 2^31 - 1, and 400 random pairs.
  const reference = readFileSync(new URL('fixtures/jump-reference.txt', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [key, buckets, bucket] = line.split(' ');
      return { key: BigInt(`0x${key}`), buckets: Number(buckets), bucket: Number(bucket) };
    });

  it('returns what the reference C++ returns, in both versions', () => {
    expect(reference.length).toBe(520);
    for (const { key, buckets, bucket } of reference) {
      expect(jumpHash(key, buckets)).toBe(bucket);
      expect(jumpHash32(...halves(key), buckets)).toBe(bucket);
    }
  });

  it('matches the vectors published with dgryski/go-jump ("generated from the reference C++ code")', () => {
    const published: [bigint, number[]][] = [
      [0n, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
      [1n, [0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17]],
      [0xdeadbeefn, [0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16]],
      [0x0ddc0ffeebadf00dn, [0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 15, 15, 15, 15]],
    ];
    for (const [key, buckets] of published) {
      buckets.forEach((bucket, i) => {
        expect(jumpHash(key, i + 1)).toBe(bucket);
        expect(jumpHash32(...halves(key), i + 1)).toBe(bucket);
      });
    }
  });

  it('the uint32-halves version equals the BigInt version for arbitrary keys and bucket counts', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 1, max: 0x7fffffff }), (key, buckets) => {
        expect(jumpHash32(...halves(key), buckets)).toBe(jumpHash(key, buckets));
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees on 1,000,000 pseudo-random keys with log-uniform bucket counts', () => {
    // xorshift64* over BigInt: cheap enough to feed many keys without fast-check's shrinking overhead.
    let state = 0x9e3779b97f4a7c15n;
    const mask = (1n << 64n) - 1n;
    let mismatches = 0;
    for (let i = 0; i < 1_000_000; i++) {
      state ^= state >> 12n;
      state ^= (state << 25n) & mask;
      state ^= state >> 27n;
      const key = (state * 0x2545f4914f6cdd1dn) & mask;
      const buckets = Math.min(0x7fffffff, 1 + (Number(key >> 33n) % 2 ** (1 + (i % 31))));
      if (jumpHash32(...halves(key), buckets) !== jumpHash(key, buckets)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('accepts signed 32-bit halves (the result of | and ^) as their unsigned values', () => {
    expect(jumpHash32(-1, -1, 1000)).toBe(jumpHash((1n << 64n) - 1n, 1000));
    expect(jumpHash32(-0x80000000, 0, 77)).toBe(jumpHash(0x80000000n, 77));
  });

  it('is consistent: growing the bucket count only ever moves a key to the new bucket', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 5000 }), (lo, hi, n) => {
        const before = jumpHash32(lo, hi, n);
        const after = jumpHash32(lo, hi, n + 1);
        expect(after === before || after === n).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['buckets', () => jumpHash(1n, 0)],
    ['buckets', () => jumpHash(1n, 2 ** 31)],
    ['buckets', () => jumpHash(1n, 1.5)],
    ['buckets', () => jumpHash32(1, 1, Number.NaN)],
    ['key', () => jumpHash(-1n, 10)],
    ['key', () => jumpHash(1n << 64n, 10)],
    ['key', () => jumpHash(5 as unknown as bigint, 10)],
    ['lo', () => jumpHash32(2 ** 32, 0, 10)],
    ['hi', () => jumpHash32(0, 0.5, 10)],
  ])('rejects a bad %s with InvalidArgumentError', (argument, call) => {
    expect(call).toThrow(InvalidArgumentError);
    try {
      call();
    } catch (error) {
      expect((error as InvalidArgumentError).argument).toBe(argument);
      expect((error as InvalidArgumentError).code).toBe('ERR_INVALID_ARGUMENT');
    }
  });
});
