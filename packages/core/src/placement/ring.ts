import { InvalidArgumentError, InvalidNodesError } from '../errors.ts';
import type { Hasher } from '../hash/hasher.ts';
import { KeyHasher } from '../hash/key-hasher.ts';
import type { Key } from '../key.ts';
import { DEFAULT_KETAMA_HASHES, KETAMA_COMPATS, ketamaHashCounts, ketamaPoints, ketamaTieOrder, type KetamaCompat } from './ketama.ts';
import { applyChange, normalizeNodes } from './nodes.ts';
import type { Algorithm, CommonOptions, NodeSpec, Partition, PartitionedPlacement, PlacementChange, PlacementNode, PlacementSpec } from './placement.ts';
import { checkOptions, checkReplicaCount, freezeNodes, readSpec, resolveCommon, rethrowAsTopology, sortById, writeSpec, type CommonState } from './ring-common.ts';
import { fmix32, fmix64, mixHi, nodeSeed } from './ring-mix.ts';
import { buildContinuum, continuumPartitions, firstAtOrAfter, RANK_LIMIT, RING_POINT_SPACE, walkReplicas, type Continuum } from './ring-points.ts';

export type { KetamaCompat } from './ketama.ts';
export { ketamaHashCounts } from './ketama.ts';

/**
 * Karger et al. consistent hashing with virtual nodes and weights.
 *
 * **Native mode** (no `compat`): node `X` of weight `w` gets `max(1, round(vnodes · w))` points,
 * so a small weight never leaves a node without keys. Point `j` (from 0) of `X` is the high half of
 * `fmix64(S + (j + 1) · 0x9E3779B97F4A7C15)` (a SplitMix64 stream), where `S = fmix64(hash64(UTF-8
 * of X))` with the placement's hasher. Each node's points depend only on its own id and weight, so
 * adding or removing a node moves only the keys on the arcs it gains or loses. A key's point is
 * `fmix32(hash32(key))`; it belongs to the first point at or after it, clockwise. Equal points go to the
 * node whose id sorts first, so placement never depends on the order nodes were given.
 *
 * **`compat`** modes reproduce a peer exactly (see `ketama.ts`): MD5 points `"<id>-<i>"`, keys
 * hashed with MD5 (`'ketama'`, `'libketama'`) or the pool's hash (`'twemproxy'`). Hash tags are
 * off by default there, as in the peers (twemproxy's `hash_tag: "{}"` corresponds to
 * `hashTags: true`). In `'ketama'` and `'libketama'` mode the node order given breaks ties between
 * equal points, as the peers' configured order does, and is kept in the spec; `'twemproxy'` sorts
 * by name as twemproxy does.
 */
export interface RingOptions extends CommonOptions {
  /**
   * Native mode: points per unit of weight. Compat modes: MD5 digests (4 points each) per server at
   * an average weight, hashring's `vnode count`.
   * @default 160 (native), 40 (compat)
   */
  readonly vnodes?: number;
  /** Reproduce a peer's ring exactly. @default undefined (native) */
  readonly compat?: KetamaCompat;
}

export const DEFAULT_RING_VNODES = 160;

/** Largest continuum accepted: 4 bytes per point and per owner, in every client. */
export const MAX_RING_POINTS: number = 1 << 24;

const PROBE = new TextEncoder().encode('shardis ring point function');

// SplitMix64's increment, the 64-bit golden ratio.
const GAMMA_HI = 0x9e3779b9;
const GAMMA_LO = 0x7f4a7c15;

interface RingState extends CommonState {
  readonly nodes: readonly PlacementNode[];
  readonly vnodes: number;
  readonly compat: KetamaCompat | undefined;
}

class RingPlacement implements PartitionedPlacement {
  readonly algorithm: 'ring' = 'ring';
  readonly nodes: readonly PlacementNode[];
  readonly hasher: Hasher;
  readonly hashTags: boolean;
  readonly pointSpace: number = RING_POINT_SPACE;
  readonly pointFunction: string;
  readonly #state: RingState;
  readonly #ids: readonly string[];
  readonly #continuum: Continuum;
  readonly #pointCount: number;
  readonly #owners: Uint16Array | Uint32Array;
  readonly #keyHasher: KeyHasher;
  readonly #mixKey: boolean;
  readonly #emptyKeyIsZero: boolean;

  /** `state.nodes` must already be in tie-break order. */
  constructor(state: RingState) {
    this.#state = state;
    this.nodes = freezeNodes(state.nodes);
    this.#ids = this.nodes.map((node) => node.id);
    this.hasher = state.hasher;
    this.hashTags = state.hashTags;
    const packed = state.compat === undefined ? nativePoints(state) : compatPoints(state);
    this.#continuum = buildContinuum(packed, this.#ids.length);
    this.#pointCount = this.#continuum.points.length;
    if (this.#pointCount === 0) throw new InvalidNodesError('nodes', 'no node has a point on the ring; raise vnodes');
    this.#owners = this.#continuum.owners;
    this.#keyHasher = new KeyHasher(state.hasher, state.hashTags);
    this.#mixKey = state.compat === undefined;
    // twemproxy's server_pool_hash returns 0 for an empty key instead of hashing it.
    this.#emptyKeyIsZero = state.compat === 'twemproxy';
    const tags = state.hashTags ? 'tags' : 'whole';
    // A keyed hash's name does not say which key: a probe hash tells two keys apart without
    // showing either (the seed is a secret; one 32-bit output of a fixed message reveals nothing).
    const key = state.hashSeed === undefined ? '' : `:key-${state.hasher.hash32(PROBE, PROBE.length).toString(16)}`;
    this.pointFunction =
      state.compat === undefined
        ? `ring:fmix32(${state.hasher.name}${key}):${tags}`
        : state.compat === 'twemproxy'
          ? `twemproxy:${state.hasher.name}${key}:${tags}`
          : `ketama:md5:${tags}`;
    Object.freeze(this);
  }

  pointOf(key: Key): number {
    if (this.#emptyKeyIsZero && key.length === 0) return 0;
    const h = this.#keyHasher.hash32(key);
    return this.#mixKey ? fmix32(h) : h;
  }

  locate(key: Key): string {
    let index = firstAtOrAfter(this.#continuum, this.pointOf(key));
    if (index === this.#pointCount) index = 0;
    return this.#ids[this.#owners[index]!]!;
  }

  /** The first `n` distinct nodes clockwise from the key's point (hashring's `range` order). */
  replicas(key: Key, n: number): string[] {
    checkReplicaCount(n, this.#ids.length);
    let start = firstAtOrAfter(this.#continuum, this.pointOf(key));
    if (start === this.#pointCount) start = 0;
    return walkReplicas(this.#continuum, start, n, this.#ids.length).map((owner) => this.#ids[owner]!);
  }

  partitions(): readonly Partition[] {
    return continuumPartitions(this.#continuum, this.#ids);
  }

  with(change: PlacementChange): PartitionedPlacement {
    return createRing({ ...this.#state, nodes: applyChange(this.#state.nodes, change) });
  }

  toSpec(): PlacementSpec {
    const { vnodes, compat } = this.#state;
    return writeSpec('ring', this.#state, this.nodes, compat === undefined ? { vnodes } : { vnodes, compat });
  }
}

/**
 * The key hash of a compat ring. hashring and libketama hash keys with MD5 only. twemproxy uses
 * the pool's `hash:`; MD5 unless another is given (shardis `fnv1a` is twemproxy's `fnv1a_32` for
 * ASCII keys; twemproxy sign-extends bytes >= 0x80 in its FNV variants).
 */
function compatHash(compat: KetamaCompat, hash: string | Hasher | undefined): string | Hasher {
  if (hash === undefined) return 'md5';
  const name = typeof hash === 'object' && hash !== null ? hash.name : hash;
  if (compat !== 'twemproxy' && name !== 'md5') {
    throw new InvalidArgumentError('options.hash', `compat '${compat}' hashes keys with md5, got ${JSON.stringify(name)}`);
  }
  return hash;
}

function nativePoints(state: RingState): Float64Array {
  const { nodes, vnodes, hasher } = state;
  const counts = nodes.map((node) => Math.max(1, Math.round(vnodes * node.weight)));
  const total = counts.reduce((sum, count) => sum + count, 0);
  checkPointCount(total);
  const packed = new Float64Array(total);
  const seed = new Uint32Array(2);
  let at = 0;
  for (let i = 0; i < nodes.length; i++) {
    nodeSeed(hasher, nodes[i]!.id, seed);
    let lo = seed[0]!;
    let hi = seed[1]!;
    for (let j = 0; j < counts[i]!; j++) {
      const sum = lo + GAMMA_LO;
      hi = (hi + GAMMA_HI + (sum > 0xffffffff ? 1 : 0)) >>> 0;
      lo = sum >>> 0;
      fmix64(lo, hi);
      packed[at++] = mixHi * RANK_LIMIT + i;
    }
  }
  return packed;
}

function compatPoints(state: RingState): Float64Array {
  const compat = state.compat!;
  const ids = state.nodes.map((node) => node.id);
  const hashes = ketamaHashCounts(
    state.nodes.map((node) => node.weight),
    compat,
    state.vnodes,
  );
  checkPointCount(hashes.reduce((sum, count) => sum + 4 * count, 0));
  return ketamaPoints(ids, hashes);
}

function checkPointCount(total: number): void {
  if (total > MAX_RING_POINTS) {
    throw new InvalidArgumentError('options.vnodes', `the ring would have ${total} points; at most ${MAX_RING_POINTS} are allowed`);
  }
}

/** Orders the nodes for ties and builds the ring; validation is done by the callers. */
function createRing(state: RingState): RingPlacement {
  if (state.nodes.length >= RANK_LIMIT) throw new InvalidNodesError('nodes', `a ring holds at most ${RANK_LIMIT - 1} nodes`);
  let nodes: readonly PlacementNode[] = state.nodes;
  if (state.compat === undefined) nodes = sortById(nodes);
  else if (state.compat === 'twemproxy') nodes = ketamaTieOrder(nodes.map((node) => node.id), 'twemproxy').map((i) => nodes[i]!);
  return new RingPlacement({ ...state, nodes });
}

/**
 * A consistent-hash ring over `nodes`. Throws `InvalidNodesError` for a bad node list,
 * `InvalidArgumentError` for bad options, `UnknownHashError` for an unknown hash name.
 */
export function ring(nodes: readonly NodeSpec[], options?: RingOptions): PartitionedPlacement {
  checkOptions(options, ['vnodes', 'compat']);
  const compat = options?.compat;
  if (compat !== undefined && !KETAMA_COMPATS.includes(compat)) {
    throw new InvalidArgumentError('options.compat', `must be one of ${KETAMA_COMPATS.join(', ')}, got ${JSON.stringify(compat)}`);
  }
  const vnodes = options?.vnodes ?? (compat === undefined ? DEFAULT_RING_VNODES : DEFAULT_KETAMA_HASHES);
  if (typeof vnodes !== 'number' || !Number.isInteger(vnodes) || vnodes < 1 || vnodes > MAX_RING_POINTS) {
    throw new InvalidArgumentError('options.vnodes', `must be an integer in [1, ${MAX_RING_POINTS}], got ${String(vnodes)}`);
  }
  const common = resolveCommon(compat === undefined ? options : { ...options, hash: compatHash(compat, options?.hash) }, compat === undefined);
  return createRing({ ...common, nodes: normalizeNodes(nodes), vnodes, compat });
}

export const ringAlgorithm: Algorithm<RingOptions> = {
  name: 'ring',
  create: ring,
  fromSpec(spec: PlacementSpec, hasher: Hasher): PartitionedPlacement {
    const { options, params } = readSpec(spec, hasher, ['vnodes', 'compat']);
    return rethrowAsTopology(() =>
      ring(spec.nodes, { ...options, ...(params as Pick<RingOptions, 'vnodes' | 'compat'>) }),
    );
  },
};
