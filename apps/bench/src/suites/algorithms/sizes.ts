import type { TimingPlan } from '../../measure/timing.ts';

/** How big and how long: the sizes for a full run, a CI-sized run with `--quick`. */
export interface AlgorithmSizes {
  readonly nodeCounts: readonly number[];
  /** Distinct keys placed for balance and disruption, and cycled through for lookups. */
  readonly keys: number;
  /** Keys compared in the agreement check. */
  readonly sampleKeys: number;
  /** Lookups per timed call: amortises tinybench's per-call overhead over many lookups. */
  readonly lookupBatch: number;
  readonly lookupPlan: TimingPlan;
  readonly buildPlan: TimingPlan;
  /** Placements kept alive at once when measuring memory, per node count. */
  memoryCopies(nodeCount: number): number;
  /** Distinct lookups made before the "after lookups" memory figure (hashring's LRU holds 5,000). */
  readonly memoryLookups: number;
}

export const fullSizes: AlgorithmSizes = {
  nodeCounts: [3, 10, 100, 1000],
  keys: 1_000_000,
  sampleKeys: 20_000,
  lookupBatch: 1000,
  lookupPlan: { rounds: 5, timeMs: 500, warmupMs: 200, minCalls: 20 },
  buildPlan: { rounds: 3, timeMs: 400, warmupMs: 100, minCalls: 3 },
  // Small placements need many copies for the delta to rise above GC noise.
  memoryCopies: (n) => (n <= 10 ? 200 : n <= 100 ? 20 : 3),
  memoryLookups: 10_000,
};

export const quickSizes: AlgorithmSizes = {
  nodeCounts: [3, 10, 100],
  keys: 20_000,
  sampleKeys: 5_000,
  lookupBatch: 1000,
  lookupPlan: { rounds: 2, timeMs: 30, warmupMs: 10, minCalls: 5 },
  buildPlan: { rounds: 2, timeMs: 20, warmupMs: 5, minCalls: 2 },
  memoryCopies: (n) => (n <= 10 ? 10 : 2),
  memoryLookups: 2_000,
};

/** Applies `--keys` / `--nodes` overrides; keys are rounded to a whole number of lookup batches. */
export function resolveSizes(quick: boolean, keys?: number, nodes?: readonly number[]): AlgorithmSizes {
  const base = quick ? quickSizes : fullSizes;
  const keyCount = keys === undefined ? base.keys : Math.max(base.lookupBatch, Math.round(keys / base.lookupBatch) * base.lookupBatch);
  return { ...base, keys: keyCount, sampleKeys: Math.min(base.sampleKeys, keyCount), nodeCounts: nodes ?? base.nodeCounts };
}
