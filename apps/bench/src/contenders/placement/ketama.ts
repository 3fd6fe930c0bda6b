import { HashRing } from 'ketama';
import type { BuiltPlacement, PlacementContender } from './contract.ts';

function wrap(ring: HashRing): BuiltPlacement {
  const built: BuiltPlacement = {
    lookup: { locate: (key) => ring.getNode(key)! },
    add: (id) => (ring.addNode(id), built),
    remove: (id) => (ring.removeNode(id), built),
  };
  return built;
}

export const ketamaContender: PlacementContender = {
  name: 'ketama 1.0.0',
  origin: 'npm',
  description: 'npm ketama, defaults: SHA-1 via node:crypto, 50 points per node (not libketama-compatible despite the name)',
  removes: 'any',
  deterministic: true,
  build: (nodes) => wrap(new HashRing([...nodes])),
};
