import { SLOT_COUNT } from './key-slot.ts';

/**
 * The pure half of the slot placement: how many slots each node should own, the initial layout,
 * and the smallest change of a table that reaches new targets. Tables are `Uint16Array`s of node
 * indexes, one entry per slot.
 */

/**
 * Slot counts proportional to `weights`, each the floor or ceiling of its quota
 * `16384 · w / Σw` (Hamilton's largest-remainder method), and never below 1 slot so that a tiny
 * weight still owns keys. Among equally valid answers it prefers the one closest to `current`:
 * a node that already holds the ceiling keeps it before remainders are compared, so an unchanged
 * node list reproduces the current counts and a change moves no slot it does not have to.
 */
export function apportion(weights: readonly number[], current?: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const quota = weights.map((weight) => (SLOT_COUNT * weight) / total);
  const counts = quota.map((q) => Math.max(1, Math.floor(q)));
  let diff = SLOT_COUNT - counts.reduce((sum, count) => sum + count, 0);
  const holds = (i: number) => current?.[i] ?? 0;
  if (diff > 0) {
    const eligible = counts.map((_, i) => i).filter((i) => counts[i]! < quota[i]!);
    eligible.sort(
      (a, b) =>
        Number(holds(b) > counts[b]!) - Number(holds(a) > counts[a]!) ||
        quota[b]! - Math.floor(quota[b]!) - (quota[a]! - Math.floor(quota[a]!)) ||
        a - b,
    );
    for (let k = 0; k < diff; k++) counts[eligible[k]!]!++;
  }
  // Only when minimum-1 bumps overshoot (thousands of nodes, or extreme weight ratios): take
  // slots back from the nodes furthest above quota, preferring ones that do not hold them yet.
  while (diff < 0) {
    const donors = counts.map((_, i) => i).filter((i) => counts[i]! > 1);
    donors.sort(
      (a, b) =>
        Number(holds(b) < counts[b]!) - Number(holds(a) < counts[a]!) ||
        counts[b]! - quota[b]! - (counts[a]! - quota[a]!) ||
        b - a,
    );
    for (let k = 0; k < donors.length && diff < 0; k++, diff++) counts[donors[k]!]!--;
  }
  return counts;
}

/**
 * Counts by cumulative rounding: node `i` ends at slot `round(16384 · (w_0 + … + w_i) / Σw)`.
 * With equal weights these are exactly the ranges `redis-cli --cluster create` assigns
 * (3 nodes: 0-5460, 5461-10922, 10923-16383); each count is the floor or ceiling of its quota.
 */
function cumulativeCounts(weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const counts: number[] = [];
  let cumulative = 0;
  let start = 0;
  for (const weight of weights) {
    cumulative += weight;
    const end = Math.round((SLOT_COUNT * cumulative) / total);
    counts.push(end - start);
    start = end;
  }
  return counts;
}

/** The initial table: nodes in order, each a contiguous range of its apportioned size. */
export function initialTable(weights: readonly number[]): Uint16Array {
  const counts = apportion(weights, cumulativeCounts(weights));
  const table = new Uint16Array(SLOT_COUNT);
  let slot = 0;
  counts.forEach((count, node) => {
    table.fill(node, slot, slot + count);
    slot += count;
  });
  return table;
}

/** Slots owned per node index. */
export function countSlots(table: Uint16Array, nodeCount: number): number[] {
  const counts = new Array<number>(nodeCount).fill(0);
  for (let slot = 0; slot < SLOT_COUNT; slot++) counts[table[slot]!]!++;
  return counts;
}

/**
 * Moves the fewest slots that bring every node to `targets`. `table` holds indexes into the new
 * node list, or `orphan` for slots of removed nodes. Over-quota nodes give up their highest slots;
 * the free slots, in ascending order, go in runs to the nodes most under quota first, so a removed
 * node's range is split into a few contiguous pieces. Returns a new table.
 */
export function rebalance(table: Uint16Array, orphan: number, targets: readonly number[]): Uint16Array {
  const next = table.slice();
  const counts = new Array<number>(targets.length).fill(0);
  for (let slot = 0; slot < SLOT_COUNT; slot++) if (next[slot] !== orphan) counts[next[slot]!]!++;
  const free: number[] = [];
  for (let slot = SLOT_COUNT - 1; slot >= 0; slot--) {
    const owner = next[slot]!;
    if (owner === orphan) free.push(slot);
    else if (counts[owner]! > targets[owner]!) {
      counts[owner]!--;
      free.push(slot);
    }
  }
  free.reverse();
  const receivers = targets.map((_, i) => i).filter((i) => counts[i]! < targets[i]!);
  receivers.sort((a, b) => targets[b]! - counts[b]! - (targets[a]! - counts[a]!) || a - b);
  let k = 0;
  for (const node of receivers) {
    for (let need = targets[node]! - counts[node]!; need > 0; need--) next[free[k++]!] = node;
  }
  return next;
}

/** Maximal runs of one owner, ascending: `[start, end)` and owner index. */
export function runs(table: Uint16Array): { start: number; end: number; owner: number }[] {
  const result: { start: number; end: number; owner: number }[] = [];
  let start = 0;
  for (let slot = 1; slot <= SLOT_COUNT; slot++) {
    if (slot === SLOT_COUNT || table[slot] !== table[start]) {
      result.push({ start, end: slot, owner: table[start]! });
      start = slot;
    }
  }
  return result;
}
