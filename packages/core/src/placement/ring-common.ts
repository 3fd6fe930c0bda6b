/**
 * Option handling shared by the ring, rendezvous, maglev and modulo placements: resolving the
 * common options, checking `replicas(key, n)`, writing specs, and turning a spec back into
 * options so that `fromSpec` and the factory validate through one path.
 */
import { InvalidArgumentError, InvalidNodesError, InvalidTopologyError } from '../errors.ts';
import type { Hasher } from '../hash/hasher.ts';
import { resolveHasher } from '../hash/registry.ts';
import type { AlgorithmName, CommonOptions, JsonValue, PlacementNode, PlacementSpec } from './placement.ts';

/** The resolved common options a placement keeps. */
export interface CommonState {
  readonly hasher: Hasher;
  readonly hashTags: boolean;
  readonly hashSeed: string | undefined;
}

/** Checks that `options` is an object (or absent) whose keys are all known. */
export function checkOptions(options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError('options', 'must be an object');
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key) && key !== 'hash' && key !== 'hashTags' && key !== 'hashSeed') {
      throw new InvalidArgumentError(`options.${key}`, `unknown option; known: hash, hashTags, hashSeed, ${known.join(', ')}`);
    }
  }
}

/**
 * Resolves `hash`, `hashTags` and `hashSeed` (the registry checks that a keyed hash has its seed
 * and that no other hash has one). `defaultHashTags` is `true` everywhere except the ketama
 * compatibility modes, whose peers hash whole keys unless told otherwise.
 */
export function resolveCommon(options: CommonOptions | undefined, defaultHashTags = true): CommonState {
  const hashTags = options?.hashTags ?? defaultHashTags;
  if (typeof hashTags !== 'boolean') throw new InvalidArgumentError('options.hashTags', 'must be a boolean');
  const hashSeed = options?.hashSeed;
  return { hasher: resolveHasher(options?.hash, { seed: hashSeed }), hashTags, hashSeed };
}

/** Throws unless `n` is an integer in `[1, count]`. */
export function checkReplicaCount(n: number, count: number): void {
  if (!Number.isInteger(n) || n < 1 || n > count) {
    throw new InvalidArgumentError('replicas.n', `must be an integer in [1, ${count}], got ${String(n)}`);
  }
}

/** Orders nodes by id (UTF-16 code units), so a placement does not depend on the order given. */
export function sortById(nodes: readonly PlacementNode[]): PlacementNode[] {
  return [...nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Frozen copies: a placement hands its node list out and must not see it change. */
export function freezeNodes(nodes: readonly PlacementNode[]): readonly PlacementNode[] {
  return Object.freeze(nodes.map((node) => Object.freeze({ id: node.id, weight: node.weight })));
}

export function writeSpec(
  algorithm: AlgorithmName,
  common: CommonState,
  nodes: readonly PlacementNode[],
  params: { [key: string]: JsonValue },
): PlacementSpec {
  return {
    algorithm,
    hash: common.hasher.name,
    hashTags: common.hashTags,
    ...(common.hashSeed === undefined ? {} : { hashSeed: common.hashSeed }),
    nodes: nodes.map((node) => ({ id: node.id, weight: node.weight })),
    params,
  };
}

/**
 * The common options a spec stands for, plus its params after checking that each is known.
 * The factory then validates the values; `rethrowAsTopology` renames its errors.
 */
export function readSpec(
  spec: PlacementSpec,
  hasher: Hasher,
  known: readonly string[],
): { options: CommonOptions; params: { readonly [key: string]: JsonValue } } {
  if (spec === null || typeof spec !== 'object') throw new InvalidTopologyError('spec', 'must be an object');
  const params = spec.params ?? {};
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new InvalidTopologyError('params', 'must be an object');
  }
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) throw new InvalidTopologyError(`params.${key}`, `unknown parameter; known: ${known.join(', ')}`);
  }
  if (typeof spec.hashTags !== 'boolean') throw new InvalidTopologyError('hashTags', 'must be a boolean');
  const options: CommonOptions = {
    hash: hasher,
    hashTags: spec.hashTags,
    ...(spec.hashSeed === undefined ? {} : { hashSeed: spec.hashSeed }),
  };
  return { options, params };
}

/**
 * Runs a factory on options read from a spec and reports what it rejects as the spec's fault:
 * `options.vnodes` becomes `params.vnodes`, `nodes[2].weight` stays `nodes[2].weight`.
 */
export function rethrowAsTopology<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      const field = error.argument.startsWith('options.') ? error.argument.slice('options.'.length) : error.argument;
      const renamed =
        field === 'options' ? 'params' : field === 'hash' || field === 'hashTags' || field === 'hashSeed' ? field : `params.${field}`;
      throw new InvalidTopologyError(renamed, error.message.slice(error.argument.length + 2), { cause: error });
    }
    if (error instanceof InvalidNodesError) {
      throw new InvalidTopologyError(error.field, error.message.slice(error.field.length + 2), { cause: error });
    }
    throw error;
  }
}
