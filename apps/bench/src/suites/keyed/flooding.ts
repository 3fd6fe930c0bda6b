import { randomBytes } from 'node:crypto';
import { jump, maglev, rendezvous, ring, type NodeSpec, type Placement } from '@shardis/core';
import { median } from '../../measure/stats.ts';

type Factory = (nodes: readonly NodeSpec[], options: { hash: string; hashSeed?: string }) => Placement;

export const FLOOD_ALGORITHMS: ReadonlyArray<readonly [string, Factory]> = [
  ['jump', jump],
  ['ring', ring],
  ['maglev', maglev],
  ['rendezvous', rendezvous],
];

export interface FloodRow {
  readonly algorithm: string;
  /** Candidates the attacker tried to find `crafted` keys for node 0. */
  readonly tried: number;
  readonly crafted: number;
  /** max/mean of the crafted keys under the public hash (10 = all on one node of 10). */
  readonly publicMaxOverMean: number;
  /** max/mean of the same keys under siphash24 with secret seeds the attacker never saw. */
  readonly keyedMedian: number;
  readonly keyedWorst: number;
  /** max/mean of ordinary keys under the same keyed placements: the algorithm's own unevenness. */
  readonly ordinaryMedian: number;
}

function maxOverMean(placement: Placement, keys: readonly string[], nodes: number): number {
  const loads = new Map<string, number>();
  for (const key of keys) {
    const node = placement.locate(key);
    loads.set(node, (loads.get(node) ?? 0) + 1);
  }
  return Math.max(...loads.values()) / (keys.length / nodes);
}

/**
 * What an attacker who knows the public hash can do: try candidate ids until `count` of them land
 * on node 0 (of 10), then see how those same ids spread once the placement hashes with SipHash-2-4
 * and a secret seed. Ordinary ids under the same keyed placements show the algorithm's own spread.
 */
export function flood(count: number, seeds: number, nodeCount = 10): FloodRow[] {
  const nodes = Array.from({ length: nodeCount }, (_, i) => ({ id: `node-${i}` }));
  return FLOOD_ALGORITHMS.map(([algorithm, create]) => {
    const target = create(nodes, { hash: 'murmur3' });
    const crafted: string[] = [];
    let tried = 0;
    while (crafted.length < count) {
      const candidate = `user:${tried++}`;
      if (target.locate(candidate) === 'node-0') crafted.push(candidate);
    }
    const ordinary = Array.from({ length: count }, (_, i) => `member:${i}`);
    const keyed: number[] = [];
    const baseline: number[] = [];
    for (let s = 0; s < seeds; s++) {
      const placement = create(nodes, { hash: 'siphash24', hashSeed: randomBytes(16).toString('hex') });
      keyed.push(maxOverMean(placement, crafted, nodeCount));
      baseline.push(maxOverMean(placement, ordinary, nodeCount));
    }
    return {
      algorithm,
      tried,
      crafted: count,
      publicMaxOverMean: maxOverMean(target, crafted, nodeCount),
      keyedMedian: median(keyed),
      keyedWorst: Math.max(...keyed),
      ordinaryMedian: median(baseline),
    };
  });
}
