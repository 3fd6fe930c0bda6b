import { describe, expect, it } from 'vitest';
import { DEFAULT_MAGLEV_TABLE_SIZE, maglev, maglevAlgorithm, MAX_MAGLEV_TABLE_SIZE } from '../../src/placement/maglev.ts';
import { expectError, keysOf, loads, maxOverMean, placementContract, randomFloor } from './ring-support.ts';

const nodesOf = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `10.0.${i >> 8}.${i & 255}:6379` }));

describe('maglev', () => {
  // A small prime table keeps the property runs fast; the default size is tested below.
  placementContract(maglevAlgorithm, (nodes) => maglev(nodes, { tableSize: 251 }), { orderFree: true, fractionalWeights: true });

  it('defaults to a 65537-slot table and writes its size in the spec', () => {
    expect(maglev([{ id: 'a' }]).toSpec().params).toEqual({ tableSize: DEFAULT_MAGLEV_TABLE_SIZE });
  });

  it('balances 100 nodes like a random assignment', () => {
    const nodes = nodesOf(100);
    const keys = keysOf(100_000);
    expect(maxOverMean(loads(maglev(nodes), keys), nodes)).toBeLessThan(randomFloor(nodes, keys.length) + 0.05);
  });

  it('honours weights: a weight-2 node gets about twice the keys of a weight-1 node', () => {
    const nodes = Array.from({ length: 20 }, (_, i) => ({ id: `node-${i}`, weight: i < 10 ? 1 : 2 }));
    const counts = loads(maglev(nodes), keysOf(60_000));
    const mean = (weight: number) => nodes.filter((node) => node.weight === weight).reduce((sum, node) => sum + counts.get(node.id)!, 0) / 10;
    expect(mean(2) / mean(1)).toBeGreaterThan(1.9);
    expect(mean(2) / mean(1)).toBeLessThan(2.1);
  });

  it('gives even the lightest node a slot', () => {
    const placement = maglev([{ id: 'heavy', weight: 1e6 }, { id: 'light', weight: 1e-6 }], { tableSize: 11 });
    const keys = keysOf(2000);
    const light = keys.filter((key) => placement.locate(key) === 'light').length;
    expect(light).toBeGreaterThan(0);
    expect(light).toBeLessThan(keys.length / 4);
  });

  it('moves little more than the minimum when a node joins or leaves', () => {
    const keys = keysOf(50_000);
    const before = maglev(nodesOf(100));
    const owners = keys.map((key) => before.locate(key));
    const joined = before.with({ add: [{ id: 'joining' }] });
    const moved = keys.filter((key, i) => joined.locate(key) !== owners[i]).length;
    const gained = keys.filter((key) => joined.locate(key) === 'joining').length;
    expect(moved).toBeGreaterThanOrEqual(gained);
    expect(moved).toBeLessThan(2.5 * gained);
    const leaving = before.nodes[37]!.id;
    const left = before.with({ remove: [leaving] });
    const lost = owners.filter((owner) => owner === leaving).length;
    const movedOnRemove = keys.filter((key, i) => left.locate(key) !== owners[i]).length;
    expect(movedOnRemove).toBeGreaterThanOrEqual(lost);
    expect(movedOnRemove).toBeLessThan(2.5 * lost);
  });

  it('rejects a table size that is not a prime above the node count', () => {
    for (const tableSize of [65536, 1, 0, -7, 2.5, Number.NaN, '65537' as unknown as number, 67108879]) {
      expectError(() => maglev([{ id: 'a' }], { tableSize }), 'ERR_INVALID_ARGUMENT', 'options.tableSize');
    }
    expect(67108879).toBeGreaterThan(MAX_MAGLEV_TABLE_SIZE);
    expectError(() => maglev(nodesOf(7), { tableSize: 7 }), 'ERR_INVALID_ARGUMENT', 'options.tableSize');
    expect(maglev(nodesOf(6), { tableSize: 7 }).nodes).toHaveLength(6);
    expectError(() => maglev(nodesOf(6), { tableSize: 7 }).with({ add: [{ id: 'x' }] }), 'ERR_INVALID_ARGUMENT', 'change');
    const spec = maglev([{ id: 'a' }], { tableSize: 7 }).toSpec();
    expectError(() => maglevAlgorithm.fromSpec({ ...spec, params: { tableSize: 8 } }, maglev([{ id: 'a' }]).hasher), 'ERR_INVALID_TOPOLOGY', 'params.tableSize');
  });
});
