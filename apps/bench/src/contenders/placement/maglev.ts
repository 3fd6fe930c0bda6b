import { maglev } from '@shardis/core';
import type { PlacementContender } from './contract.ts';
import { fromPlacement, nodeSpecs } from './shardis.ts';

export const maglevContender: PlacementContender = {
  name: 'maglev',
  origin: 'shardis',
  description: 'shardis maglev: lookup table of 65,537 entries (default), murmur3x86',
  removes: 'any',
  deterministic: true,
  build: (nodes) => fromPlacement(maglev(nodeSpecs(nodes))),
};
