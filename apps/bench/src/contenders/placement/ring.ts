import { ring } from '@shardis/core';
import type { PlacementContender } from './contract.ts';
import { fromPlacement, nodeSpecs } from './shardis.ts';

export const ringContender: PlacementContender = {
  name: 'ring',
  origin: 'shardis',
  description: 'shardis ring, native mode: 160 points per node, murmur3x86 (default hash), sorted Uint32Array',
  removes: 'any',
  deterministic: true,
  build: (nodes) => fromPlacement(ring(nodeSpecs(nodes))),
};
