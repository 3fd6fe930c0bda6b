import type { Hasher } from '../hash/hasher.ts';
import type { Key } from '../key.ts';

/** A node as a user names it. `weight` defaults to 1 and must be finite and > 0. */
export interface NodeSpec {
  readonly id: string;
  readonly weight?: number;
}

/** A node as a placement holds it: weight resolved. */
export interface PlacementNode {
  readonly id: string;
  readonly weight: number;
}

/** What `Placement.with` applies, in this order: remove, add, reweight. */
export interface PlacementChange {
  readonly add?: readonly NodeSpec[];
  readonly remove?: readonly string[];
  readonly weights?: Readonly<Record<string, number>>;
}

export type AlgorithmName = 'ring' | 'jump' | 'rendezvous' | 'maglev' | 'slots' | 'modulo';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Options every algorithm takes. */
export interface CommonOptions {
  /** Hash function: a registered name (`"xxhash64"`, `"murmur3"`, `"md5"`…) or a `Hasher`. */
  readonly hash?: string | Hasher;
  /** Apply Redis Cluster's `{hash tag}` rule before hashing. Default `true`. */
  readonly hashTags?: boolean;
  /**
   * Secret seed for keyed hashes (SipHash), hex. Stored in the topology so every client agrees;
   * redacted wherever a topology is shown.
   */
  readonly hashSeed?: string;
}

/**
 * Everything needed to rebuild a placement exactly, as plain JSON. Node order matters for the
 * algorithms whose state depends on it (jump, memento, modulo, slots); the others sort by id.
 */
export interface PlacementSpec {
  readonly algorithm: AlgorithmName;
  readonly hash: string;
  readonly hashTags: boolean;
  /** Present only for keyed hashes. */
  readonly hashSeed?: string;
  readonly nodes: readonly PlacementNode[];
  /** Algorithm parameters and state, e.g. `{ vnodes: 160, compat: "ketama" }` or a slot table. */
  readonly params: { readonly [key: string]: JsonValue };
}

/**
 * Where keys live. Immutable: `with` returns the next placement and leaves this one as it was,
 * so a client can hold the old and the new side by side during a migration.
 */
export interface Placement {
  readonly algorithm: AlgorithmName;
  readonly nodes: readonly PlacementNode[];
  readonly hasher: Hasher;
  readonly hashTags: boolean;
  /** The id of the node that owns `key`. */
  locate(key: Key): string;
  /**
   * `n` distinct node ids in preference order; the first is always `locate(key)`.
   * Throws `InvalidArgumentError` when `n` is not an integer in `[1, nodes.length]`.
   */
  replicas(key: Key, n: number): string[];
  /** The placement after a change; throws a typed error and leaves this one untouched on bad input. */
  with(change: PlacementChange): Placement;
  /** A JSON description from which `createPlacement` builds an identical placement. */
  toSpec(): PlacementSpec;
}

/** One interval of a point space and the node that owns every key whose point falls in it. */
export interface Partition {
  /** First point, inclusive. */
  readonly start: number;
  /** Last point, exclusive. */
  readonly end: number;
  readonly owner: string;
}

/**
 * A placement whose owner depends only on a key's point in `[0, pointSpace)`: a ring (2^32 hash
 * points) or the slot table (16384 slots). Move planning uses this to name the exact ranges that
 * change owner, so a migration worker can skip keys by arithmetic.
 */
export interface PartitionedPlacement extends Placement {
  readonly pointSpace: number;
  /**
   * Identifies how points are computed (hash, tags, mode). Two placements with the same
   * `pointFunction` map every key to the same point, so their partitions can be compared.
   */
  readonly pointFunction: string;
  pointOf(key: Key): number;
  /** Consecutive intervals covering `[0, pointSpace)` exactly, in ascending order. */
  partitions(): readonly Partition[];
}

export function isPartitioned(placement: Placement): placement is PartitionedPlacement {
  return typeof (placement as Partial<PartitionedPlacement>).partitions === 'function';
}

/**
 * What every algorithm module exports, so the registry can build a placement from a spec.
 * `fromSpec` validates `spec.params` and throws `InvalidTopologyError` naming the field.
 */
export interface Algorithm<Options extends CommonOptions = CommonOptions> {
  readonly name: AlgorithmName;
  create(nodes: readonly NodeSpec[], options?: Options): Placement;
  fromSpec(spec: PlacementSpec, hasher: Hasher): Placement;
}
