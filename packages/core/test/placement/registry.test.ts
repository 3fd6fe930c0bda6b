import { describe, expect, it } from 'vitest';
import { InvalidTopologyError, UnknownAlgorithmError, UnknownHashError } from '../../src/errors.ts';
import type { Hasher } from '../../src/hash/hasher.ts';
import { jump } from '../../src/placement/jump.ts';
import type { PlacementSpec } from '../../src/placement/placement.ts';
import { algorithmNames, createPlacement, getAlgorithm } from '../../src/placement/registry.ts';

const base: PlacementSpec = { algorithm: 'jump', hash: 'xxhash64', hashTags: true, nodes: [{ id: 'a', weight: 1 }, { id: 'b', weight: 1 }], params: {} };
const keys = Array.from({ length: 500 }, (_, i) => `k${i}`);

describe('placement registry', () => {
  it('knows all six algorithms', () => {
    expect(algorithmNames().sort()).toEqual(['jump', 'maglev', 'modulo', 'rendezvous', 'ring', 'slots']);
    for (const name of algorithmNames()) expect(getAlgorithm(name).name).toBe(name);
  });

  it('builds each algorithm from a minimal spec, and again from the spec it writes', () => {
    for (const name of algorithmNames()) {
      const spec: PlacementSpec = { ...base, algorithm: name, hash: name === 'slots' ? 'crc16' : 'xxhash64' };
      const placement = createPlacement(spec);
      expect(placement.algorithm).toBe(name);
      const again = createPlacement(placement.toSpec());
      expect(again.toSpec()).toEqual(placement.toSpec());
      expect(keys.every((key) => again.locate(key) === placement.locate(key))).toBe(true);
    }
  });

  it.each([
    ['spec', null],
    ['spec', []],
    ['hash', { ...base, hash: '' }],
    ['hashTags', { ...base, hashTags: 'yes' }],
    ['params', { ...base, params: null }],
    ['params', { ...base, params: [] }],
    ['nodes', { ...base, nodes: [] }],
    ['nodes[1].id', { ...base, nodes: [{ id: 'a' }, { id: 'a' }] }],
    ['nodes[0].weight', { ...base, nodes: [{ id: 'a', weight: -1 }] }],
    ['hashSeed', { ...base, hashSeed: '00112233445566778899aabbccddeeff' }],
    ['hashSeed', { ...base, hash: 'siphash24' }],
    ['hashSeed', { ...base, hash: 'siphash24', hashSeed: 'xyz' }],
  ])('rejects a bad %s with InvalidTopologyError naming it', (field, spec) => {
    expect(() => createPlacement(spec as PlacementSpec)).toThrow(InvalidTopologyError);
    expect(() => createPlacement(spec as PlacementSpec)).toThrow(expect.objectContaining({ field, code: 'ERR_INVALID_TOPOLOGY' }));
  });

  it('lets the algorithm name its own bad params', () => {
    expect(() => createPlacement({ ...base, params: { removals: 'never' } })).toThrow(expect.objectContaining({ field: 'params.removals' }));
  });

  it('rejects unknown algorithms and hashes with their own typed errors', () => {
    expect(() => createPlacement({ ...base, algorithm: 'chord' as 'jump' })).toThrow(UnknownAlgorithmError);
    expect(() => createPlacement({ ...base, hash: 'sha3' })).toThrow(UnknownHashError);
  });

  it('builds a keyed hash from hashSeed, and resolves a user hasher by name', () => {
    const seed = '000102030405060708090a0b0c0d0e0f';
    const keyed = createPlacement({ ...base, hash: 'siphash24', hashSeed: seed });
    expect(keyed.toSpec().hashSeed).toBe(seed);
    expect(keyed.toSpec().hash).toBe('siphash24');
    const other = createPlacement({ ...base, hash: 'siphash24', hashSeed: 'f'.repeat(32) });
    expect(keys.some((key) => other.locate(key) !== keyed.locate(key))).toBe(true);

    const constant: Hasher = { name: 'always-zero', hash32: () => 0, hash64: (_bytes, _length, out) => out.fill(0) };
    const placement = createPlacement({ ...base, hash: 'always-zero' }, [constant]);
    expect(new Set(keys.map((key) => placement.locate(key)))).toEqual(new Set(['a']));
    expect(jump([{ id: 'a' }, { id: 'b' }], { hash: constant }).toSpec().hash).toBe('always-zero');
  });
});
