import { jump } from '@shardis/core';
import type { PlacementContender } from './contract.ts';
import { fromPlacement, nodeSpecs } from './shardis.ts';

export const jumpContender: PlacementContender = {
  name: 'jump',
  origin: 'shardis',
  description: "shardis jump, removals 'last': plain Lamping–Veach jump hash over murmur3x86 (the default hash), uint32-half LCG",
  sameAs: 'jump',
  removes: 'last',
  deterministic: true,
  build: (nodes) => fromPlacement(jump(nodeSpecs(nodes), { removals: 'last' })),
};
