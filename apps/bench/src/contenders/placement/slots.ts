import { slots } from '@shardis/core';
import type { PlacementContender } from './contract.ts';
import { fromPlacement, nodeSpecs } from './shardis.ts';

export const slotsContender: PlacementContender = {
  name: 'slots',
  origin: 'shardis',
  description: 'shardis slots: Redis Cluster CRC16 mod 16384, slot table apportioned as redis-cli --cluster create does',
  removes: 'any',
  deterministic: true,
  build: (nodes) => fromPlacement(slots(nodeSpecs(nodes))),
};
