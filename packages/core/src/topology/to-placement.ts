import { InvalidTopologyError, isShardisError } from '../errors.ts';
import type { Hasher } from '../hash/hasher.ts';
import type { JsonValue, Placement, PlacementSpec } from '../placement/placement.ts';
import { createPlacement } from '../placement/registry.ts';
import { canonicalJson } from './json-value.ts';
import { memberPath } from './read.ts';
import type { Topology } from './topology.ts';

/** The placement half of a topology: everything but the cluster name, the epoch and the urls. */
export function toPlacementSpec(topology: Topology): PlacementSpec {
  return {
    algorithm: topology.algorithm,
    hash: topology.hash,
    hashTags: topology.hashTags,
    ...(topology.hashSeed === undefined ? {} : { hashSeed: topology.hashSeed }),
    nodes: topology.nodes.map((node) => ({ id: node.id, weight: node.weight })),
    params: topology.params,
  };
}

/**
 * The placement a topology describes. Reuses the one validation built when `hashers` is the same
 * array (or absent both times); placements are immutable, so sharing one is safe. For a topology
 * that did not come from this module, throws what `createPlacement` throws.
 */
export function topologyPlacement(topology: Topology, hashers?: readonly Hasher[]): Placement {
  const remembered = rememberedPlacement(topology, hashers);
  if (remembered !== undefined) return remembered;
  const placement = createPlacement(toPlacementSpec(topology), hashers);
  rememberPlacement(topology, placement, hashers);
  return placement;
}

/**
 * Builds the placement a topology describes and checks that the placement's own `toSpec()` gives
 * back the same hash, seed and params: a param the algorithm does not know (a typo, or a document
 * from a newer shardis) or state not in the algorithm's canonical form is rejected, so equal
 * placements have equal bytes. A param left out is accepted: the algorithm applies its default
 * for an absent param, which must mean the same in every version (so a stored topology stays
 * readable after an upgrade that adds a param). `createTopology` always writes them all.
 */
export function buildPlacement(spec: PlacementSpec, hashers: readonly Hasher[] | undefined): Placement {
  let placement: Placement;
  let derived: PlacementSpec;
  try {
    placement = createPlacement(spec, hashers);
    derived = placement.toSpec();
  } catch (error) {
    throw placementError(error);
  }
  checkDerived(spec, derived);
  return placement;
}

function checkDerived(spec: PlacementSpec, derived: PlacementSpec): void {
  if (derived.hash !== spec.hash) {
    throw new InvalidTopologyError('hash', `the placement reports hash ${JSON.stringify(derived.hash)}, not the one named`);
  }
  if (derived.hashSeed !== spec.hashSeed) {
    const message = spec.hashSeed === undefined
      ? `hash ${JSON.stringify(spec.hash)} is keyed and needs a hashSeed`
      : derived.hashSeed === undefined
        ? `hash ${JSON.stringify(spec.hash)} is not keyed; remove hashSeed`
        : 'is not the seed the hasher uses';
    throw new InvalidTopologyError('hashSeed', message);
  }
  for (const key of Object.keys(spec.params).sort()) {
    const field = memberPath('params', key);
    const given = spec.params[key];
    const full = derived.params[key];
    if (given === undefined) continue;
    if (full === undefined) {
      const algorithm = JSON.stringify(spec.algorithm);
      throw new InvalidTopologyError(field, `is not a parameter of algorithm ${algorithm} (a typo, or a document from a newer shardis)`);
    }
    if (canonicalJson(given, field) !== canonicalJson(full as JsonValue, field)) {
      throw new InvalidTopologyError(field, 'differs from the state the algorithm derives from it (not in canonical form)');
    }
  }
}

/**
 * The algorithms throw typed errors that name their own argument ("vnodes", "options.vnodes",
 * "nodes[2].weight"); this re-roots them in the document, so the field always starts at a
 * topology field. An untyped error (a bug in an algorithm) still becomes an InvalidTopologyError,
 * so a bad document can never take a client down: the last good topology stays in force.
 */
export function placementError(error: unknown): InvalidTopologyError {
  const raw = namedField(error);
  const field = placementField(error, raw);
  let message = error instanceof Error ? error.message : String(error);
  // The typed errors start their message with their own name for the field. Drop it when the new
  // field says the same (options.vnodes → params.vnodes); keep it when it says more (change.add → nodes).
  const lastSegment = raw.split('.').pop() ?? '';
  if (raw !== '' && field.endsWith(lastSegment)) {
    for (const prefix of [`invalid topology at ${raw}: `, `${raw}: `]) {
      if (message.startsWith(prefix)) message = message.slice(prefix.length);
    }
  }
  return new InvalidTopologyError(field, shorten(message), { cause: error });
}

function namedField(error: unknown): string {
  if (!isShardisError(error)) return '';
  const named = error as { field?: unknown; argument?: unknown };
  return typeof named.field === 'string' ? named.field : typeof named.argument === 'string' ? named.argument : '';
}

function placementField(error: unknown, raw: string): string {
  if (!isShardisError(error)) return 'params';
  switch (error.code) {
    case 'ERR_UNKNOWN_ALGORITHM':
      return 'algorithm';
    case 'ERR_UNKNOWN_HASH':
      return 'hash';
    case 'ERR_INVALID_NODES':
    case 'ERR_UNKNOWN_NODE':
      return raw.startsWith('nodes') ? raw : 'nodes';
    default:
      return rootField(raw);
  }
}

/** `hashSeed`, `options.hash` → `hash`, `options.vnodes` → `params.vnodes`, `nodes[1].weight` as it is. */
function rootField(raw: string): string {
  if (/seed/i.test(raw)) return 'hashSeed';
  const name = raw.replace(/^(options|spec)\b\.?/, '');
  if (/^(params|nodes|hash|hashTags|algorithm)\b/.test(name)) return name;
  if (name === '') return 'params';
  return /^[\w$]/.test(name) ? `params.${name}` : `params${name}`;
}

const MAX_MESSAGE = 300;

/** Algorithm messages may quote hostile values; a bounded message keeps logs bounded. */
function shorten(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}

interface Built {
  readonly placement: Placement;
  readonly hashers: readonly Hasher[] | undefined;
}

/** Validation already built each topology's placement; keep it so `topologyPlacement` need not rebuild it. */
const built = new WeakMap<Topology, Built>();

export function rememberPlacement(topology: Topology, placement: Placement, hashers: readonly Hasher[] | undefined): void {
  built.set(topology, { placement, hashers });
}

/** The placement built with the same hashers (same array, or none both times), if any. */
export function rememberedPlacement(topology: Topology, hashers: readonly Hasher[] | undefined): Placement | undefined {
  const entry = built.get(topology);
  return entry !== undefined && entry.hashers === hashers ? entry.placement : undefined;
}
