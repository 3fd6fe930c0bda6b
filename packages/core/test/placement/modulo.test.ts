import { describe, expect, it } from 'vitest';
import { fnv1aHasher } from '../../src/hash/fnv1a.ts';
import { KeyHasher } from '../../src/hash/key-hasher.ts';
import { modulo, moduloAlgorithm } from '../../src/placement/modulo.ts';
import { expectError, keysOf, loads, maxOverMean, placementContract, randomFloor } from './ring-support.ts';

describe('modulo', () => {
  placementContract(moduloAlgorithm, (nodes) => modulo(nodes), { orderFree: false, fractionalWeights: false });

  it('is hash32(key) mod Σw over the nodes in the order given, weight = consecutive slots', () => {
    const hasher = new KeyHasher(fnv1aHasher, true);
    const placement = modulo([{ id: 'a', weight: 2 }, { id: 'b' }, { id: 'c', weight: 3 }], { hash: 'fnv1a' });
    const slots = ['a', 'a', 'b', 'c', 'c', 'c'];
    for (const key of keysOf(500)) expect(placement.locate(key)).toBe(slots[hasher.hash32(key) % 6]);
    expect(placement.toSpec().nodes.map((node) => node.id)).toEqual(['a', 'b', 'c']);
    expect(modulo([{ id: 'b' }, { id: 'a' }]).toSpec().nodes.map((node) => node.id)).toEqual(['b', 'a']);
  });

  it('balances like a random assignment and honours integer weights', () => {
    const nodes = Array.from({ length: 100 }, (_, i) => ({ id: `n${i}` }));
    const keys = keysOf(100_000);
    expect(maxOverMean(loads(modulo(nodes), keys), nodes)).toBeLessThan(randomFloor(nodes, keys.length) + 0.05);
    const weighted = Array.from({ length: 20 }, (_, i) => ({ id: `w${i}`, weight: i < 10 ? 1 : 2 }));
    const counts = loads(modulo(weighted), keysOf(60_000));
    const mean = (weight: number) => weighted.filter((node) => node.weight === weight).reduce((sum, node) => sum + counts.get(node.id)!, 0) / 10;
    expect(mean(2) / mean(1)).toBeGreaterThan(1.9);
    expect(mean(2) / mean(1)).toBeLessThan(2.1);
  });

  it('moves most keys when a node joins: the cost consistent hashing avoids', () => {
    const keys = keysOf(20_000);
    const before = modulo(Array.from({ length: 10 }, (_, i) => ({ id: `n${i}` })));
    const after = before.with({ add: [{ id: 'n10' }] });
    const moved = keys.filter((key) => before.locate(key) !== after.locate(key)).length / keys.length;
    expect(moved).toBeGreaterThan(0.85);
  });

  it('rejects fractional weights wherever they come from', () => {
    expectError(() => modulo([{ id: 'a' }, { id: 'b', weight: 0.5 }]), 'ERR_INVALID_NODES', 'nodes[1].weight');
    const placement = modulo([{ id: 'a' }, { id: 'b' }]);
    expectError(() => placement.with({ weights: { b: 1.5 } }), 'ERR_INVALID_NODES', 'change.weights["b"]');
    expectError(() => placement.with({ add: [{ id: 'c', weight: 2.5 }] }), 'ERR_INVALID_NODES', 'change.add[0].weight');
    expectError(() => modulo([{ id: 'a', weight: 2 ** 21 }]), 'ERR_INVALID_NODES', 'nodes');
  });
});
