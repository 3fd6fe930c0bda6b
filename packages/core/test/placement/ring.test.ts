import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HASH } from '../../src/hash/registry.ts';
import { createPlacement } from '../../src/placement/registry.ts';
import { DEFAULT_RING_VNODES, MAX_RING_POINTS, ring, ringAlgorithm } from '../../src/placement/ring.ts';
import { buildContinuum, continuumPartitions, firstAtOrAfter, RANK_LIMIT, RING_POINT_SPACE } from '../../src/placement/ring-points.ts';
import { fmix32, fmix64, mixHi } from '../../src/placement/ring-mix.ts';
import { expectError, keysOf, loads, maxOverMean, placementContract, randomFloor, someKey, weightedNodes } from './ring-support.ts';

describe('ring (native)', () => {
  placementContract(ringAlgorithm, (nodes) => ring(nodes), { orderFree: true, fractionalWeights: true });

  it('writes a canonical spec: nodes by id, hash, tags and vnodes', () => {
    const placement = ring([{ id: 'b', weight: 2 }, { id: 'a' }]);
    expect(placement.toSpec()).toEqual({
      algorithm: 'ring',
      hash: DEFAULT_HASH,
      hashTags: true,
      nodes: [{ id: 'a', weight: 1 }, { id: 'b', weight: 2 }],
      params: { vnodes: DEFAULT_RING_VNODES },
    });
    expect(placement.pointFunction).toBe(`ring:fmix32(${DEFAULT_HASH}):tags`);
    expect(ring([{ id: 'a' }], { hash: 'fnv1a', hashTags: false }).pointFunction).toBe('ring:fmix32(fnv1a):whole');
  });

  it('applies hash tags: keys sharing a tag share a node', () => {
    const placement = ring(Array.from({ length: 20 }, (_, i) => ({ id: `n${i}` })));
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 10 }).filter((tag) => !tag.includes('}')), fc.string(), fc.string(), (tag, a, b) => {
      expect(placement.locate(`{${tag}}${a}`)).toBe(placement.locate(`${b.replaceAll('{', '')}{${tag}}x`));
    }));
  });

  it('gives every node at least one point, however small its weight', () => {
    const placement = ring([{ id: 'huge', weight: 1000 }, { id: 'tiny', weight: 0.0001 }]);
    expect(placement.partitions().some((part) => part.owner === 'tiny')).toBe(true);
  });

  it('honours weights: a weight-2 node gets about twice the keys of a weight-1 node', () => {
    const nodes = Array.from({ length: 20 }, (_, i) => ({ id: `node-${i}`, weight: i < 10 ? 1 : 2 }));
    const counts = loads(ring(nodes, { vnodes: 400 }), keysOf(60_000));
    const mean = (weight: number) => nodes.filter((node) => node.weight === weight).reduce((sum, node) => sum + counts.get(node.id)!, 0) / 10;
    expect(mean(2) / mean(1)).toBeGreaterThan(1.85);
    expect(mean(2) / mean(1)).toBeLessThan(2.15);
  });

  it('balances 100 nodes within what 160 points per node allow over the random floor', () => {
    const nodes = Array.from({ length: 100 }, (_, i) => ({ id: `10.0.${i >> 8}.${i & 255}:6379` }));
    const keys = keysOf(100_000);
    const ratio = maxOverMean(loads(ring(nodes), keys), nodes);
    const floor = randomFloor(nodes, keys.length);
    // An arc share has relative spread ≈ 1/√160 = 8 %: the ring's worst node sits ~3σ above fair.
    expect(ratio).toBeLessThan(floor + 3 / Math.sqrt(DEFAULT_RING_VNODES));
    expect(ratio).toBeGreaterThan(1);
  });

  it('moves only the keys the change requires (add, remove, reweight)', () => {
    const nodes = Array.from({ length: 12 }, (_, i) => ({ id: `n${i}` }));
    const keys = keysOf(10_000);
    const before = ring(nodes);
    const owners = keys.map((key) => before.locate(key));
    const added = before.with({ add: [{ id: 'new' }] });
    keys.forEach((key, i) => {
      const owner = added.locate(key);
      if (owner !== owners[i]) expect(owner).toBe('new');
    });
    const removed = before.with({ remove: ['n3'] });
    keys.forEach((key, i) => {
      if (owners[i] !== 'n3') expect(removed.locate(key)).toBe(owners[i]);
    });
    const heavier = before.with({ weights: { n5: 3 } });
    keys.forEach((key, i) => {
      const owner = heavier.locate(key);
      if (owner !== owners[i]) expect(owner).toBe('n5');
    });
    const moved = keys.filter((key, i) => added.locate(key) !== owners[i]).length;
    expect(moved / keys.length).toBeGreaterThan(0.04);
    expect(moved / keys.length).toBeLessThan(0.13);
  });

  it('partitions cover [0, 2^32) exactly and agree with locate through pointOf', () => {
    fc.assert(
      fc.property(weightedNodes, fc.array(someKey, { maxLength: 100 }), (nodes, keys) => {
        const placement = ring(nodes, { vnodes: 20 });
        const parts = placement.partitions();
        expect(parts[0]!.start).toBe(0);
        expect(parts[parts.length - 1]!.end).toBe(RING_POINT_SPACE);
        for (let i = 1; i < parts.length; i++) {
          expect(parts[i]!.start).toBe(parts[i - 1]!.end);
          expect(parts[i]!.owner).not.toBe(parts[i - 1]!.owner);
        }
        for (const part of parts) expect(part.end).toBeGreaterThan(part.start);
        for (const key of keys) {
          const point = placement.pointOf(key);
          const owner = parts.find((part) => part.start <= point && point < part.end)!.owner;
          expect(placement.locate(key)).toBe(owner);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('carries a keyed hash and its seed through the spec', () => {
    const seed = '000102030405060708090a0b0c0d0e0f';
    const placement = ring([{ id: 'a' }, { id: 'b' }, { id: 'c' }], { hash: 'siphash24', hashSeed: seed });
    const spec = placement.toSpec();
    expect(spec).toMatchObject({ hash: 'siphash24', hashSeed: seed });
    const rebuilt = createPlacement(JSON.parse(JSON.stringify(spec)));
    for (const key of keysOf(300)) expect(rebuilt.locate(key)).toBe(placement.locate(key));
    const other = ring([{ id: 'a' }, { id: 'b' }, { id: 'c' }], { hash: 'siphash24', hashSeed: 'ff'.repeat(16) });
    expect(keysOf(300).some((key) => other.locate(key) !== placement.locate(key))).toBe(true);
    expect(other.pointFunction).not.toBe(placement.pointFunction);
    expect(placement.pointFunction).not.toContain(seed);
    expectError(() => ring([{ id: 'a' }], { hash: 'siphash24' }), 'ERR_INVALID_ARGUMENT', 'hashSeed');
    expectError(() => ring([{ id: 'a' }], { hash: 'fnv1a', hashSeed: seed }), 'ERR_INVALID_ARGUMENT', 'hashSeed');
  });

  it('rejects bad options with the option named', () => {
    const nodes = [{ id: 'a' }];
    for (const vnodes of [0, -1, 1.5, Number.NaN, '160' as unknown as number]) expectError(() => ring(nodes, { vnodes }), 'ERR_INVALID_ARGUMENT', 'options.vnodes');
    expectError(() => ring(Array.from({ length: 2 }, (_, i) => ({ id: `${i}` })), { vnodes: MAX_RING_POINTS }), 'ERR_INVALID_ARGUMENT', 'options.vnodes');
    expectError(() => ring(nodes, { vnode: 3 } as never), 'ERR_INVALID_ARGUMENT', 'options.vnode');
    expectError(() => ring(nodes, { hash: 'nope' }), 'ERR_UNKNOWN_HASH');
    expectError(() => ring(nodes, { hashTags: 1 as unknown as boolean }), 'ERR_INVALID_ARGUMENT', 'options.hashTags');
    const spec = ring(nodes).toSpec();
    expectError(() => ringAlgorithm.fromSpec({ ...spec, params: { vnodes: 0 } }, ring(nodes).hasher), 'ERR_INVALID_TOPOLOGY', 'params.vnodes');
  });
});

describe("ring compat 'ketama' and 'twemproxy' contracts", () => {
  // hashring and libketama break ties by the order servers are listed in, so that order is kept.
  placementContract(ringAlgorithm, (nodes) => ring(nodes, { compat: 'ketama' }), { orderFree: false, fractionalWeights: true });
  placementContract(ringAlgorithm, (nodes) => ring(nodes, { compat: 'twemproxy', hashTags: true }), { orderFree: true, fractionalWeights: true });
});

describe('ring points', () => {
  const naive = (points: Uint32Array, h: number) => {
    const index = points.findIndex((point) => point >= h);
    return index === -1 ? points.length : index;
  };

  const build = (pairs: readonly (readonly [number, number])[]) =>
    buildContinuum(Float64Array.from(pairs.map(([point, owner]) => point * RANK_LIMIT + owner)), 4);
  const point = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 0x7fffffff, 0x80000000, 0xffffffff));

  it('finds the first point >= h, or the length, through the bucket index', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(point, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 300 }), fc.array(point, { maxLength: 50 }), (pairs, probes) => {
        const continuum = build(pairs);
        for (const h of [...probes, ...continuum.points, ...Array.from(continuum.points, (p) => p + 1)].filter((h) => h <= 0xffffffff)) {
          expect(firstAtOrAfter(continuum, h)).toBe(naive(continuum.points, h));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('partitions own exactly the points the search sends to each owner, wrap-around and duplicates included', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 20 }), (pairs) => {
        const continuum = build(pairs);
        const ids = ['a', 'b', 'c', 'd'];
        const parts = continuumPartitions(continuum, ids);
        for (const h of [...Array.from({ length: 33 }, (_, i) => i), 0xfffffffe, 0xffffffff]) {
          let index = firstAtOrAfter(continuum, h);
          if (index === continuum.points.length) index = 0;
          expect(parts.find((part) => part.start <= h && h < part.end)!.owner).toBe(ids[continuum.owners[index]!]);
        }
      }),
    );
  });

  it('breaks ties between equal points by owner index', () => {
    const continuum = build([[50, 3], [50, 1], [50, 2], [10, 0]]);
    expect(Array.from(continuum.owners)).toEqual([0, 1, 2, 3]);
    expect(firstAtOrAfter(continuum, 11)).toBe(1);
  });
});

describe('ring mixers', () => {
  const mask64 = (1n << 64n) - 1n;
  const reference64 = (x: bigint) => {
    x ^= x >> 33n;
    x = (x * 0xff51afd7ed558ccdn) & mask64;
    x ^= x >> 33n;
    x = (x * 0xc4ceb9fe1a85ec53n) & mask64;
    return x ^ (x >> 33n);
  };

  it('fmix64 on uint32 halves equals MurmurHash3 fmix64 on 64-bit integers', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: mask64 }), (x) => {
        const lo = fmix64(Number(x & 0xffffffffn), Number(x >> 32n));
        expect((BigInt(mixHi) << 32n) | BigInt(lo)).toBe(reference64(x));
      }),
      { numRuns: 2000 },
    );
    expect(fmix64(0, 0)).toBe(0);
  });

  it('fmix32 is MurmurHash3 fmix32', () => {
    const reference32 = (h: number) => {
      let x = BigInt(h >>> 0);
      x ^= x >> 16n;
      x = (x * 0x85ebca6bn) & 0xffffffffn;
      x ^= x >> 13n;
      x = (x * 0xc2b2ae35n) & 0xffffffffn;
      return Number(x ^ (x >> 16n));
    };
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (h) => fmix32(h) === reference32(h)), { numRuns: 2000 });
  });
});

