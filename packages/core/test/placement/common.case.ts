import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur3x86_32 } from '../../src/hash/murmur3.ts';
import type { CommonOptions, NodeSpec, Placement, PlacementSpec } from '../../src/placement/placement.ts';
import { createPlacement } from '../../src/placement/registry.ts';

/**
 * One set of cases that every placement algorithm runs (Hono's `common.case.test.ts` style). An
 * algorithm that cannot meet a case skips it with a reason, and its own test file asserts what it
 * does instead (a typed error, or the disruption it causes).
 *
 * Figures are judged against the **random-assignment floor**: the same keys thrown on the same
 * nodes by an independent uniform hash (MurmurHash3, averaged over 5 seeds). No algorithm that
 * hashes keys can beat it on average, so bounds are stated as factors of it.
 */

export const SUITE_TESTS = [
  'deterministic',
  'spec round trip',
  'keys map to nodes',
  'replicas',
  'immutable with',
  'bad changes',
  'balance',
  'weights',
  'add: moves only to the new node',
  'add: moved/optimal',
  'remove: moves only the removed node',
  'hash tags',
] as const;
export type SuiteTest = (typeof SUITE_TESTS)[number];

export interface SuiteSkip {
  readonly reason: string;
  readonly tests: readonly SuiteTest[];
}

export interface PlacementSuiteOptions {
  readonly name: string;
  readonly create: (nodes: readonly NodeSpec[], options?: CommonOptions) => Placement;
  /** Max/mean load must be ≤ factor × the floor's max/mean, at 10 and at 100 nodes. */
  readonly balanceFactor: number;
  /** Worst relative error of a weighted node's load must be ≤ factor × the floor's. */
  readonly weightFactor: number;
  /** Keys moved by adding an 11th node, over the optimal `K / 11`, must be ≤ this. */
  readonly addBound: number;
  readonly skip?: readonly SuiteSkip[];
}

export const BALANCE_KEYS = 50_000;
export const suiteKeys: readonly string[] = Array.from({ length: BALANCE_KEYS }, (_, i) => `user:${i}:profile`);
const encoded = suiteKeys.map((key) => new TextEncoder().encode(key));

export const nodeList = (count: number, weights?: readonly number[]): NodeSpec[] =>
  Array.from({ length: count }, (_, i) => ({ id: `node-${i}`, ...(weights === undefined ? {} : { weight: weights[i % weights.length]! }) }));

/** Keys per node id. */
export function loads(placement: Placement, keys: readonly string[] = suiteKeys): Map<string, number> {
  const counts = new Map(placement.nodes.map((node) => [node.id, 0]));
  for (const key of keys) {
    const owner = placement.locate(key);
    counts.set(owner, counts.get(owner)! + 1);
  }
  return counts;
}

/** Max/mean of the loads, over all nodes (an idle node counts as 0). */
export function maxOverMean(counts: Iterable<number>): number {
  const values = [...counts];
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.max(...values) / mean;
}

/** Worst `|load / expected − 1|` when node `i` should get `weights[i] / Σ` of the keys. */
export function worstWeightError(counts: readonly number[], weights: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const sum = weights.reduce((a, b) => a + b, 0);
  return Math.max(...counts.map((count, i) => Math.abs(count / ((total * weights[i]!) / sum) - 1)));
}

const FLOOR_SEEDS = [11, 22, 33, 44, 55];

/** Random assignment of the suite keys, proportional to `weights`: loads per node, per seed. */
function randomAssignments(weights: readonly number[]): number[][] {
  const cumulative: number[] = [];
  weights.reduce((sum, weight) => (cumulative.push(sum + weight), sum + weight), 0);
  const total = cumulative.at(-1)!;
  return FLOOR_SEEDS.map((seed) => {
    const counts = new Array<number>(weights.length).fill(0);
    for (const bytes of encoded) {
      const point = (murmur3x86_32(bytes, bytes.length, seed) / 2 ** 32) * total;
      let node = 0;
      while (cumulative[node]! <= point) node++;
      counts[node]!++;
    }
    return counts;
  });
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** The floor of max/mean for `n` equal nodes (mean over seeds). */
export function floorMaxOverMean(n: number): number {
  return mean(randomAssignments(new Array<number>(n).fill(1)).map(maxOverMean));
}

/** The floor of the worst weighted error (mean over seeds). */
export function floorWeightError(weights: readonly number[]): number {
  return mean(randomAssignments(weights).map((counts) => worstWeightError(counts, weights)));
}

/** Adds one node to `count` and measures the disruption. */
export function measureAdd(create: PlacementSuiteOptions['create'], count = 10) {
  const before = create(nodeList(count));
  const after = before.with({ add: [{ id: 'newcomer' }] });
  let moved = 0;
  let elsewhere = 0;
  for (const key of suiteKeys) {
    const to = after.locate(key);
    if (before.locate(key) !== to) {
      moved++;
      if (to !== 'newcomer') elsewhere++;
    }
  }
  const optimal = suiteKeys.length / (count + 1);
  return { moved, elsewhere, optimal, ratio: moved / optimal };
}

/** Removes a middle node of `count` and measures which keys moved. */
export function measureRemove(create: PlacementSuiteOptions['create'], count = 10) {
  const before = create(nodeList(count));
  const gone = `node-${Math.floor(count / 3)}`;
  const after = before.with({ remove: [gone] });
  let moved = 0;
  let others = 0;
  for (const key of suiteKeys) {
    const from = before.locate(key);
    if (from !== after.locate(key)) {
      moved++;
      if (from !== gone) others++;
    }
  }
  return { moved, others, removedLoad: loads(before).get(gone)! };
}

const arbKey = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), fc.string({ maxLength: 8 }).map((s) => `{${s}}:x`));

const sameEverywhere = (a: Placement, b: Placement, keys: readonly string[]) => keys.every((key) => a.locate(key) === b.locate(key));

export function runPlacementSuite(options: PlacementSuiteOptions): void {
  const { name, create } = options;
  const skipped = new Map<SuiteTest, string>();
  for (const skip of options.skip ?? []) {
    expect(skip.reason.length, `skip of ${skip.tests.join(', ')} needs a reason`).toBeGreaterThan(10);
    for (const test of skip.tests) skipped.set(test, skip.reason);
  }
  const test = (id: SuiteTest, title: string, body: () => void, timeout?: number) => {
    const reason = skipped.get(id);
    if (reason === undefined) it(`${id}: ${title}`, body, timeout);
    else it.skip(`${id}: ${title} — skipped: ${reason}`, body);
  };
  const few = suiteKeys.slice(0, 2_000);

  describe(`placement suite: ${name}`, () => {
    test('deterministic', 'two placements built alike agree on every key', () => {
      const a = create(nodeList(7));
      const b = create(nodeList(7));
      expect(b.toSpec()).toEqual(a.toSpec());
      fc.assert(
        fc.property(arbKey, (key) => {
          expect(a.locate(key)).toBe(b.locate(key));
        }),
        { numRuns: 300 },
      );
    });

    test('spec round trip', 'createPlacement(toSpec()) and its JSON copy place every key alike', () => {
      for (const placement of [create(nodeList(6)), create(nodeList(6)).with({ remove: ['node-2'], add: [{ id: 'x', weight: 2 }] })]) {
        const spec = placement.toSpec();
        const copy = JSON.parse(JSON.stringify(spec)) as PlacementSpec;
        expect(copy).toEqual(spec);
        for (const rebuilt of [createPlacement(spec), createPlacement(copy)]) {
          expect(rebuilt.toSpec()).toEqual(spec);
          expect(sameEverywhere(placement, rebuilt, few)).toBe(true);
        }
      }
    });

    test('keys map to nodes', 'every key, string or bytes, maps to a node of the placement', () => {
      const placement = create(nodeList(9));
      const ids = new Set(placement.nodes.map((node) => node.id));
      fc.assert(
        fc.property(arbKey, (key) => {
          expect(ids.has(placement.locate(key))).toBe(true);
        }),
        { numRuns: 500 },
      );
      // A string key and its UTF-8 bytes are the same key.
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), (key) => {
          expect(placement.locate(new TextEncoder().encode(key))).toBe(placement.locate(key));
        }),
        { numRuns: 300 },
      );
    });

    test('replicas', 'n distinct nodes, the first is locate(key); a bad n is a typed error', () => {
      const placement = create(nodeList(8));
      fc.assert(
        fc.property(arbKey, fc.integer({ min: 1, max: 8 }), (key, n) => {
          const replicas = placement.replicas(key, n);
          expect(replicas).toHaveLength(n);
          expect(new Set(replicas).size).toBe(n);
          expect(replicas[0]).toBe(placement.locate(key));
        }),
        { numRuns: 200 },
      );
      for (const n of [0, 9, 1.5, Number.NaN]) {
        expect(() => placement.replicas('k', n)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', code: 'ERR_INVALID_ARGUMENT' }));
      }
    });

    test('immutable with', 'with returns a new placement and leaves the old one as it was', () => {
      const placement = create(nodeList(6));
      const spec = placement.toSpec();
      const owners = few.map((key) => placement.locate(key));
      fc.assert(
        fc.property(fc.nat(5), fc.integer({ min: 1, max: 3 }), (pick, weight) => {
          placement.with({ remove: [`node-${pick}`] });
          placement.with({ add: [{ id: 'extra', weight }] });
          placement.with({ weights: { [`node-${pick}`]: weight + 1 } });
        }),
        { numRuns: 10 },
      );
      expect(placement.toSpec()).toEqual(spec);
      expect(few.map((key) => placement.locate(key))).toEqual(owners);
    });

    test('bad changes', 'unknown, duplicate or impossible changes throw typed errors and change nothing', () => {
      const placement = create(nodeList(3));
      const spec = placement.toSpec();
      expect(() => placement.with({ remove: ['nope'] })).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_NODE' }));
      expect(() => placement.with({ weights: { nope: 2 } })).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_NODE' }));
      expect(() => placement.with({ add: [{ id: 'node-1' }] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_NODES' }));
      expect(() => placement.with({ add: [{ id: '' }] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_NODES' }));
      expect(() => placement.with({ weights: { 'node-0': -1 } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_NODES' }));
      expect(() => placement.with({ remove: ['node-0', 'node-1', 'node-2'] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_NODES' }));
      expect(placement.toSpec()).toEqual(spec);
    });

    test('balance', `max/mean load within ${options.balanceFactor}× the random floor at 10 and 100 nodes`, () => {
      for (const n of [10, 100]) {
        const measured = maxOverMean(loads(create(nodeList(n))).values());
        const floor = floorMaxOverMean(n);
        expect(measured, `${name}, ${n} nodes: max/mean ${measured.toFixed(3)}, floor ${floor.toFixed(3)}`).toBeLessThanOrEqual(options.balanceFactor * floor);
      }
    }, 30_000);

    test('weights', `weighted shares within ${options.weightFactor}× the floor's worst error`, () => {
      const weights = [1, 2, 3, 4, 1, 2, 3, 4];
      const counts = [...loads(create(nodeList(8, weights))).values()];
      const measured = worstWeightError(counts, weights);
      const floor = floorWeightError(weights);
      expect(measured, `${name}: worst weight error ${measured.toFixed(4)}, floor ${floor.toFixed(4)}`).toBeLessThanOrEqual(options.weightFactor * floor);
    });

    test('add: moves only to the new node', 'keys that move on an add all go to the newcomer', () => {
      expect(measureAdd(create).elsewhere).toBe(0);
    });

    test('add: moved/optimal', `adding an 11th node moves ≤ ${options.addBound}× the optimal K/11 keys`, () => {
      const { ratio } = measureAdd(create);
      expect(ratio, `${name}: moved/optimal ${ratio.toFixed(3)}`).toBeLessThanOrEqual(options.addBound);
    });

    test('remove: moves only the removed node', 'removing a middle node moves its keys and no other', () => {
      const { moved, others, removedLoad } = measureRemove(create);
      expect(others).toBe(0);
      expect(moved).toBe(removedLoad);
    });

    test('hash tags', '{tag} keys are co-located; with hashTags: false they spread', () => {
      const tagged = create(nodeList(10));
      fc.assert(
        fc.property(fc.string({ minLength: 1, maxLength: 12 }).filter((tag) => !tag.includes('}')), fc.string(), fc.string(), (tag, a, b) => {
          expect(tagged.locate(`{${tag}}.${a}`)).toBe(tagged.locate(`{${tag}}.${b}`));
        }),
        { numRuns: 300 },
      );
      const untagged = create(nodeList(10), { hashTags: false });
      const split = Array.from({ length: 200 }, (_, i) => untagged.locate(`{user${i}}.a`) !== untagged.locate(`{user${i}}.b`));
      expect(split.some(Boolean)).toBe(true);
    });
  });
}
