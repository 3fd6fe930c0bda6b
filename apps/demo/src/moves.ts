import { modulo, planMove, topologyPlacement, type Placement, type Topology } from '@shardis/core';

/** What a change moves on a given set of keys: what shardis computes, the ideal, and `hash mod n`. */
export interface MoveExpectation {
  /** Keys whose owner changes under the cluster's own algorithm. */
  readonly planned: number;
  /** The least any algorithm can move: the share of the keys that must change node. */
  readonly ideal: number;
  /** What the naive `hash(key) mod n` would move for the same change of node count. */
  readonly modulo: number;
}

function countMoves(from: Placement, to: Placement, keys: readonly string[]): number {
  const plan = planMove(from, to);
  let moved = 0;
  for (const key of keys) if (plan.moveOf(key) !== undefined) moved++;
  return moved;
}

/**
 * The ideal is the weight that changes hands: adding a node takes its weight share from the
 * others, removing one gives its share away. For equal weights that is 1/n of the keys.
 */
export function expectMoves(before: Topology, after: Topology, keys: readonly string[]): MoveExpectation {
  const share = (topology: Topology, id: string) => {
    const total = topology.nodes.reduce((sum, node) => sum + node.weight, 0);
    return (topology.nodes.find((node) => node.id === id)?.weight ?? 0) / total;
  };
  const ids = new Set([...before.nodes, ...after.nodes].map((node) => node.id));
  let changed = 0;
  for (const id of ids) changed += Math.max(0, share(after, id) - share(before, id));
  const naiveBefore = modulo(before.nodes.map((node) => ({ id: node.id })));
  const naiveAfter = modulo(after.nodes.map((node) => ({ id: node.id })));
  return {
    planned: countMoves(topologyPlacement(before), topologyPlacement(after), keys),
    ideal: changed * keys.length,
    modulo: countMoves(naiveBefore, naiveAfter, keys),
  };
}
