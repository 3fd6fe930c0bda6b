import ConsistentHash from 'consistent-hash';
import type { BuiltPlacement, PlacementContender } from './contract.ts';

function wrap(ring: ConsistentHash): BuiltPlacement {
  const built: BuiltPlacement = {
    lookup: { locate: (key) => ring.get(key)! },
    add: (id) => (ring.add(id), built),
    remove: (id) => (ring.remove(id), built),
  };
  return built;
}

export const consistentHashContender: PlacementContender = {
  name: 'consistent-hash 1.2.2',
  origin: 'npm',
  description: 'npm consistent-hash, defaults: 40 points per node placed by Math.random on a 100,003-point ring, its own string hash',
  removes: 'any',
  // Points come from Math.random: every process gets a different ring.
  deterministic: false,
  build(nodes) {
    const ring = new ConsistentHash();
    for (const node of nodes) ring.add(node);
    return wrap(ring);
  },
};
