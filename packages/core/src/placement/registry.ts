// Owned by the algorithms work: maps an algorithm name to its module. Stub until they land.
import { UnknownAlgorithmError } from '../errors.ts';
import type { Hasher } from '../hash/hasher.ts';
import type { Algorithm, AlgorithmName, Placement, PlacementSpec } from './placement.ts';

const algorithms = new Map<AlgorithmName, Algorithm>();

export function algorithmNames(): AlgorithmName[] {
  return [...algorithms.keys()];
}

/**
 * Builds the placement a spec describes. `hashers` resolves hash names that are not built in
 * (a user's own `Hasher`).
 */
export function createPlacement(spec: PlacementSpec, hashers?: readonly Hasher[]): Placement {
  void hashers;
  const algorithm = algorithms.get(spec.algorithm);
  if (algorithm === undefined) throw new UnknownAlgorithmError(String(spec.algorithm), algorithmNames());
  throw new Error('not implemented yet');
}
