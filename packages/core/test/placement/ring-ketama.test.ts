import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ketamaHashCounts, ring, ringAlgorithm } from '../../src/placement/ring.ts';
import { md5Hasher } from '../../src/hash/md5.ts';
import type { PartitionedPlacement } from '../../src/placement/placement.ts';

interface HashRingInstance {
  get(key: string): string | undefined;
  find(hash: number): number;
  hashValue(key: string): number;
  range(key: string, size: number, unique: boolean): string[];
  ring: { value: number; server: string }[];
}
type HashRingConstructor = new (
  servers: string[] | Record<string, number | { weight: number }>,
  algorithm?: string,
  options?: Record<string, unknown>,
) => HashRingInstance;

const HashRing = createRequire(import.meta.url)('hashring') as HashRingConstructor;

/** Server sets as hashring users write them: `10.0.x.y:port`, integer weights, in a given order. */
const serverSet = fc
  .uniqueArray(
    fc.record({
      id: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom(6379, 6380, 7000)).map(([a, b, port]) => `10.0.${a}.${b}:${port}`),
      weight: fc.integer({ min: 1, max: 10 }),
    }),
    { minLength: 1, maxLength: 200, selector: (server) => server.id },
  )
  .chain((servers) => fc.tuple(fc.constant(servers), fc.constantFrom<'list' | 'number' | 'object'>('list', 'number', 'object')));

const anyKey = fc.oneof(
  fc.integer({ min: 0, max: 10_000_000 }).map((i) => `user:${i}:profile`),
  fc.string({ maxLength: 100 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', '', 'é', '日本語キー', '\ud800', 'a\udc00b', '{tag}rest', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), '😀'.repeat(30)),
);

/**
 * hashring's answer for `key`. Its LRU (simple-lru-cache 0.0.2) stores entries in a plain object:
 * `get('__proto__')` writes `value`, `before` and `next` onto Object.prototype, after which
 * `get('toString')` on any other ring returns a server of the first one. Keys that name
 * Object.prototype members therefore go through hashring's uncached `find(hashValue(key))`, the
 * same computation `get` does on a cache miss, and never through its cache.
 */
function referenceLocate(reference: HashRingInstance, key: string): string | undefined {
  if (key in Object.prototype || key === '__proto__') return reference.ring[reference.find(reference.hashValue(key))]?.server;
  return reference.get(key);
}

/** How hashring is told about the same servers: an array (weight 1), `{ id: w }`, or `{ id: { weight } }`. */
function hashRingFor(servers: readonly { id: string; weight: number }[], form: 'list' | 'number' | 'object'): HashRingInstance {
  if (form === 'list') return new HashRing(servers.map((server) => server.id));
  const table: Record<string, number | { weight: number }> = {};
  for (const { id, weight } of servers) table[id] = form === 'number' ? weight : { weight };
  return new HashRing(table);
}

describe("ring compat 'ketama' = npm hashring 3.2.0", () => {
  it('places every key on the server hashring picks (random server sets, weights, keys)', () => {
    fc.assert(
      fc.property(serverSet, fc.array(anyKey, { minLength: 200, maxLength: 400 }), ([servers, form], keys) => {
        const nodes = servers.map(({ id, weight }) => ({ id, weight: form === 'list' ? 1 : weight }));
        const reference = hashRingFor(servers, form);
        const placement = ring(nodes, { compat: 'ketama' });
        for (const key of keys) expect(placement.locate(key)).toBe(referenceLocate(reference, key));
      }),
      { numRuns: 25 },
    );
  });

  it('places thousands of keys like hashring on a fixed weighted set, also given as bytes', () => {
    const servers = Array.from({ length: 37 }, (_, i) => ({ id: `10.0.0.${i + 1}:6379`, weight: 1 + (i % 5) }));
    const reference = hashRingFor(servers, 'number');
    const placement = ring(servers, { compat: 'ketama' });
    const keys = fc.sample(anyKey, { numRuns: 5000, seed: 42 });
    for (const key of keys) {
      const expected = referenceLocate(reference, key);
      expect(placement.locate(key)).toBe(expected);
      expect(placement.locate(new TextEncoder().encode(key))).toBe(expected);
    }
  });

  it("honours hashring's `vnode count` option as `vnodes`", () => {
    const servers = ['a:1', 'b:2', 'c:3', 'd:4', 'e:5', 'f:6', 'g:7'];
    const reference = new HashRing(servers, 'md5', { 'vnode count': 13 });
    const placement = ring(servers.map((id) => ({ id })), { compat: 'ketama', vnodes: 13 });
    for (const key of fc.sample(anyKey, { numRuns: 2000, seed: 7 })) expect(placement.locate(key)).toBe(referenceLocate(reference, key));
  });

  it('replicas follow hashring.range(key, n, unique)', () => {
    const servers = Array.from({ length: 12 }, (_, i) => `10.1.0.${i}:6379`);
    const reference = new HashRing(servers);
    const placement = ring(servers.map((id) => ({ id })), { compat: 'ketama' });
    for (const key of fc.sample(anyKey, { numRuns: 500, seed: 3 })) {
      if (key in Object.prototype || key === '__proto__') continue;
      expect(placement.replicas(key, 4)).toEqual(reference.range(key, 4, true));
    }
  });

  it('breaks ties between equal points as hashring does: the server listed first wins', () => {
    // Both servers have the point 4153548666 (MD5 of "10.0.0.76:6379-k" / "10.0.0.180:6379-k").
    const tie = 4153548666;
    for (const order of [['10.0.0.76:6379', '10.0.0.180:6379'], ['10.0.0.180:6379', '10.0.0.76:6379']]) {
      const reference = new HashRing(order);
      expect(reference.ring.filter((node) => node.value === tie)).toHaveLength(2);
      const placement = ring(order.map((id) => ({ id })), { compat: 'ketama' });
      // Keys whose point falls in (previous point, tie] are decided by the tie alone.
      const previous = Math.max(...reference.ring.map((node) => node.value).filter((value) => value < tie));
      let checked = 0;
      for (let i = 0; checked < 3 && i < 100_000; i++) {
        const key = `k${i}`;
        const point = placement.pointOf(key);
        if (point <= previous || point > tie) continue;
        expect(placement.locate(key)).toBe(order[0]);
        expect(reference.get(key)).toBe(order[0]);
        checked++;
      }
      expect(checked).toBe(3);
    }
  });

  it('uses the point count hashring builds, floor((w/Σw)·40·N) in doubles', () => {
    for (const n of [...Array.from({ length: 64 }, (_, i) => i + 1), 98, 103, 112, 122]) {
      const servers = Array.from({ length: n }, (_, i) => `s${i}:1`);
      const counts = ketamaHashCounts(new Array<number>(n).fill(1), 'ketama');
      expect(new HashRing(servers).ring.length, `n = ${n}`).toBe(4 * counts.reduce((a, b) => a + b, 0));
    }
  });
});

describe("ring compat 'libketama' and 'twemproxy' point counts", () => {
  const fixture = readFileSync(new URL('fixtures/ketama-counts.txt', import.meta.url), 'utf8').trim().split('\n');

  it('match the C expressions of libketama and twemproxy (fixtures/ketama-counts.c)', () => {
    for (const line of fixture) {
      if (line.startsWith('equal ')) {
        const [n, lib, twem] = line.slice(6).split(' ').map(Number) as [number, number, number];
        const weights = new Array<number>(n).fill(1);
        expect(ketamaHashCounts(weights, 'libketama'), line).toEqual(new Array<number>(n).fill(lib));
        expect(ketamaHashCounts(weights, 'twemproxy'), line).toEqual(new Array<number>(n).fill(twem));
      } else {
        const [weights, lib, twem] = line.split(' | ').map((part) => part.split(': ')[1]!.split(' ').map(Number)) as [number[], number[], number[]];
        expect(ketamaHashCounts(weights, 'libketama'), line).toEqual(lib);
        expect(ketamaHashCounts(weights, 'twemproxy'), line).toEqual(twem);
      }
    }
    expect(fixture.length).toBe(400);
  });

  it('differ from hashring exactly at N = 7, 14, 28, 49, 56, 61, 98, 103, 112, 122 (equal weights, N ≤ 130)', () => {
    const differ: [number, number, number][] = [];
    for (let n = 1; n <= 130; n++) {
      const weights = new Array<number>(n).fill(1);
      const ketama = ketamaHashCounts(weights, 'ketama')[0]!;
      const libketama = ketamaHashCounts(weights, 'libketama')[0]!;
      if (ketama !== libketama) differ.push([n, ketama, libketama]);
    }
    expect(differ).toEqual([
      [7, 39, 40], [14, 39, 40], [28, 39, 40], [49, 39, 40], [56, 39, 40],
      [61, 40, 39], [98, 39, 40], [103, 39, 40], [112, 39, 40], [122, 40, 39],
    ]);
  });

  it('so keys land differently at N = 7 and identically at N = 8', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `user:${i}:profile`);
    const place = (n: number, compat: 'ketama' | 'libketama') =>
      ring(Array.from({ length: n }, (_, i) => ({ id: `10.0.0.${i}:11211` })), { compat });
    const [a7, b7, a8, b8] = [place(7, 'ketama'), place(7, 'libketama'), place(8, 'ketama'), place(8, 'libketama')];
    const moved7 = keys.filter((key) => a7.locate(key) !== b7.locate(key)).length;
    expect(moved7).toBeGreaterThan(0);
    expect(moved7).toBeLessThan(keys.length * 0.05);
    expect(keys.every((key) => a8.locate(key) === b8.locate(key))).toBe(true);
  });
});

describe('ring compat options and specs', () => {
  const nodes = [{ id: '10.0.0.1:6379', weight: 2 }, { id: '10.0.0.2:6379' }, { id: '10.0.0.3:6379', weight: 3 }];

  it('hashes with md5, whole keys by default, and keeps the given order in the spec', () => {
    const placement = ring(nodes, { compat: 'ketama' });
    expect(placement.hasher.name).toBe('md5');
    expect(placement.hashTags).toBe(false);
    const spec = placement.toSpec();
    expect(spec).toEqual({
      algorithm: 'ring',
      hash: 'md5',
      hashTags: false,
      nodes: [{ id: '10.0.0.1:6379', weight: 2 }, { id: '10.0.0.2:6379', weight: 1 }, { id: '10.0.0.3:6379', weight: 3 }],
      params: { vnodes: 40, compat: 'ketama' },
    });
  });

  it.each(['ketama', 'libketama', 'twemproxy'] as const)('%s: the spec rebuilds a ring that locates every key alike', (compat) => {
    const placement = ring(nodes, { compat, hashTags: true });
    const rebuilt = ringAlgorithm.fromSpec(JSON.parse(JSON.stringify(placement.toSpec())), md5Hasher) as PartitionedPlacement;
    expect(rebuilt.pointFunction).toBe(placement.pointFunction);
    expect(rebuilt.partitions()).toEqual(placement.partitions());
    for (const key of fc.sample(anyKey, { numRuns: 300, seed: 11 })) expect(rebuilt.locate(key)).toBe(placement.locate(key));
  });

  it('rejects a key hash other than md5 for ketama and libketama', () => {
    expect(() => ring(nodes, { compat: 'ketama', hash: 'fnv1a' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', argument: 'options.hash' }));
    expect(() => ring(nodes, { compat: 'libketama', hash: 'fnv1a' })).toThrow(expect.objectContaining({ argument: 'options.hash' }));
    expect(ring(nodes, { compat: 'twemproxy', hash: 'fnv1a' }).hasher.name).toBe('fnv1a');
  });

  it('rejects an unknown compat mode, in options and in a spec', () => {
    expect(() => ring(nodes, { compat: 'memcached' as 'ketama' })).toThrow(expect.objectContaining({ argument: 'options.compat' }));
    const spec = { ...ring(nodes, { compat: 'ketama' }).toSpec(), params: { vnodes: 40, compat: 'memcached' } };
    expect(() => ringAlgorithm.fromSpec(spec, md5Hasher)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_TOPOLOGY', field: 'params.compat' }));
  });

  it('gives a tiny weight no point at all, as hashring does, yet still lists it last in replicas', () => {
    const skewed = [{ id: 'big:1', weight: 1000 }, { id: 'tiny:1', weight: 1 }];
    const placement = ring(skewed, { compat: 'ketama' });
    expect(new HashRing({ 'big:1': 1000, 'tiny:1': 1 }).ring.every((node) => node.server === 'big:1')).toBe(true);
    expect(placement.partitions().every((part) => part.owner === 'big:1')).toBe(true);
    expect(placement.replicas('any', 2)).toEqual(['big:1', 'tiny:1']);
  });
});
