import { InvalidArgumentError } from '../errors.ts';
import type { Hasher } from '../hash/hasher.ts';
import type { AlgorithmName, JsonValue } from '../placement/placement.ts';

/** The topology format this code reads and writes. A newer document is rejected with "upgrade". */
export const TOPOLOGY_VERSION = 1;

/** A Redis server in the topology. */
export interface TopologyNode {
  /** The id placement hashes; at most 256 characters, no control characters. */
  readonly id: string;
  /**
   * Where the node's Redis listens: `redis://host:port[/db]` or `rediss://…`, host a name, IPv4 or
   * bracketed IPv6. Never carries credentials: those are client options, not shared state.
   */
  readonly url: string;
  /** Finite and > 0. */
  readonly weight: number;
}

/**
 * What every client and worker agrees on. Objects returned by this module are deeply frozen:
 * they are shared by every lookup and must not change under a running placement.
 */
export interface Topology {
  readonly version: 1;
  /** Becomes part of Redis key and channel names, hence `[A-Za-z0-9._:-]{1,64}`. */
  readonly cluster: string;
  /** Grows by one with every applied change; a safe non-negative integer. */
  readonly epoch: number;
  readonly algorithm: AlgorithmName;
  readonly hash: string;
  readonly hashTags: boolean;
  /** Lowercase hex seed of a keyed hash; absent for unkeyed hashes. Secret: see `redactTopology`. */
  readonly hashSeed?: string;
  /** The algorithm's full parameters and state, exactly as `placement.toSpec().params` gives them. */
  readonly params: { readonly [key: string]: JsonValue };
  /** In placement order, which jump, modulo and slots depend on. */
  readonly nodes: readonly TopologyNode[];
  /**
   * The pin set consulted before the algorithm, by reference: absent when nothing is pinned. The
   * pins themselves are stored apart (a set may hold 100,000 entries; see `pinned()`), and a
   * reader checks what it loads against `count` and `digest`. Being part of the document, the
   * reference is covered by anything that signs or compares topologies.
   */
  readonly pins?: TopologyPins;
}

/** A reference to a pin set: enough to find it and to prove a copy complete and unaltered. */
export interface TopologyPins {
  /** How many pins the set holds: 1 to `MAX_PINS`. */
  readonly count: number;
  /**
   * SHA-256 of the set's canonical form, 64 lowercase hex digits (the engine defines the form and
   * names the stored set by it, so equal sets share one copy whatever the epoch).
   */
  readonly digest: string;
}

/** Bounds that keep a hostile document from exhausting memory, time or the stack. */
export interface TopologyLimits {
  /** Largest document, in UTF-8 bytes, read by `decodeTopology` (all fields together for `topologyFromFields`). */
  readonly maxBytes: number;
  /** Deepest nesting of arrays and objects; the document's top-level object is depth 1, a node depth 3. */
  readonly maxDepth: number;
  /** Most nodes a topology may have. */
  readonly maxNodes: number;
}

export const DEFAULT_TOPOLOGY_LIMITS: TopologyLimits = Object.freeze({
  maxBytes: 4 * 1024 * 1024,
  maxDepth: 32,
  maxNodes: 10_000,
});

/** Copying and encoding recurse once per level: 1,000 levels stay far from any stack limit. */
const MAX_CONFIGURABLE_DEPTH = 1000;

export interface ValidateTopologyOptions {
  /** User hashers the topology's `hash` may name (built-in names always resolve). */
  readonly hashers?: readonly Hasher[];
  /** @default 32 */
  readonly maxDepth?: number;
  /** @default 10_000 */
  readonly maxNodes?: number;
}

export interface DecodeTopologyOptions extends ValidateTopologyOptions {
  /** @default 4 MiB */
  readonly maxBytes?: number;
}

export function resolveLimits(options: DecodeTopologyOptions | undefined): TopologyLimits {
  const defaults = DEFAULT_TOPOLOGY_LIMITS;
  return {
    maxBytes: limit(options?.maxBytes, defaults.maxBytes, 'options.maxBytes', Number.MAX_SAFE_INTEGER),
    maxDepth: limit(options?.maxDepth, defaults.maxDepth, 'options.maxDepth', MAX_CONFIGURABLE_DEPTH),
    maxNodes: limit(options?.maxNodes, defaults.maxNodes, 'options.maxNodes', Number.MAX_SAFE_INTEGER),
  };
}

function limit(value: number | undefined, fallback: number, name: string, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new InvalidArgumentError(name, `must be an integer in [1, ${max}], got ${String(value)}`);
  }
  return value;
}
