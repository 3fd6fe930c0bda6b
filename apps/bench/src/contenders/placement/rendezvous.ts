import { rendezvous } from '@shardis/core';
import type { PlacementContender } from './contract.ts';
import { fromPlacement, nodeSpecs } from './shardis.ts';

export const rendezvousContender: PlacementContender = {
  name: 'rendezvous',
  origin: 'shardis',
  description: 'shardis rendezvous (HRW), flat: scores every node per lookup, murmur3x86',
  removes: 'any',
  deterministic: true,
  build: (nodes) => fromPlacement(rendezvous(nodeSpecs(nodes))),
};
