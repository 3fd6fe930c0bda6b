import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  InvalidNodesError,
  InvalidTopologyError,
  UnknownAlgorithmError,
  UnknownHashError,
  UnknownNodeError,
  UnsupportedOperationError,
} from '../../src/errors.ts';
import { fnv1aHasher } from '../../src/hash/fnv1a.ts';
import type { Hasher } from '../../src/hash/hasher.ts';
import { DEFAULT_HASH } from '../../src/hash/registry.ts';
import { algorithmNames, createPlacement } from '../../src/placement/registry.ts';
import {
  createTopology,
  decodeTopology,
  encodeTopology,
  toPlacementSpec,
  topologyFromFields,
  topologyPlacement,
  topologyToFields,
  validateTopology,
} from '../../src/topology/index.ts';
import { placementError } from '../../src/topology/to-placement.ts';
import { BASE_INPUT, baseTopology, expectInvalid } from './helpers.ts';

describe('createTopology', () => {
  it('fills defaults and carries the full algorithm state', () => {
    const topology = createTopology({ cluster: 'c', algorithm: 'jump', nodes: [{ id: 'a', url: 'redis://h:1' }] });
    expect(topology).toMatchObject({ version: 1, cluster: 'c', epoch: 0, algorithm: 'jump', hash: DEFAULT_HASH, hashTags: true });
    expect(topology.nodes).toEqual([{ id: 'a', url: 'redis://h:1', weight: 1 }]);
    expect(topology.params).toEqual(createPlacement(toPlacementSpec({ ...topology, params: {} })).toSpec().params);
    expect(Object.keys(topology.params).length).toBeGreaterThan(0);
  });

  it.each(algorithmNames())('builds a topology that validates for %s', (algorithm) => {
    const topology = createTopology({ ...BASE_INPUT, algorithm });
    expect(validateTopology(JSON.parse(JSON.stringify(topology)))).toEqual(topology);
  });

  it('names the bad field of the input', () => {
    expectInvalid(() => createTopology({ ...BASE_INPUT, cluster: 'a b' }), 'cluster');
    expectInvalid(() => createTopology({ ...BASE_INPUT, epoch: -1 }), 'epoch');
    expectInvalid(() => createTopology({ ...BASE_INPUT, hash: 'nope' }), 'hash');
    expectInvalid(() => createTopology({ ...BASE_INPUT, algorithm: 'nope' as 'jump' }), 'algorithm');
    expectInvalid(() => createTopology({ ...BASE_INPUT, nodes: [{ id: 'a', url: 'redis://u:pw@h:1' }] }), 'nodes[0].url', /credentials/);
    expectInvalid(() => createTopology({ ...BASE_INPUT, nodes: [{ id: 'a', url: 'redis://h:1', weight: 0 }] }), 'nodes[0].weight');
    expectInvalid(() => createTopology({ ...BASE_INPUT, nodes: [{ id: 'a', url: 'redis://h:1', host: 'x' } as never] }), 'nodes[0].host');
    expectInvalid(() => createTopology({ ...BASE_INPUT, version: 1 } as never), 'version', /unknown field/);
    expectInvalid(() => createTopology({ ...BASE_INPUT, params: { bogus: 1 } }), 'params.bogus');
    expectInvalid(() => createTopology(null as never), '$');
  });
});

describe('topologyPlacement', () => {
  it('reuses the placement validation built, for the same hashers', () => {
    const topology = baseTopology();
    const placement = topologyPlacement(topology);
    expect(topologyPlacement(topology)).toBe(placement);
    expect(placement.algorithm).toBe('jump');
    expect(placement.nodes.map((node) => node.id)).toEqual(['a', 'b', 'c']);
    const other = topologyPlacement(topology, []);
    expect(other).not.toBe(placement);
    for (const key of ['x', 'user:1', '{tag}a', 'é']) expect(other.locate(key)).toBe(placement.locate(key));
  });

  it('builds a placement for a topology it has not seen', () => {
    const copy = { ...baseTopology() };
    expect(topologyPlacement(copy).toSpec().params).toEqual(copy.params);
  });

  it('gives the placement spec without urls', () => {
    expect(toPlacementSpec(baseTopology())).toEqual({
      algorithm: 'jump', hash: DEFAULT_HASH, hashTags: true, params: baseTopology().params,
      nodes: [{ id: 'a', weight: 1 }, { id: 'b', weight: 2 }, { id: 'c', weight: 1 }],
    });
  });
});

describe('keyed and user hashes', () => {
  const seed = '00112233445566778899AABBCCDDEEFF';

  it('stores a keyed hash with its seed in lowercase, and round-trips it', () => {
    const topology = createTopology({ ...BASE_INPUT, hash: 'siphash24', hashSeed: seed });
    expect(topology.hashSeed).toBe(seed.toLowerCase());
    expect(decodeTopology(encodeTopology(topology))).toEqual(topology);
    expect(topologyFromFields(topologyToFields(topology))).toEqual(topology);
    const doc = JSON.parse(encodeTopology(topology)) as Record<string, unknown>;
    expect(validateTopology({ ...doc, hashSeed: seed })).toEqual(topology);
  });

  it('names hashSeed when a keyed hash has none or a malformed one, never quoting it', () => {
    expectInvalid(() => createTopology({ ...BASE_INPUT, hash: 'siphash24' }), 'hashSeed', /needs a seed/);
    const doc = JSON.parse(encodeTopology(createTopology({ ...BASE_INPUT, hash: 'siphash24', hashSeed: seed }))) as Record<string, unknown>;
    const short = expectInvalid(() => validateTopology({ ...doc, hashSeed: 'abcdef0123456789' }), 'hashSeed');
    expect(short.message).not.toContain('abcdef0123456789');
    expectInvalid(() => validateTopology({ ...doc, hashSeed: undefined }), 'hashSeed', /needs a seed/);
    expectInvalid(() => createTopology({ ...BASE_INPUT, hashSeed: seed }), 'hashSeed', /not keyed/);
  });

  it('resolves a user hasher only when it is given', () => {
    const mine: Hasher = { name: 'mine', hash32: fnv1aHasher.hash32, hash64: fnv1aHasher.hash64 };
    const topology = createTopology({ ...BASE_INPUT, hash: 'mine' }, { hashers: [mine] });
    expect(topology.hash).toBe('mine');
    expectInvalid(() => decodeTopology(encodeTopology(topology)), 'hash', /mine/);
    expect(decodeTopology(encodeTopology(topology), { hashers: [mine] })).toEqual(topology);
    expect(topologyPlacement(topology, [mine]).hasher).toBe(mine);
  });

  it('lets the algorithm refuse a hash or weights it cannot use, naming the field', () => {
    expectInvalid(() => createTopology({ ...BASE_INPUT, algorithm: 'slots', hash: 'md5' }), 'hash', /crc16/);
    expectInvalid(() => createTopology({ ...BASE_INPUT, nodes: [{ id: 'a', url: 'redis://h:1', weight: 1.5 }] }), 'nodes[0].weight', /integer/);
    expectInvalid(() => createTopology({ ...BASE_INPUT, params: { removals: 'sometimes' } }), 'params.removals');
  });
});

describe('errors from the placement are re-rooted in the document', () => {
  it.each([
    [new InvalidArgumentError('options.vnodes', 'must be > 0'), 'params.vnodes', 'must be > 0'],
    [new InvalidArgumentError('options.hash', 'crc16 only'), 'hash', 'crc16 only'],
    [new InvalidArgumentError('options.hashSeed', 'no seed'), 'hashSeed', 'no seed'],
    [new InvalidArgumentError('vnodes', 'bad'), 'params.vnodes', 'bad'],
    [new InvalidArgumentError('options', 'must be an object'), 'params', 'options: must be an object'],
    [new InvalidTopologyError('params.ranges[3]', 'overlaps'), 'params.ranges[3]', 'overlaps'],
    [new InvalidTopologyError('ranges', 'missing'), 'params.ranges', 'missing'],
    [new InvalidTopologyError('hashTags', 'must be a boolean'), 'hashTags', 'must be a boolean'],
    [new InvalidNodesError('nodes[2].weight', 'must be an integer'), 'nodes[2].weight', 'must be an integer'],
    [new InvalidNodesError('change.add', 'odd'), 'nodes', 'change.add: odd'],
    [new UnknownNodeError('x', 'change.remove[0]'), 'nodes', 'change.remove[0]: no node with id "x"'],
    [new UnknownAlgorithmError('nope', ['jump']), 'algorithm', 'unknown placement algorithm "nope"; known: jump'],
    [new UnknownHashError('nope', ['xxh3']), 'hash', /^unknown hash function "nope"/],
    [new UnsupportedOperationError('cannot'), 'params', 'cannot'],
    [new TypeError('x is undefined'), 'params', 'x is undefined'],
    ['a string', 'params', 'a string'],
  ])('%s → %s', (thrown, field, message) => {
    const error = placementError(thrown);
    expect(error.code).toBe('ERR_INVALID_TOPOLOGY');
    expect(error.field).toBe(field);
    expect(error.message.replace(`invalid topology at ${field}: `, '')).toMatch(message instanceof RegExp ? message : new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(error.cause).toBe(thrown);
  });

  it('keeps a hostile message short', () => {
    expect(placementError(new Error('x'.repeat(10_000))).message.length).toBeLessThan(400);
  });
});
