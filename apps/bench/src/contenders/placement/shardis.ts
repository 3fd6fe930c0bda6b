import type { Placement } from '@shardis/core';
import type { BuiltPlacement } from './contract.ts';

/** Wraps an immutable shardis `Placement`: changes return the next placement via `with`. */
export function fromPlacement(placement: Placement): BuiltPlacement {
  return {
    lookup: placement,
    add: (id) => fromPlacement(placement.with({ add: [{ id }] })),
    remove: (id) => fromPlacement(placement.with({ remove: [id] })),
  };
}

export function nodeSpecs(nodes: readonly string[]): { id: string }[] {
  return nodes.map((id) => ({ id }));
}
