import { modulo } from '@shardis/core';
import type { PlacementContender } from './contract.ts';
import { fromPlacement, nodeSpecs } from './shardis.ts';

export const moduloContender: PlacementContender = {
  name: 'modulo',
  origin: 'shardis',
  description: 'shardis modulo: hash mod N, the baseline that moves almost every key on a change',
  removes: 'any',
  deterministic: true,
  build: (nodes) => fromPlacement(modulo(nodeSpecs(nodes))),
};
