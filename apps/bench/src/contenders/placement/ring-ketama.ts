import { ring } from '@shardis/core';
import type { PlacementContender } from './contract.ts';
import { fromPlacement, nodeSpecs } from './shardis.ts';

export const ringKetamaContender: PlacementContender = {
  name: 'ring (ketama)',
  origin: 'shardis',
  description: "shardis ring, compat 'ketama': MD5, 40×4 points per node, same node as hashring for every key",
  sameAs: 'hashring',
  removes: 'any',
  deterministic: true,
  build: (nodes) => fromPlacement(ring(nodeSpecs(nodes), { compat: 'ketama' })),
};
