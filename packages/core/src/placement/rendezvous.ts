import { InvalidArgumentError } from '../errors.ts';
import type { Hasher } from '../hash/hasher.ts';
import { KeyHasher } from '../hash/key-hasher.ts';
import type { Key } from '../key.ts';
import { applyChange, normalizeNodes } from './nodes.ts';
import type { Algorithm, CommonOptions, JsonValue, NodeSpec, Placement, PlacementChange, PlacementNode, PlacementSpec } from './placement.ts';
import { checkOptions, checkReplicaCount, freezeNodes, readSpec, resolveCommon, rethrowAsTopology, sortById, writeSpec, type CommonState } from './ring-common.ts';
import { nodeSeed } from './ring-mix.ts';
import { best, candidates, ranked, type Candidates } from './rendezvous-hrw.ts';
import { DEFAULT_SKELETON_FANOUT, defaultLevels, MAX_SKELETON_LEVELS, Skeleton } from './rendezvous-skeleton.ts';

export { DEFAULT_SKELETON_FANOUT, MAX_SKELETON_LEVELS } from './rendezvous-skeleton.ts';

/**
 * Rendezvous (highest-random-weight) hashing, weighted by logarithmic scoring (see
 * `rendezvous-hrw.ts`). Node `X` has the seed `fmix64(hash64(UTF-8 of X))`; a key is hashed once
 * (64 bits) and each node scores `-w / ln(u)`, `u` mixed from the key hash and the seed. The highest
 * score owns the key; `replicas` are the next highest. Placement depends only on ids, weights and
 * the key, never on node order, and changing one node moves only keys to or from that node.
 *
 * `variant: 'skeleton'` scores about `L·F + n/F^L` candidates instead of `n`, for 1,000+ nodes, at
 * the cost of moving about `L + 1` times the minimum number of keys on a change (see
 * `rendezvous-skeleton.ts`). Both variants give every node exactly its weighted share.
 */
export interface RendezvousOptions extends CommonOptions {
  /** @default 'flat' */
  readonly variant?: 'flat' | 'skeleton';
  /** Skeleton only: clusters per level, 2–256. @default 32 */
  readonly fanout?: number;
  /**
   * Skeleton only: cluster levels, 1–4, kept for the life of the placement (`with` and specs).
   * @default the least that leaves about `fanout` nodes per leaf cluster, at least 1
   */
  readonly levels?: number;
}

interface RendezvousState extends CommonState {
  readonly nodes: readonly PlacementNode[];
  readonly variant: 'flat' | 'skeleton';
  readonly fanout: number;
  readonly levels: number;
}

class RendezvousPlacement implements Placement {
  readonly algorithm: 'rendezvous' = 'rendezvous';
  readonly nodes: readonly PlacementNode[];
  readonly hasher: Hasher;
  readonly hashTags: boolean;
  readonly #state: RendezvousState;
  readonly #ids: readonly string[];
  readonly #keyHasher: KeyHasher;
  readonly #flat: Candidates;
  readonly #skeleton: Skeleton | undefined;

  /** `state.nodes` must be sorted by id. */
  constructor(state: RendezvousState) {
    this.#state = state;
    this.nodes = freezeNodes(state.nodes);
    this.#ids = this.nodes.map((node) => node.id);
    this.hasher = state.hasher;
    this.hashTags = state.hashTags;
    this.#keyHasher = new KeyHasher(state.hasher, state.hashTags);
    const count = state.nodes.length;
    const seed = new Uint32Array(2);
    const seedLo = new Uint32Array(count);
    const seedHi = new Uint32Array(count);
    const weight = new Float64Array(count);
    state.nodes.forEach((node, i) => {
      nodeSeed(state.hasher, node.id, seed);
      seedLo[i] = seed[0]!;
      seedHi[i] = seed[1]!;
      weight[i] = node.weight;
    });
    this.#flat = candidates(seedLo, seedHi, weight);
    this.#skeleton = state.variant === 'skeleton' ? new Skeleton(seedLo, seedHi, weight, state.fanout, state.levels) : undefined;
    Object.freeze(this);
  }

  locate(key: Key): string {
    const kh = this.#keyHasher;
    kh.hash64(key);
    const skeleton = this.#skeleton;
    return this.#ids[skeleton === undefined ? best(this.#flat, kh.lo, kh.hi) : skeleton.locate(kh.lo, kh.hi)]!;
  }

  replicas(key: Key, n: number): string[] {
    checkReplicaCount(n, this.#ids.length);
    const kh = this.#keyHasher;
    kh.hash64(key);
    const order = this.#skeleton === undefined ? ranked(this.#flat, kh.lo, kh.hi).slice(0, n) : this.#skeleton.replicas(kh.lo, kh.hi, n);
    return order.map((index) => this.#ids[index]!);
  }

  with(change: PlacementChange): Placement {
    return new RendezvousPlacement({ ...this.#state, nodes: sortById(applyChange(this.#state.nodes, change)) });
  }

  toSpec(): PlacementSpec {
    const { variant, fanout, levels } = this.#state;
    const params: { [key: string]: JsonValue } = variant === 'flat' ? { variant } : { variant, fanout, levels };
    return writeSpec('rendezvous', this.#state, this.nodes, params);
  }
}

function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, `must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/**
 * A rendezvous placement over `nodes`. Throws `InvalidNodesError` for a bad node list,
 * `InvalidArgumentError` for bad options, `UnknownHashError` for an unknown hash name.
 */
export function rendezvous(nodes: readonly NodeSpec[], options?: RendezvousOptions): Placement {
  checkOptions(options, ['variant', 'fanout', 'levels']);
  const variant = options?.variant ?? 'flat';
  if (variant !== 'flat' && variant !== 'skeleton') {
    throw new InvalidArgumentError('options.variant', `must be 'flat' or 'skeleton', got ${JSON.stringify(variant)}`);
  }
  if (variant === 'flat' && (options?.fanout !== undefined || options?.levels !== undefined)) {
    throw new InvalidArgumentError(options?.fanout !== undefined ? 'options.fanout' : 'options.levels', "applies only to variant 'skeleton'");
  }
  const list = sortById(normalizeNodes(nodes));
  const fanout = integerIn(options?.fanout ?? DEFAULT_SKELETON_FANOUT, 'options.fanout', 2, 256);
  const levels = integerIn(options?.levels ?? defaultLevels(list.length, fanout), 'options.levels', 1, MAX_SKELETON_LEVELS);
  const common = resolveCommon(options);
  return new RendezvousPlacement({ ...common, nodes: list, variant, fanout: variant === 'flat' ? 0 : fanout, levels: variant === 'flat' ? 0 : levels });
}

export const rendezvousAlgorithm: Algorithm<RendezvousOptions> = {
  name: 'rendezvous',
  create: rendezvous,
  fromSpec(spec: PlacementSpec, hasher: Hasher): Placement {
    const { options, params } = readSpec(spec, hasher, ['variant', 'fanout', 'levels']);
    return rethrowAsTopology(() => rendezvous(spec.nodes, { ...options, ...(params as Pick<RendezvousOptions, 'variant' | 'fanout' | 'levels'>) }));
  },
};
