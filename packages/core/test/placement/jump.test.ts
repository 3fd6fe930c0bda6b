import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidNodesError, InvalidTopologyError, UnsupportedOperationError } from '../../src/errors.ts';
import { fnv1aHasher as fnv1a } from '../../src/hash/fnv1a.ts';
import { KeyHasher } from '../../src/hash/key-hasher.ts';
import { jumpHash } from '../../src/placement/jump-hash.ts';
import { jump, jumpAlgorithm, MAX_JUMP_TABLE_BUCKETS } from '../../src/placement/jump.ts';
import type { PlacementSpec } from '../../src/placement/placement.ts';

const ids = (n: number, prefix = 'n') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}` }));
const keys = (n: number) => Array.from({ length: n }, (_, i) => `user:${i}:profile`);

function moves(before: { locate(key: string): string }, after: { locate(key: string): string }, sample: readonly string[]) {
  return sample.filter((key) => before.locate(key) !== after.locate(key)).map((key) => ({ key, from: before.locate(key), to: after.locate(key) }));
}

describe('jump placement', () => {
  it('is plain Lamping–Veach jump over hash64, nodes in bucket order', () => {
    const placement = jump(ids(13));
    const hasher = new KeyHasher(placement.hasher, true);
    for (const key of keys(2_000)) expect(placement.locate(key)).toBe(`n${jumpHash(hasher.hash64BigInt(key), 13)}`);
    expect(placement.toSpec().params).toEqual({ removals: 'any', buckets: [...Array(13).keys()], removed: [] });
  });

  it('gives a node of integer weight w exactly w buckets, and w times the keys', () => {
    const placement = jump([{ id: 'a', weight: 1 }, { id: 'b', weight: 3 }, { id: 'c' }]);
    expect(placement.toSpec().params['buckets']).toEqual([0, 1, 1, 1, 2]);
    const load = { a: 0, b: 0, c: 0 } as Record<string, number>;
    for (const key of keys(50_000)) load[placement.locate(key)]!++;
    expect(load['b']! / 30_000).toBeGreaterThan(0.97);
    expect(load['b']! / 30_000).toBeLessThan(1.03);
  });

  it('rejects fractional weights with InvalidNodesError naming the field', () => {
    expect(() => jump([{ id: 'a' }, { id: 'b', weight: 1.5 }])).toThrow(expect.objectContaining({ name: 'InvalidNodesError', field: 'nodes[1].weight' }));
    const placement = jump(ids(3));
    expect(() => placement.with({ weights: { n1: 0.5 } })).toThrow(expect.objectContaining({ field: 'change.weights["n1"]' }));
    expect(() => placement.with({ add: [{ id: 'x', weight: 2.5 }] })).toThrow(expect.objectContaining({ field: 'change.add[0].weight' }));
    expect(() => jump([{ id: 'a', weight: MAX_JUMP_TABLE_BUCKETS + 1 }])).toThrow(InvalidNodesError);
  });

  it('removing a middle node moves only its keys (MementoHash) and records the removal in the spec', () => {
    const placement = jump(ids(10));
    const sample = keys(40_000);
    const next = placement.with({ remove: ['n3'] });
    const moved = moves(placement, next, sample);
    expect(moved.every((move) => move.from === 'n3')).toBe(true);
    expect(moved.length).toBe(sample.filter((key) => placement.locate(key) === 'n3').length);
    expect(new Set(moved.map((move) => move.to)).size).toBe(9);
    expect(next.toSpec().params).toEqual({ removals: 'any', buckets: [0, 1, 2, -1, 3, 4, 5, 6, 7, 8], removed: [[3, 9]] });
    expect(next.removedBuckets).toEqual([3]);
  });

  it('an add after removals takes the last removed bucket, moving back exactly its keys', () => {
    const sample = keys(20_000);
    const base = jump(ids(8)).with({ remove: ['n2'] });
    const removed = base.with({ remove: ['n5'] });
    const added = removed.with({ add: [{ id: 'x' }] });
    for (const key of sample) {
      const owner = base.locate(key);
      expect(added.locate(key)).toBe(owner === 'n5' ? 'x' : owner);
    }
    // Replacing a node in one change hands its keys, and only them, to the newcomer.
    const replaced = base.with({ remove: ['n6'], add: [{ id: 'y' }] });
    for (const key of sample) expect(replaced.locate(key)).toBe(base.locate(key) === 'n6' ? 'y' : base.locate(key));
  });

  it('reweighting moves keys only to a heavier node and only from a lighter one', () => {
    const sample = keys(20_000);
    const placement = jump(ids(6));
    const heavier = placement.with({ weights: { n2: 3 } });
    expect(moves(placement, heavier, sample).every((move) => move.to === 'n2')).toBe(true);
    const lighter = heavier.with({ weights: { n2: 1 } });
    expect(moves(heavier, lighter, sample).every((move) => move.from === 'n2')).toBe(true);
    // Back to weight 1 after appending two buckets at the end: plain jump again.
    expect(lighter.toSpec()).toEqual(placement.toSpec());
  });

  it('rebuilds the identical placement from its spec after any history of changes', () => {
    const sample = keys(300);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.integer({ min: 1, max: 3 })), { maxLength: 12 }), (ops) => {
        let placement = jump(ids(5));
        let fresh = 0;
        for (const [pick, kind, weight] of ops) {
          const live = placement.nodes.map((node) => node.id);
          const id = live[pick % live.length]!;
          if (kind === 0 && live.length > 1) placement = placement.with({ remove: [id] });
          else if (kind === 1) placement = placement.with({ add: [{ id: `new${fresh++}`, weight }] });
          else placement = placement.with({ weights: { [id]: weight } });
        }
        const spec = JSON.parse(JSON.stringify(placement.toSpec())) as PlacementSpec;
        const rebuilt = jumpAlgorithm.fromSpec(spec, placement.hasher);
        expect(rebuilt.toSpec()).toEqual(spec);
        for (const key of sample) expect(rebuilt.locate(key)).toBe(placement.locate(key));
      }),
      { numRuns: 60 },
    );
  });

  it("removals: 'last' is plain jump: the last node can go, a middle one throws UnsupportedOperationError", () => {
    const placement = jump(ids(5), { removals: 'last' });
    expect(placement.with({ remove: ['n4', 'n3'] }).toSpec().params).toEqual({ removals: 'last', buckets: [0, 1, 2], removed: [] });
    expect(() => placement.with({ remove: ['n1'] })).toThrow(UnsupportedOperationError);
    expect(() => placement.with({ remove: ['n1'] })).toThrow(/removals: 'any'/);
    expect(() => placement.with({ weights: { n0: 2 } }).with({ remove: ['n4'] })).toThrow(UnsupportedOperationError);
    expect(placement.nodes.map((node) => node.id)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
  });

  it('replicas are distinct, start with locate, and cover every node when asked to', () => {
    const placement = jump([...ids(6), { id: 'heavy', weight: 20 }]);
    for (const key of keys(300)) {
      const all = placement.replicas(key, 7);
      expect(new Set(all).size).toBe(7);
      expect(all[0]).toBe(placement.locate(key));
      expect(placement.replicas(key, 2)).toEqual(all.slice(0, 2));
    }
    expect(() => placement.replicas('k', 0)).toThrow(InvalidArgumentError);
    expect(() => placement.replicas('k', 8)).toThrow(expect.objectContaining({ argument: 'replicas.n' }));
  });

  it('second replicas move little when a node is added (each salted lookup is consistent)', () => {
    const sample = keys(10_000);
    const before = jump(ids(10));
    const after = before.with({ add: [{ id: 'x' }] });
    const changed = sample.filter((key) => before.replicas(key, 2)[1] !== after.replicas(key, 2)[1]).length;
    expect(changed / sample.length).toBeLessThan(0.25);
  });

  it('rejects bad options with typed errors', () => {
    expect(() => jump(ids(2), { removals: 'some' as 'any' })).toThrow(expect.objectContaining({ argument: 'options.removals' }));
    expect(() => jump(ids(2), { hashTags: 'yes' as unknown as boolean })).toThrow(expect.objectContaining({ argument: 'options.hashTags' }));
    expect(() => jump([])).toThrow(InvalidNodesError);
  });
});

describe('jump spec validation (fromSpec)', () => {
  const valid = jump(ids(4)).with({ remove: ['n1'] }).toSpec();
  const withParams = (params: Record<string, unknown>): PlacementSpec => ({ ...valid, params: { ...valid.params, ...params } as PlacementSpec['params'] });

  it.each([
    ['params.removals', { removals: 'all' }],
    ['params.buckets', { buckets: [] }],
    ['params.buckets[0]', { buckets: [7, -1, 1, 2] }],
    ['params.buckets', { buckets: [0, -1, 1, 1] }],
    ['params.removed[0][0]', { removed: [[0, 3]] }],
    ['params.removed[0][1]', { removed: [[1, 2]] }],
    ['params.removed', { removed: [] }],
    ['params.removed', { removed: undefined }],
    ['params.removed', { removals: 'last' }],
  ])('names %s', (field, params) => {
    const spec = withParams(params);
    expect(() => jumpAlgorithm.fromSpec(spec, fnv1a)).toThrow(InvalidTopologyError);
    expect(() => jumpAlgorithm.fromSpec(spec, fnv1a)).toThrow(expect.objectContaining({ field }));
  });

  it('rejects fractional weights in a document', () => {
    const spec: PlacementSpec = { ...valid, nodes: [{ id: 'a', weight: 1.5 }], params: {} };
    expect(() => jumpAlgorithm.fromSpec(spec, fnv1a)).toThrow(expect.objectContaining({ field: 'nodes[0].weight' }));
  });

  it('reads a hand-written spec with no params as plain jump', () => {
    const spec: PlacementSpec = { algorithm: 'jump', hash: 'fnv1a', hashTags: true, nodes: [{ id: 'a', weight: 2 }, { id: 'b', weight: 1 }], params: {} };
    expect(jumpAlgorithm.fromSpec(spec, fnv1a).toSpec().params).toEqual({ removals: 'any', buckets: [0, 0, 1], removed: [] });
  });
});
