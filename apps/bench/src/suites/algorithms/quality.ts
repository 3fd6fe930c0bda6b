import type { Locator, PlacementContender } from '../../contenders/placement/index.ts';
import { balanceOf, type Balance } from '../../measure/stats.ts';

export interface Disruption {
  /** Keys whose owner changed. */
  readonly moved: number;
  /** The least any placement must move: K/(N+1) to fill a new node, K/N to empty a removed one. */
  readonly optimal: number;
  /** Keys that moved between nodes present before and after: 0 for a consistent placement. */
  readonly strayed: number;
}

export interface Quality {
  /** Keys per node, in node order. */
  readonly counts: readonly number[];
  readonly balance: Balance;
  readonly add: Disruption;
  readonly remove: Disruption & { readonly removed: string };
}

function ownersOf(lookup: Locator, keys: readonly string[]): string[] {
  const owners = new Array<string>(keys.length);
  for (let i = 0; i < keys.length; i++) owners[i] = lookup.locate(keys[i]!);
  return owners;
}

/** `changed` is the node added or removed: keys moving to or from it are the necessary moves. */
function disruption(before: readonly string[], after: readonly string[], changed: string, optimal: number): Disruption {
  let moved = 0;
  let strayed = 0;
  for (let i = 0; i < before.length; i++) {
    if (before[i] === after[i]) continue;
    moved++;
    if (before[i] !== changed && after[i] !== changed) strayed++;
  }
  return { moved, optimal, strayed };
}

/**
 * Balance over all keys, then the keys moved by adding one node and by removing one (from the
 * middle, or the last for plain jump). Each change starts from a fresh build, because the npm
 * peers change in place; a non-deterministic peer is measured against its own fresh build.
 */
export function measureQuality(contender: PlacementContender, nodes: readonly string[], keys: readonly string[]): Quality {
  const built = contender.build(nodes);
  const before = ownersOf(built.lookup, keys);
  const index = new Map(nodes.map((node, i) => [node, i]));
  const counts = new Array<number>(nodes.length).fill(0);
  for (const owner of before) counts[index.get(owner)!]! += 1;

  const added = `node-${nodes.length}`;
  const addAfter = ownersOf(built.add(added).lookup, keys);
  const add = disruption(before, addAfter, added, keys.length / (nodes.length + 1));

  const removed = contender.removes === 'last' ? nodes.at(-1)! : nodes[nodes.length >> 1]!;
  const fresh = contender.deterministic ? undefined : contender.build(nodes);
  const removeBefore = fresh === undefined ? before : ownersOf(fresh.lookup, keys);
  const removeAfter = ownersOf((fresh ?? contender.build(nodes)).remove(removed).lookup, keys);
  const remove = { ...disruption(removeBefore, removeAfter, removed, keys.length / nodes.length), removed };

  return { counts, balance: balanceOf(counts), add, remove };
}
