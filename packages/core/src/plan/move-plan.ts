import type { Key } from '../key.ts';
import { isPinned } from '../placement/pinned.ts';
import { isPartitioned, type PartitionedPlacement, type Placement } from '../placement/placement.ts';
import { PinnedPlan, type PinnedMovePlan } from './pinned-plan.ts';
import { diffPartitions, summarize, type MoveRange, type MoveSummary } from './ranges.ts';

export type { MovePair, MoveRange, MoveSummary } from './ranges.ts';
export type { PinMove, PinnedMovePlan } from './pinned-plan.ts';

/** A key's owner before and after a change. */
export interface Move {
  readonly from: string;
  readonly to: string;
}

interface BasePlan {
  readonly from: Placement;
  readonly to: Placement;
  /** Where `key` moves, or `undefined` when both placements put it on the same node. */
  moveOf(key: Key): Move | undefined;
  /** Fraction of `keys` that move (0 for no keys): a sample estimate for key plans. */
  movedFraction(keys: Iterable<Key>): number;
}

/**
 * A plan between any two placements (different algorithms, hashes or tag rules included): each
 * key is located in both. Exact per key; there is no cheaper filter than hashing the key twice.
 */
export interface KeyMovePlan extends BasePlan {
  readonly kind: 'keys';
}

/**
 * A plan between two partitioned placements with the same point function (ring → ring with the
 * same hash, slots → slots): the exact point intervals that change owner. A migration worker
 * computes `pointOf(key)` once and filters by `moveOfPoint`, a binary search over `ranges`.
 */
export interface RangeMovePlan extends BasePlan {
  readonly kind: 'ranges';
  readonly pointSpace: number;
  readonly pointFunction: string;
  /** Maximal intervals `[start, end)` whose owner changes, ascending; adjacent ones differ in from/to. */
  readonly ranges: readonly MoveRange[];
  /** Per from → to pair: points moved and their share of the space; `movedFraction` overall. */
  readonly summary: MoveSummary;
  pointOf(key: Key): number;
  /** The range containing `point`, or `undefined` when its owner does not change. */
  moveOfPoint(point: number): MoveRange | undefined;
  /** Nodes that lose points, sorted. */
  sources(): string[];
  /** Nodes that gain points, sorted. */
  targets(): string[];
}

export type MovePlan = KeyMovePlan | RangeMovePlan | PinnedMovePlan;

/**
 * What changes between two placements. Ranges when both are partitioned over the same point
 * function and space; otherwise per-key answers; when either is pinned, the plan of the
 * algorithms with the pinned fields as exceptions. Either way `moveOf(key)` is exactly
 * "`from.locate(key)` differs from `to.locate(key)`".
 */
export function planMove(from: Placement, to: Placement): MovePlan {
  if (isPinned(from) || isPinned(to)) return new PinnedPlan(from, to, planMove);
  if (isPartitioned(from) && isPartitioned(to) && from.pointFunction === to.pointFunction && from.pointSpace === to.pointSpace) {
    return new RangePlan(from, to);
  }
  return new KeyPlan(from, to);
}

function countMoved(plan: BasePlan, keys: Iterable<Key>): number {
  let total = 0;
  let moved = 0;
  for (const key of keys) {
    total++;
    if (plan.moveOf(key) !== undefined) moved++;
  }
  return total === 0 ? 0 : moved / total;
}

class KeyPlan implements KeyMovePlan {
  readonly kind = 'keys' as const;
  readonly from: Placement;
  readonly to: Placement;
  /** One Move object per pair, so `moveOf` allocates nothing after the first time. */
  private readonly moves = new Map<string, Map<string, Move>>();

  constructor(from: Placement, to: Placement) {
    this.from = from;
    this.to = to;
  }

  moveOf(key: Key): Move | undefined {
    const source = this.from.locate(key);
    const target = this.to.locate(key);
    if (source === target) return undefined;
    let byTarget = this.moves.get(source);
    if (byTarget === undefined) this.moves.set(source, (byTarget = new Map()));
    let move = byTarget.get(target);
    if (move === undefined) byTarget.set(target, (move = Object.freeze({ from: source, to: target })));
    return move;
  }

  movedFraction(keys: Iterable<Key>): number {
    return countMoved(this, keys);
  }
}

class RangePlan implements RangeMovePlan {
  readonly kind = 'ranges' as const;
  readonly from: PartitionedPlacement;
  readonly to: PartitionedPlacement;
  readonly pointSpace: number;
  readonly pointFunction: string;
  readonly ranges: readonly MoveRange[];
  readonly summary: MoveSummary;
  /** Range starts, for the binary search. */
  private readonly starts: Float64Array;

  constructor(from: PartitionedPlacement, to: PartitionedPlacement) {
    this.from = from;
    this.to = to;
    this.pointSpace = from.pointSpace;
    this.pointFunction = from.pointFunction;
    this.ranges = diffPartitions(from.partitions(), to.partitions());
    this.starts = Float64Array.from(this.ranges, (range) => range.start);
    this.summary = summarize(this.ranges, this.pointSpace);
  }

  pointOf(key: Key): number {
    return this.from.pointOf(key);
  }

  moveOfPoint(point: number): MoveRange | undefined {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length;
    // First range starting after `point`, then check the one before it.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= point) lo = mid + 1;
      else hi = mid;
    }
    const range = this.ranges[lo - 1];
    return range !== undefined && point < range.end ? range : undefined;
  }

  moveOf(key: Key): Move | undefined {
    return this.moveOfPoint(this.from.pointOf(key));
  }

  movedFraction(keys: Iterable<Key>): number {
    return countMoved(this, keys);
  }

  sources(): string[] {
    return [...new Set(this.ranges.map((range) => range.from))].sort();
  }

  targets(): string[] {
    return [...new Set(this.ranges.map((range) => range.to))].sort();
  }
}
