import { rendezvous } from '@shardis/core';
import type { PlacementContender } from './contract.ts';
import { fromPlacement, nodeSpecs } from './shardis.ts';

export const rendezvousSkeletonContender: PlacementContender = {
  name: 'rendezvous (skeleton)',
  origin: 'shardis',
  description: "shardis rendezvous, variant 'skeleton' (for 1,000+ nodes): fanout 32, default levels",
  removes: 'any',
  deterministic: true,
  build: (nodes) => fromPlacement(rendezvous(nodeSpecs(nodes), { variant: 'skeleton' })),
};
