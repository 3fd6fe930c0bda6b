import { jump } from '@shardis/core';
import type { PlacementContender } from './contract.ts';
import { fromPlacement, nodeSpecs } from './shardis.ts';

export const jumpMementoContender: PlacementContender = {
  name: 'jump (memento)',
  origin: 'shardis',
  description: "shardis jump, removals 'any' (MementoHash): built without removals it is plain jump; the remove test takes a node from the middle",
  // With no removal yet it must be exactly plain jump.
  sameAs: 'jump',
  removes: 'any',
  deterministic: true,
  build: (nodes) => fromPlacement(jump(nodeSpecs(nodes), { removals: 'any' })),
};
