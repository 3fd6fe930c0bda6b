import type { Partition } from '../placement/placement.ts';

/** Points `[start, end)` whose owner changes from `from` to `to`. */
export interface MoveRange {
  readonly start: number;
  readonly end: number;
  readonly from: string;
  readonly to: string;
}

/** Points moving between one pair of nodes. */
export interface MovePair {
  readonly from: string;
  readonly to: string;
  readonly points: number;
  /** `points / pointSpace`: the expected share of keys, for a uniform point function. */
  readonly fraction: number;
}

export interface MoveSummary {
  /** Points that change owner over the whole space. */
  readonly movedPoints: number;
  readonly movedFraction: number;
  /** One entry per from → to pair, largest first (ties by ids). */
  readonly pairs: readonly MovePair[];
}

/**
 * The intervals where two partitionings of one space disagree, by a merge walk over both
 * (linear in the number of partitions). Touching intervals with the same from/to are merged.
 */
export function diffPartitions(before: readonly Partition[], after: readonly Partition[]): MoveRange[] {
  const result: MoveRange[] = [];
  let i = 0;
  let j = 0;
  let point = 0;
  while (i < before.length && j < after.length) {
    const a = before[i]!;
    const b = after[j]!;
    const end = Math.min(a.end, b.end);
    if (a.owner !== b.owner && end > point) {
      const last = result[result.length - 1];
      if (last !== undefined && last.end === point && last.from === a.owner && last.to === b.owner) {
        result[result.length - 1] = { start: last.start, end, from: a.owner, to: b.owner };
      } else {
        result.push({ start: point, end, from: a.owner, to: b.owner });
      }
    }
    point = end;
    if (a.end === end) i++;
    if (b.end === end) j++;
  }
  return result.map((range) => Object.freeze(range));
}

export function summarize(ranges: readonly MoveRange[], pointSpace: number): MoveSummary {
  const byPair = new Map<string, { from: string; to: string; points: number }>();
  let movedPoints = 0;
  for (const range of ranges) {
    const size = range.end - range.start;
    movedPoints += size;
    const key = JSON.stringify([range.from, range.to]);
    const entry = byPair.get(key);
    if (entry === undefined) byPair.set(key, { from: range.from, to: range.to, points: size });
    else entry.points += size;
  }
  const pairs = [...byPair.values()]
    .sort((x, y) => y.points - x.points || compare(x.from, y.from) || compare(x.to, y.to))
    .map((pair) => Object.freeze({ ...pair, fraction: pair.points / pointSpace }));
  return Object.freeze({ movedPoints, movedFraction: movedPoints / pointSpace, pairs: Object.freeze(pairs) });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
