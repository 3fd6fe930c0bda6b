import { jump } from '@shardis/core';
import type { PlacementContender } from './contract.ts';
import { fromPlacement, nodeSpecs } from './shardis.ts';

/** Share of extra buckets built and then removed, so that lookups walk Memento's replacement set. */
const REMOVED_SHARE = 0.1;

export const jumpMementoRemovedContender: PlacementContender = {
  name: 'jump (memento, 10% removed)',
  origin: 'shardis',
  description: "shardis jump, removals 'any', built over N + 10% nodes and then the extra 10% removed from the middle: what lookups cost after removals",
  removes: 'any',
  deterministic: true,
  build(nodes) {
    const extra = Math.max(1, Math.round(nodes.length * REMOVED_SHARE));
    const step = nodes.length / extra;
    const all: string[] = [];
    const removed: string[] = [];
    // Interleave the extra nodes so that the removed buckets are spread over the bucket range.
    for (let i = 0; i < nodes.length; i++) {
      while (removed.length < extra && removed.length * step <= i) {
        const id = `removed-${removed.length}`;
        removed.push(id);
        all.push(id);
      }
      all.push(nodes[i]!);
    }
    return fromPlacement(jump(nodeSpecs(all), { removals: 'any' }).with({ remove: removed }));
  },
};
