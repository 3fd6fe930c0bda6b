import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidNodesError, InvalidTopologyError } from '../../src/errors.ts';
import { keySlot } from '../../src/placement/key-slot.ts';
import type { PlacementSpec } from '../../src/placement/placement.ts';
import { slots, slotsAlgorithm, type SlotsPlacement } from '../../src/placement/slots.ts';

const ids = (n: number, prefix = 'n') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}` }));

/** redis-cli's `clusterManagerCommandCreate` slot split (redis/src/redis-cli.c), ported. */
function redisCliRanges(masters: number): [number, number][] {
  const perNode = 16384 / masters;
  const ranges: [number, number][] = [];
  let first = 0;
  let cursor = 0;
  for (let i = 0; i < masters; i++) {
    let last = Math.round(cursor + perNode - 1);
    if (last > 16384 || i === masters - 1) last = 16383;
    if (last < first) last = first;
    ranges.push([first, last]);
    first = last + 1;
    cursor += perNode;
  }
  return ranges;
}

function slotOwners(placement: SlotsPlacement): string[] {
  return Array.from({ length: 16384 }, (_, slot) => placement.ownerOfSlot(slot));
}

function changedSlots(before: SlotsPlacement, after: SlotsPlacement) {
  const a = slotOwners(before);
  const b = slotOwners(after);
  return a.flatMap((owner, slot) => (owner === b[slot] ? [] : [{ slot, from: owner, to: b[slot]! }]));
}

function quotaRespecting(placement: SlotsPlacement): boolean {
  const total = placement.nodes.reduce((sum, node) => sum + node.weight, 0);
  const counts = placement.slotCounts();
  return placement.nodes.every((node) => {
    const quota = (16384 * node.weight) / total;
    const count = counts[node.id]!;
    return count === Math.max(1, Math.floor(quota)) || count === Math.ceil(quota);
  });
}

describe('slots placement', () => {
  it('lays out equal weights exactly as redis-cli --cluster create does', () => {
    expect(slots(ids(3)).slotRanges()).toEqual([
      { from: 0, to: 5460, node: 'n0' },
      { from: 5461, to: 10922, node: 'n1' },
      { from: 10923, to: 16383, node: 'n2' },
    ]);
    for (const n of [1, 2, 5, 6, 7, 10, 13, 100, 1000]) {
      const ranges = slots(ids(n)).slotRanges().map((range) => [range.from, range.to]);
      expect(ranges).toEqual(redisCliRanges(n));
    }
  });

  it('locates a key on the owner of its keySlot', () => {
    const placement = slots(ids(7));
    for (let i = 0; i < 2_000; i++) {
      const key = `user:${i}:{cart}`;
      expect(placement.locate(key)).toBe(placement.ownerOfSlot(keySlot(key)));
      expect(placement.pointOf(key)).toBe(keySlot(key));
    }
  });

  it('apportions by weight: every node within one slot of its quota, and at least one slot', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 60 }), (weights) => {
        const placement = slots(weights.map((weight, i) => ({ id: `n${i}`, weight })));
        expect(quotaRespecting(placement)).toBe(true);
      }),
      { numRuns: 100 },
    );
    const tiny = slots([{ id: 'big', weight: 1e9 }, { id: 'tiny', weight: 1 }]);
    expect(tiny.slotCounts()).toEqual({ big: 16383, tiny: 1 });
  });

  it('adding a node moves only slots to it, ~1/(N+1) of them, from (nearly) every node', () => {
    for (const n of [3, 10, 100]) {
      const before = slots(ids(n));
      const after = before.with({ add: [{ id: 'x' }] });
      const moved = changedSlots(before, after);
      expect(moved.every((move) => move.to === 'x')).toBe(true);
      expect(Math.abs(moved.length - 16384 / (n + 1))).toBeLessThanOrEqual(1);
      // With 100 nodes a few already sit at the floor of the new quota and give nothing.
      expect(new Set(moved.map((move) => move.from)).size).toBeGreaterThan(0.9 * n);
    }
  });

  it('removing a node moves only its slots, to the nodes most under quota', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.nat(), (n, pick) => {
        const before = slots(ids(n));
        const gone = `n${pick % n}`;
        const after = before.with({ remove: [gone] });
        const moved = changedSlots(before, after);
        expect(moved.every((move) => move.from === gone)).toBe(true);
        expect(moved.length).toBe(before.slotCounts()[gone]);
        expect(quotaRespecting(after)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('moves the fewest slots for any change, staying within one slot of quota', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(2), fc.nat(), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 6 }),
        (weights, ops) => {
          let placement = slots(weights.map((weight, i) => ({ id: `n${i}`, weight })));
          let fresh = 0;
          for (const [kind, pick, weight] of ops) {
            const live = placement.nodes.map((node) => node.id);
            const id = live[pick % live.length]!;
            const change =
              kind === 0 && live.length > 1 ? { remove: [id] } : kind === 1 ? { add: [{ id: `x${fresh++}`, weight }] } : { weights: { [id]: weight } };
            const next = placement.with(change);
            const before = placement.slotCounts();
            const after = next.slotCounts();
            // Fewest moves to reach the new counts: every slot above a node's new count, and all of a removed node's.
            const needed = Object.keys(before).reduce((sum, node) => sum + Math.max(0, before[node]! - (after[node] ?? 0)), 0);
            expect(changedSlots(placement, next).length).toBe(needed);
            expect(quotaRespecting(next)).toBe(true);
            placement = next;
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps its table for an empty change, and for removing and re-adding the same node', () => {
    const placement = slots(ids(5)).with({ add: [{ id: 'x', weight: 2 }] });
    expect(placement.with({}).toSpec()).toEqual(placement.toSpec());
    expect(placement.with({ remove: ['n2'], add: [{ id: 'n2' }] }).slotRanges()).toEqual(placement.slotRanges());
  });

  it('mirrors an explicit table (a node may own no slot) and rebalances from it', () => {
    const table = [
      { from: 0, to: 99, node: 'b' },
      { from: 100, to: 16383, node: 'a' },
    ];
    const placement = slots([{ id: 'a' }, { id: 'b' }, { id: 'c' }], { table });
    expect(placement.slotRanges()).toEqual(table);
    expect(placement.slotCounts()).toEqual({ a: 16284, b: 100, c: 0 });
    expect(placement.replicas('k', 3)).toHaveLength(3);
    const balanced = placement.with({});
    expect(quotaRespecting(balanced)).toBe(true);
    expect(changedSlots(placement, balanced).every((move) => move.from === 'a')).toBe(true);
  });

  it.each([
    ['options.table', { table: [{ from: 0, to: 100, node: 'a' }] }],
    ['options.table[1]', { table: [{ from: 0, to: 100, node: 'a' }, { from: 100, to: 16383, node: 'a' }] }],
    ['options.table[0]', { table: [{ from: 0, to: 16384, node: 'a' }] }],
    ['options.table[0]', { table: [{ from: 0, to: 16383, node: 'zz' }] }],
    ['options.table[0]', { table: [{ from: 5, to: 1, node: 'a' }] }],
    ['options.hash', { hash: 'xxh3' }],
    ['options.hashSeed', { hashSeed: '00' }],
    ['options.hashTags', { hashTags: 1 }],
  ])('rejects a bad %s with InvalidArgumentError', (argument, options) => {
    expect(() => slots([{ id: 'a' }], options as never)).toThrow(InvalidArgumentError);
    expect(() => slots([{ id: 'a' }], options as never)).toThrow(expect.objectContaining({ argument }));
  });

  it('accepts the crc16 hash by name, and refuses more nodes than slots', () => {
    expect(slots(ids(2), { hash: 'crc16' }).hasher.name).toBe('crc16');
    expect(() => slots(ids(16385))).toThrow(InvalidNodesError);
  });

  it('switches hash tags off on request: tagged keys then spread', () => {
    const untagged = slots(ids(16), { hashTags: false });
    expect(untagged.pointFunction).not.toBe(slots(ids(16)).pointFunction);
    const owners = new Set(Array.from({ length: 50 }, (_, i) => untagged.locate(`{user1}.${i}`)));
    expect(owners.size).toBeGreaterThan(1);
  });

  it('partitions are maximal runs covering [0, 16384)', () => {
    const placement = slots(ids(4)).with({ add: [{ id: 'x' }] }).with({ remove: ['n1'] });
    const parts = placement.partitions();
    expect(parts[0]!.start).toBe(0);
    expect(parts.at(-1)!.end).toBe(16384);
    for (let i = 1; i < parts.length; i++) {
      expect(parts[i]!.start).toBe(parts[i - 1]!.end);
      expect(parts[i]!.owner).not.toBe(parts[i - 1]!.owner);
    }
  });

  it('replicas walk the following ranges: distinct, first = locate', () => {
    const placement = slots(ids(10)).with({ add: [{ id: 'x' }] });
    for (let i = 0; i < 500; i++) {
      const key = `k${i}`;
      const all = placement.replicas(key, 11);
      expect(new Set(all).size).toBe(11);
      expect(all[0]).toBe(placement.locate(key));
    }
    expect(() => placement.replicas('k', 12)).toThrow(expect.objectContaining({ argument: 'replicas.n' }));
  });
});

describe('slots spec', () => {
  const placement = slots(ids(3)).with({ add: [{ id: 'x' }] });
  const spec = placement.toSpec();

  it('reads a spec without ranges as the default layout', () => {
    const bare = slotsAlgorithm.fromSpec({ ...spec, params: {} }, placement.hasher) as SlotsPlacement;
    expect(bare.slotRanges()).toEqual(slots(placement.nodes).slotRanges());
  });

  it('stores the table as [from, to, node index] ranges and round-trips through JSON', () => {
    expect(spec.params['ranges']).toEqual(placement.slotRanges().map((r) => [r.from, r.to, placement.nodes.findIndex((n) => n.id === r.node)]));
    const rebuilt = slotsAlgorithm.fromSpec(JSON.parse(JSON.stringify(spec)) as PlacementSpec, placement.hasher) as SlotsPlacement;
    expect(rebuilt.slotRanges()).toEqual(placement.slotRanges());
  });

  it.each([
    ['hash', { hash: 'xxh3' }],
    ['hashSeed', { hashSeed: 'ab' }],
    ['params.ranges', { params: { ranges: 'all' } }],
    ['params.ranges[0]', { params: { ranges: [[0, 16383]] } }],
    ['params.ranges[0]', { params: { ranges: [[0, 16383, 9]] } }],
    ['params.ranges', { params: { ranges: [[0, 16000, 0]] } }],
    ['params.ranges[1]', { params: { ranges: [[0, 16383, 0], [5, 5, 1]] } }],
  ])('names %s in InvalidTopologyError', (field, patch) => {
    const bad = { ...spec, ...patch } as PlacementSpec;
    expect(() => slotsAlgorithm.fromSpec(bad, placement.hasher)).toThrow(InvalidTopologyError);
    expect(() => slotsAlgorithm.fromSpec(bad, placement.hasher)).toThrow(expect.objectContaining({ field }));
  });
});
