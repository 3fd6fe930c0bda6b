import { InvalidArgumentError, InvalidNodesError, InvalidTopologyError, UnknownAlgorithmError } from '../errors.ts';
import type { Hasher } from '../hash/hasher.ts';
import { resolveHasher } from '../hash/registry.ts';
import { jumpAlgorithm } from './jump.ts';
import { maglevAlgorithm } from './maglev.ts';
import { moduloAlgorithm } from './modulo.ts';
import { normalizeNodes } from './nodes.ts';
import { rendezvousAlgorithm } from './rendezvous.ts';
import { ringAlgorithm } from './ring.ts';
import type { Algorithm, AlgorithmName, Placement, PlacementSpec } from './placement.ts';
import { slotsAlgorithm } from './slots.ts';

/** Every algorithm a topology can name, in the order `algorithmNames()` lists them. */
const algorithms = new Map<AlgorithmName, Algorithm>(
  ([ringAlgorithm, jumpAlgorithm, rendezvousAlgorithm, maglevAlgorithm, slotsAlgorithm, moduloAlgorithm] as Algorithm[]).map((algorithm) => [algorithm.name, algorithm]),
);

export function algorithmNames(): AlgorithmName[] {
  return [...algorithms.keys()];
}

/** The module of a named algorithm. @throws UnknownAlgorithmError */
export function getAlgorithm(name: string): Algorithm {
  const algorithm = algorithms.get(name as AlgorithmName);
  if (algorithm === undefined) throw new UnknownAlgorithmError(String(name), algorithmNames());
  return algorithm;
}

/**
 * Builds the placement a spec describes, for example one read back from Redis or written by
 * another client. Checks the shape every spec shares (algorithm, hash, hashTags, hashSeed, nodes,
 * params), then lets the algorithm check its own `params`. `hashers` resolves hash names that are
 * not built in (a user's own `Hasher`).
 *
 * @throws UnknownAlgorithmError, UnknownHashError, or InvalidTopologyError naming the bad field;
 *   a node list error surfaces as InvalidTopologyError too, since it came from a document.
 */
export function createPlacement(spec: PlacementSpec, hashers?: readonly Hasher[]): Placement {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new InvalidTopologyError('spec', 'must be an object { algorithm, hash, hashTags, nodes, params }');
  }
  const algorithm = getAlgorithm(spec.algorithm);
  if (typeof spec.hash !== 'string' || spec.hash.length === 0) throw new InvalidTopologyError('hash', 'must be a hash name');
  if (typeof spec.hashTags !== 'boolean') throw new InvalidTopologyError('hashTags', `must be a boolean, got ${JSON.stringify(spec.hashTags)}`);
  const { params } = spec;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new InvalidTopologyError('params', 'must be an object');
  return asTopologyError(() => {
    const nodes = normalizeNodes(spec.nodes);
    const hasher = resolveHasher(spec.hash, { seed: spec.hashSeed, extra: hashers });
    return algorithm.fromSpec({ ...spec, nodes }, hasher);
  });
}

function asTopologyError<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof InvalidNodesError) throw new InvalidTopologyError(error.field, unprefixed(error.message, error.field), { cause: error });
    // A seed that does not fit its hash is a fault of the document, not of an argument.
    if (error instanceof InvalidArgumentError && error.argument === 'hashSeed') {
      throw new InvalidTopologyError('hashSeed', unprefixed(error.message, error.argument), { cause: error });
    }
    throw error;
  }
}

function unprefixed(message: string, field: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}
