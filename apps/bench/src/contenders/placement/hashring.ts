import HashRing from 'hashring';
import type { BuiltPlacement, PlacementContender } from './contract.ts';

function wrap(ring: HashRing): BuiltPlacement {
  const built: BuiltPlacement = {
    lookup: { locate: (key) => ring.get(key)! },
    add: (id) => (ring.add(id), built),
    remove: (id) => (ring.remove(id), built),
  };
  return built;
}

export const hashringContender: PlacementContender = {
  name: 'hashring 3.2.0',
  origin: 'npm',
  description: "npm hashring (the ketama incumbent), defaults: MD5 via node:crypto, 40×4 points per server, 5,000-entry LRU in front",
  sameAs: 'hashring',
  removes: 'any',
  deterministic: true,
  build: (nodes) => wrap(new HashRing([...nodes], 'md5')),
};
