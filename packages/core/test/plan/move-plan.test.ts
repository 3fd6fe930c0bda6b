import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jump } from '../../src/placement/jump.ts';
import { maglev } from '../../src/placement/maglev.ts';
import { modulo } from '../../src/placement/modulo.ts';
import type { NodeSpec, Placement, PlacementChange } from '../../src/placement/placement.ts';
import { rendezvous } from '../../src/placement/rendezvous.ts';
import { ring } from '../../src/placement/ring.ts';
import { slots } from '../../src/placement/slots.ts';
import { planMove, type MovePlan, type RangeMovePlan } from '../../src/plan/move-plan.ts';

type Factory = (nodes: readonly NodeSpec[]) => Placement;
const factories: Record<string, Factory> = {
  jump: (nodes) => jump(nodes),
  slots: (nodes) => slots(nodes),
  ring: (nodes) => ring(nodes, { vnodes: 20 }),
  'ring/xxhash64': (nodes) => ring(nodes, { vnodes: 20, hash: 'xxhash64' }),
  rendezvous: (nodes) => rendezvous(nodes),
  maglev: (nodes) => maglev(nodes, { tableSize: 251 }),
  modulo: (nodes) => modulo(nodes),
};
const names = Object.keys(factories);

const sampleKeys = Array.from({ length: 400 }, (_, i) => (i % 5 === 0 ? `{tag${i % 7}}:${i}` : `key:${i}`));

/** The truth every plan must reproduce: compare the owners. */
function expectedMove(from: Placement, to: Placement, key: string) {
  const a = from.locate(key);
  const b = to.locate(key);
  return a === b ? undefined : { from: a, to: b };
}

function checkPlan(plan: MovePlan, keys: readonly string[]): void {
  for (const key of keys) {
    const move = plan.moveOf(key);
    const expected = expectedMove(plan.from, plan.to, key);
    expect(move === undefined ? undefined : { from: move.from, to: move.to }).toEqual(expected);
    if (plan.kind === 'ranges') expect(plan.moveOfPoint(plan.pointOf(key))).toBe(move);
  }
}

const arbChange = (count: number): fc.Arbitrary<PlacementChange> =>
  fc.oneof(
    fc.record({ add: fc.constant([{ id: 'new-a' }, { id: 'new-b', weight: 2 }]) }),
    fc.nat(count - 1).map((i) => ({ remove: [`n${i}`] })),
    fc.nat(count - 1).map((i) => ({ weights: { [`n${i}`]: 3 } })),
    fc.nat(count - 1).map((i) => ({ remove: [`n${i}`], add: [{ id: 'replacement' }] })),
  );

describe('planMove', () => {
  it('moveOf(key) equals comparing from.locate and to.locate, for every algorithm pair and change', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.constantFrom(...names), fc.integer({ min: 2, max: 12 }), fc.boolean(), (a, b, count, same) => {
        const nodes = Array.from({ length: count }, (_, i) => ({ id: `n${i}` }));
        const from = factories[a]!(nodes);
        const to = same ? from.with({ remove: ['n0'], add: [{ id: 'x' }] }) : factories[b]!(nodes.slice(1));
        checkPlan(planMove(from, to), sampleKeys);
      }),
      { numRuns: 60 },
    );
  });

  it('uses exact ranges for same-point-function pairs, and the range answer equals the per-key one', () => {
    fc.assert(
      fc.property(fc.constantFrom('slots', 'ring', 'ring/xxhash64'), fc.integer({ min: 2, max: 16 }), fc.integer({ min: 0, max: 3 }), (name, count, seed) => {
        const nodes = Array.from({ length: count }, (_, i) => ({ id: `n${i}` }));
        const from = factories[name]!(nodes);
        const change = fc.sample(arbChange(count), { numRuns: 1, seed })[0]!;
        const plan = planMove(from, from.with(change));
        expect(plan.kind).toBe('ranges');
        checkPlan(plan, sampleKeys);
      }),
      { numRuns: 40 },
    );
  });

  it('falls back to per-key plans across point functions (ring with another hash, jump, slots → ring)', () => {
    const nodes = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(planMove(factories['ring']!(nodes), factories['ring/xxhash64']!(nodes)).kind).toBe('keys');
    expect(planMove(slots(nodes), ring(nodes)).kind).toBe('keys');
    expect(planMove(jump(nodes), jump(nodes).with({ add: [{ id: 'd' }] })).kind).toBe('keys');
    expect(planMove(slots(nodes), slots(nodes, { hashTags: false })).kind).toBe('keys');
  });

  it('names the exact slot ranges of a slot change, merged, with sources, targets and a summary', () => {
    const before = slots([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    const plan = planMove(before, before.with({ add: [{ id: 'd' }] })) as RangeMovePlan;
    expect(plan.ranges).toEqual([
      { start: 4096, end: 5461, from: 'a', to: 'd' },
      { start: 9557, end: 10923, from: 'b', to: 'd' },
      { start: 15019, end: 16384, from: 'c', to: 'd' },
    ]);
    expect(plan.sources()).toEqual(['a', 'b', 'c']);
    expect(plan.targets()).toEqual(['d']);
    expect(plan.summary.movedPoints).toBe(4096);
    expect(plan.summary.movedFraction).toBe(0.25);
    expect(plan.summary.pairs.map((pair) => [pair.from, pair.to, pair.points])).toEqual([
      ['b', 'd', 1366],
      ['a', 'd', 1365],
      ['c', 'd', 1365],
    ]);
    // Range boundaries: inclusive start, exclusive end.
    expect(plan.moveOfPoint(4095)).toBeUndefined();
    expect(plan.moveOfPoint(4096)?.to).toBe('d');
    expect(plan.moveOfPoint(5460)?.from).toBe('a');
    expect(plan.moveOfPoint(5461)).toBeUndefined();
    expect(plan.moveOfPoint(16383)?.from).toBe('c');
  });

  it('reports no ranges and no moves between equal placements', () => {
    const placement = slots([{ id: 'a' }, { id: 'b' }]);
    const plan = planMove(placement, placement.with({})) as RangeMovePlan;
    expect(plan.ranges).toEqual([]);
    expect(plan.sources()).toEqual([]);
    expect(plan.movedFraction(sampleKeys)).toBe(0);
    expect(plan.moveOfPoint(0)).toBeUndefined();
  });

  it('merges adjacent intervals with the same from and to on a ring', () => {
    const before = ring([{ id: 'a' }, { id: 'b' }, { id: 'c' }], { vnodes: 50 });
    const plan = planMove(before, before.with({ remove: ['b'] })) as RangeMovePlan;
    expect(plan.sources()).toEqual(['b']);
    for (let i = 1; i < plan.ranges.length; i++) {
      const [prev, next] = [plan.ranges[i - 1]!, plan.ranges[i]!];
      expect(next.start).toBeGreaterThanOrEqual(prev.end);
      if (next.start === prev.end) expect([prev.from, prev.to]).not.toEqual([next.from, next.to]);
    }
    expect(plan.summary.movedFraction).toBeGreaterThan(0.2);
    expect(plan.summary.movedFraction).toBeLessThan(0.5);
  });

  it('movedFraction measures a key sample, and per-key moves reuse one object per pair', () => {
    const before = jump(Array.from({ length: 10 }, (_, i) => ({ id: `n${i}` })));
    const plan = planMove(before, before.with({ add: [{ id: 'x' }] }));
    const keys = Array.from({ length: 20_000 }, (_, i) => `user:${i}`);
    const fraction = plan.movedFraction(keys);
    expect(fraction).toBeGreaterThan(0.08);
    expect(fraction).toBeLessThan(0.1);
    const moved = keys.map((key) => plan.moveOf(key)).filter((move) => move !== undefined);
    expect(new Set(moved).size).toBe(10);
    expect(plan.movedFraction([])).toBe(0);
  });
});
