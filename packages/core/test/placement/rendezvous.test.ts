import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rendezvous, rendezvousAlgorithm } from '../../src/placement/rendezvous.ts';
import { best, candidates, ranked } from '../../src/placement/rendezvous-hrw.ts';
import { expectError, keysOf, loads, maxOverMean, placementContract, randomFloor, someKey, weightedNodes } from './ring-support.ts';

const nodesOf = (count: number, weight = 1) => Array.from({ length: count }, (_, i) => ({ id: `10.0.${i >> 8}.${i & 255}:6379`, weight }));

describe('rendezvous (flat)', () => {
  placementContract(rendezvousAlgorithm, (nodes) => rendezvous(nodes), { orderFree: true, fractionalWeights: true });

  it('writes its variant in the spec', () => {
    expect(rendezvous([{ id: 'a' }]).toSpec().params).toEqual({ variant: 'flat' });
  });

  it('replica i is the owner once replicas 0..i-1 are gone (HRW order)', () => {
    fc.assert(
      fc.property(weightedNodes.filter((nodes) => nodes.length >= 2), someKey, (nodes, key) => {
        const placement = rendezvous(nodes);
        const order = placement.replicas(key, nodes.length);
        for (let i = 1; i < order.length; i++) expect(placement.with({ remove: order.slice(0, i) }).locate(key)).toBe(order[i]);
      }),
      { numRuns: 30 },
    );
  });

  it('honours weights: a weight-2 node gets about twice the keys of a weight-1 node', () => {
    const nodes = Array.from({ length: 20 }, (_, i) => ({ id: `node-${i}`, weight: i < 10 ? 1 : 2 }));
    const counts = loads(rendezvous(nodes), keysOf(60_000));
    const mean = (weight: number) => nodes.filter((node) => node.weight === weight).reduce((sum, node) => sum + counts.get(node.id)!, 0) / 10;
    expect(mean(2) / mean(1)).toBeGreaterThan(1.9);
    expect(mean(2) / mean(1)).toBeLessThan(2.1);
  });

  it('balances 100 nodes like a random assignment (weighted and not)', () => {
    const keys = keysOf(100_000);
    for (const nodes of [nodesOf(100), nodesOf(100).map((node, i) => ({ ...node, weight: 1 + (i % 3) }))]) {
      const ratio = maxOverMean(loads(rendezvous(nodes), keys), nodes);
      expect(ratio).toBeLessThan(randomFloor(nodes, keys.length) + 0.06);
    }
  });

  it('moves only keys to or from the changed node', () => {
    const keys = keysOf(20_000);
    const before = rendezvous(nodesOf(15));
    const owners = keys.map((key) => before.locate(key));
    const target = before.nodes[4]!.id;
    const changes = [{ add: [{ id: 'new' }] }, { remove: [target] }, { weights: { [target]: 3 } }, { weights: { [target]: 0.5 } }];
    for (const change of changes) {
      const after = before.with(change);
      keys.forEach((key, i) => {
        const owner = after.locate(key);
        if (owner !== owners[i]) expect([owner, owners[i]]).toContain(change.add !== undefined ? 'new' : target);
      });
    }
  });

  it('rejects bad options', () => {
    expectError(() => rendezvous([{ id: 'a' }], { variant: 'tree' as 'flat' }), 'ERR_INVALID_ARGUMENT', 'options.variant');
    expectError(() => rendezvous([{ id: 'a' }], { fanout: 8 }), 'ERR_INVALID_ARGUMENT', 'options.fanout');
    expectError(() => rendezvous([{ id: 'a' }], { levels: 2 }), 'ERR_INVALID_ARGUMENT', 'options.levels');
    const spec = rendezvous([{ id: 'a' }]).toSpec();
    expectError(() => rendezvousAlgorithm.fromSpec({ ...spec, params: { variant: 'x' } }, rendezvous([{ id: 'a' }]).hasher), 'ERR_INVALID_TOPOLOGY', 'params.variant');
  });
});

describe('rendezvous scoring', () => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const sets = fc.array(fc.tuple(u32, u32, fc.constantFrom(1, 1, 2, 0.5, 3.25)), { minLength: 1, maxLength: 30 }).map((rows) =>
    candidates(Uint32Array.from(rows.map((r) => r[0])), Uint32Array.from(rows.map((r) => r[1])), Float64Array.from(rows.map((r) => r[2]))),
  );

  it('best (inlined mixer) picks what ranked (shared mixer) puts first', () => {
    fc.assert(fc.property(sets, u32, u32, (set, lo, hi) => best(set, lo, hi) === ranked(set, lo, hi)[0]), { numRuns: 500 });
  });

  it('the logarithm path agrees with the equal-weight shortcut when weights are equal', () => {
    fc.assert(
      fc.property(sets, u32, u32, (set, lo, hi) => {
        const equal = candidates(set.seedLo, set.seedHi, new Float64Array(set.weight.length).fill(1.5));
        expect(equal.uniform).toBe(true);
        const forced = { ...equal, uniform: false };
        expect(best(forced, lo, hi)).toBe(best(equal, lo, hi));
        expect(ranked(forced, lo, hi)).toEqual(ranked(equal, lo, hi));
      }),
      { numRuns: 300 },
    );
  });
});

describe("rendezvous variant 'skeleton'", () => {
  // A small fanout gives small node sets a real hierarchy (several levels, several clusters).
  placementContract(rendezvousAlgorithm, (nodes) => rendezvous(nodes, { variant: 'skeleton', fanout: 3, levels: 2 }), {
    orderFree: true,
    fractionalWeights: true,
  });

  it('chooses its shape from the node count and keeps it through with() and the spec', () => {
    expect(rendezvous(nodesOf(1000), { variant: 'skeleton' }).toSpec().params).toEqual({ variant: 'skeleton', fanout: 32, levels: 1 });
    expect(rendezvous(nodesOf(1025), { variant: 'skeleton' }).toSpec().params).toEqual({ variant: 'skeleton', fanout: 32, levels: 2 });
    const small = rendezvous(nodesOf(5), { variant: 'skeleton', fanout: 4 });
    const grown = small.with({ add: nodesOf(200).slice(5) });
    expect(grown.toSpec().params).toEqual({ variant: 'skeleton', fanout: 4, levels: 1 });
  });

  it('gives every node its weighted share', () => {
    const nodes = Array.from({ length: 60 }, (_, i) => ({ id: `node-${i}`, weight: i < 30 ? 1 : 2 }));
    const counts = loads(rendezvous(nodes, { variant: 'skeleton', fanout: 4 }), keysOf(60_000));
    const mean = (weight: number) => nodes.filter((node) => node.weight === weight).reduce((sum, node) => sum + counts.get(node.id)!, 0) / 30;
    expect(mean(2) / mean(1)).toBeGreaterThan(1.9);
    expect(mean(2) / mean(1)).toBeLessThan(2.1);
  });

  it('balances 1,000 nodes like a random assignment', () => {
    const nodes = nodesOf(1000);
    const keys = keysOf(100_000);
    expect(maxOverMean(loads(rendezvous(nodes, { variant: 'skeleton' }), keys), nodes)).toBeLessThan(randomFloor(nodes, keys.length, 2) + 0.15);
  });

  it('moves about (levels + 1) times the minimum when a node joins or leaves, never less', () => {
    const keys = keysOf(40_000);
    const before = rendezvous(nodesOf(1000), { variant: 'skeleton' });
    const owners = keys.map((key) => before.locate(key));
    for (const change of [{ add: [{ id: 'joining' }] }, { remove: [before.nodes[500]!.id] }]) {
      const after = before.with(change);
      const moved = keys.filter((key, i) => after.locate(key) !== owners[i]).length;
      const changed = change.add !== undefined ? keys.filter((key) => after.locate(key) === 'joining').length : owners.filter((owner) => owner === before.nodes[500]!.id).length;
      expect(moved).toBeGreaterThanOrEqual(changed);
      expect(moved).toBeLessThan(3 * Math.max(changed, 20));
    }
  });

  it('rejects a bad shape', () => {
    for (const fanout of [1, 257, 2.5]) expectError(() => rendezvous([{ id: 'a' }], { variant: 'skeleton', fanout }), 'ERR_INVALID_ARGUMENT', 'options.fanout');
    for (const levels of [0, 5, 1.5]) expectError(() => rendezvous([{ id: 'a' }], { variant: 'skeleton', levels }), 'ERR_INVALID_ARGUMENT', 'options.levels');
  });
});
