import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinHashNames, isKeyedHash } from '../../src/hash/registry.ts';
import type { AlgorithmName } from '../../src/placement/placement.ts';
import { algorithmNames, createPlacement, getAlgorithm } from '../../src/placement/registry.ts';
import { createTopology } from '../../src/topology/create.ts';
import { decodeTopology, encodeTopology } from '../../src/topology/codec.ts';
import { topologyFromFields, topologyToFields } from '../../src/topology/fields.ts';
import { topologyPlacement } from '../../src/topology/to-placement.ts';

/**
 * Every algorithm takes every hasher, keyed ones included: it builds, it is deterministic, and it
 * round-trips through `toSpec`/`createPlacement` and through a topology (document and Redis
 * fields), seed and all. Slots is the one exception, with its reason and its own check below.
 */
const SEED = '00112233445566778899aabbccddeeff';
const OTHER_SEED = 'ffeeddccbbaa99887766554433221100';
const hashing = algorithmNames().filter((name) => name !== 'slots');
const combos = hashing.flatMap((algorithm) => builtinHashNames().map((hash) => [algorithm, hash] as [AlgorithmName, string]));
const keys = Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? `{tag:${i}}:x` : `key:${i}`));
const nodeArb = fc.integer({ min: 1, max: 12 }).map((n) => Array.from({ length: n }, (_, i) => ({ id: `n${i}`, weight: 1 + (i % 3) })));

describe.each(combos)('%s × %s', (algorithm, hash) => {
  const keyed = isKeyedHash(hash);
  const seeded = (seed: string) => (keyed ? { hash, hashSeed: seed } : { hash });

  it('builds, is deterministic, and round-trips through its spec and a topology', () => {
    fc.assert(
      fc.property(nodeArb, (nodes) => {
        const placement = getAlgorithm(algorithm).create(nodes, seeded(SEED));
        const spec = placement.toSpec();
        expect(spec.hash).toBe(hash);
        expect(spec.hashSeed).toBe(keyed ? SEED : undefined);
        const rebuilt = createPlacement(spec);
        const again = getAlgorithm(algorithm).create(nodes, seeded(SEED));
        const topology = createTopology({
          cluster: 'c',
          algorithm,
          nodes: nodes.map((node, i) => ({ ...node, url: `redis://10.0.0.${i + 1}:6379` })),
          ...seeded(SEED),
        });
        const decoded = decodeTopology(encodeTopology(topology));
        const fromFields = topologyFromFields(topologyToFields(topology));
        expect(decoded).toEqual(topology);
        expect(fromFields).toEqual(topology);
        for (const other of [rebuilt, again, topologyPlacement(topology), topologyPlacement(decoded), topologyPlacement(fromFields)]) {
          expect(other.toSpec()).toEqual(spec);
          for (const key of keys) expect(other.locate(key)).toBe(placement.locate(key));
        }
      }),
      { numRuns: 4 },
    );
  });
});

describe.each(combos.filter(([, hash]) => isKeyedHash(hash)))('%s × %s (keyed)', (algorithm, hash) => {
  it('uses its seed: another seed places most keys elsewhere', () => {
    const nodes = Array.from({ length: 8 }, (_, i) => ({ id: `n${i}` }));
    const a = getAlgorithm(algorithm).create(nodes, { hash, hashSeed: SEED });
    const b = getAlgorithm(algorithm).create(nodes, { hash, hashSeed: OTHER_SEED });
    expect(keys.filter((key) => a.locate(key) !== b.locate(key)).length).toBeGreaterThan(keys.length / 2);
  });
});

describe('slots × every hasher: skipped, because slots is Redis Cluster’s CRC16 layout by definition', () => {
  it('refuses any other hash and any seed with a typed error', () => {
    const nodes = [{ id: 'a' }, { id: 'b' }];
    for (const hash of builtinHashNames().filter((name) => name !== 'crc16')) {
      expect(() => getAlgorithm('slots').create(nodes, isKeyedHash(hash) ? { hash, hashSeed: SEED } : { hash })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    }
    expect(() => getAlgorithm('slots').create(nodes, { hashSeed: SEED })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});

describe('hashSeed: one rule everywhere', () => {
  const input = { cluster: 'c', algorithm: 'ring' as const, hash: 'siphash13', nodes: [{ id: 'a', url: 'redis://h:1' }] };
  it.each([
    ['8 bytes', '0011223344556677'],
    ['17 bytes', `${SEED}00`],
    ['64 bytes', 'ab'.repeat(64)],
  ])('a topology refuses a seed of %s, as the hash does, without quoting it', (_case, seed) => {
    expect(() => createTopology({ ...input, hashSeed: seed })).toThrow(expect.objectContaining({ field: 'hashSeed' }));
    const document = { ...JSON.parse(encodeTopology(createTopology({ ...input, hashSeed: SEED }))), hashSeed: seed } as unknown;
    let message = '';
    try {
      decodeTopology(JSON.stringify(document));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/hashSeed: must be 16 bytes written as 32 hex digits/);
    expect(message).not.toContain(seed.slice(0, 8));
  });
});
