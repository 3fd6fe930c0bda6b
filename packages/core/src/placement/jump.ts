import { InvalidArgumentError, InvalidNodesError, UnsupportedOperationError } from '../errors.ts';
import type { Hasher } from '../hash/hasher.ts';
import { KeyHasher } from '../hash/key-hasher.ts';
import { resolveHasher } from '../hash/registry.ts';
import type { Key } from '../key.ts';
import { decodeJumpParams, encodeJumpParams, MAX_JUMP_TABLE_BUCKETS, type JumpRemovals } from './jump-spec.ts';
import { Memento, rehash } from './memento.ts';
import { applyChange, normalizeNodes } from './nodes.ts';
import type { Algorithm, CommonOptions, NodeSpec, Placement, PlacementChange, PlacementNode, PlacementSpec } from './placement.ts';

export { MAX_JUMP_TABLE_BUCKETS } from './jump-spec.ts';
export type { JumpRemovals } from './jump-spec.ts';

/**
 * Jump placement: named nodes over jump-hash buckets, with MementoHash for removals.
 *
 * - Node order is bucket order: the first node owns bucket 0, and a node of weight `w` owns `w`
 *   buckets. Weights must be integers, because jump balances buckets, not fractions: a node of
 *   weight 3 gets three buckets and so three times the keys of a weight-1 node, within jump's
 *   usual noise. A fractional weight would need rounding that silently misstates the share.
 * - Adding nodes appends buckets (or restores the last removed ones): only keys that move to the
 *   new node move. Removing any node moves only its keys (MementoHash; see `memento.ts`). While
 *   no bucket was removed from the middle, the placement is plain Lamping–Veach jump hash.
 * - The spec stores the bucket → node table and the removals in order, so every client rebuilds
 *   exactly the same placement.
 */
export interface JumpOptions extends CommonOptions {
  /**
   * `'any'`: any node can be removed (MementoHash). `'last'`: plain jump hash, interoperable with
   * other jump implementations given the same 64-bit key hash; removing a bucket other than the
   * last throws `UnsupportedOperationError`.
   * @default 'any'
   */
  readonly removals?: JumpRemovals;
}

/** More salted attempts than this per replica and `replicas` falls back to node order. */
const REPLICA_ATTEMPTS_PER_NODE = 16;

interface JumpState {
  readonly nodes: readonly PlacementNode[];
  readonly hasher: Hasher;
  readonly hashTags: boolean;
  readonly hashSeed: string | undefined;
  readonly removals: JumpRemovals;
  readonly memento: Memento;
}

export class JumpPlacement implements Placement {
  readonly algorithm: 'jump' = 'jump';
  readonly nodes: readonly PlacementNode[];
  readonly hasher: Hasher;
  readonly hashTags: boolean;
  readonly hashSeed: string | undefined;
  readonly removals: JumpRemovals;
  private readonly ids: readonly string[];
  private readonly memento: Memento;
  private readonly keyHasher: KeyHasher;

  /** Use {@link jump} or `createPlacement`; the state is trusted here. */
  constructor(state: JumpState) {
    this.nodes = Object.freeze(state.nodes.map((node) => Object.freeze({ id: node.id, weight: node.weight })));
    this.ids = this.nodes.map((node) => node.id);
    this.hasher = state.hasher;
    this.hashTags = state.hashTags;
    this.hashSeed = state.hashSeed;
    this.removals = state.removals;
    this.memento = state.memento;
    this.keyHasher = new KeyHasher(state.hasher, state.hashTags);
  }

  /** Buckets removed from the middle and not restored yet, oldest first. */
  get removedBuckets(): readonly number[] {
    return [...this.memento.removed];
  }

  locate(key: Key): string {
    const kh = this.keyHasher;
    kh.hash64(key);
    return this.ids[this.memento.lookup(kh.lo, kh.hi)]!;
  }

  /**
   * `n` distinct nodes. The first is `locate(key)`; replica `i` comes from salted lookups: the
   * key's 64-bit hash is re-hashed with salt `s = 1, 2, …` (`lo = rehash(h, 2^31 | 2s)`,
   * `hi = rehash(h, 2^31 | 2s + 1)`), looked up like a key, and kept when it is a new node. Each
   * salted lookup is itself a consistent hash, so replicas move as little as owners do. After
   * 16 attempts per node without completing, the rest follow in node order (deterministic).
   */
  replicas(key: Key, n: number): string[] {
    const count = this.nodes.length;
    if (!Number.isInteger(n) || n < 1 || n > count) {
      throw new InvalidArgumentError('replicas.n', `must be an integer in [1, ${count}], got ${String(n)}`);
    }
    const kh = this.keyHasher;
    kh.hash64(key);
    const lo = kh.lo;
    const hi = kh.hi;
    const chosen: number[] = [this.memento.lookup(lo, hi)];
    const seen = new Uint8Array(count);
    seen[chosen[0]!] = 1;
    const limit = REPLICA_ATTEMPTS_PER_NODE * count;
    for (let salt = 1; chosen.length < n && salt <= limit; salt++) {
      const seed = 0x80000000 | (salt << 1);
      const owner = this.memento.lookup(rehash(lo, hi, seed), rehash(lo, hi, seed | 1));
      if (seen[owner] === 0) {
        seen[owner] = 1;
        chosen.push(owner);
      }
    }
    for (let i = 0; chosen.length < n; i++) if (seen[i] === 0) chosen.push(i);
    return chosen.map((index) => this.ids[index]!);
  }

  with(change: PlacementChange): JumpPlacement {
    const next = applyChange(this.nodes, change);
    checkIntegerWeights(next, (id) => weightField(change, id));
    const memento = this.memento.clone();
    // Highest first: a run of buckets at the end then shrinks the b-array as plain jump would.
    for (const bucket of this.freedBuckets(next, new Set(change.remove ?? [])).sort((a, b) => b - a)) {
      if (this.removals === 'last' && !memento.isTail(bucket)) {
        const owner = this.ids[memento.entries[bucket]!]!;
        throw new UnsupportedOperationError(
          `jump with removals: 'last' can only remove the last bucket (plain jump hash); bucket ${bucket} of node ` +
            `${JSON.stringify(owner)} is not last. Use removals: 'any' (MementoHash) to remove any node.`,
        );
      }
      memento.remove(bucket);
    }
    // Renumber owners to the new node list, then give each node the buckets its weight lacks.
    const nextIndex = new Map(next.map((node, i) => [node.id, i]));
    const counts = new Array<number>(next.length).fill(0);
    for (let b = 0; b < memento.size; b++) {
      const owner = memento.entries[b]!;
      if (owner < 0) continue;
      const index = nextIndex.get(this.ids[owner]!)!;
      memento.entries[b] = index;
      counts[index]!++;
    }
    for (let i = 0; i < next.length; i++) {
      for (let k = counts[i]!; k < next[i]!.weight; k++) memento.add(i);
    }
    checkTableSize(memento.size, 'change');
    return new JumpPlacement({ ...this.state(), nodes: next, memento });
  }

  /**
   * Buckets a change frees: all of a removed node's (also one removed and re-added, which then
   * gets the same buckets back, LIFO), and the highest ones of a node whose weight dropped.
   */
  private freedBuckets(next: readonly PlacementNode[], removed: ReadonlySet<string>): number[] {
    const weightOf = new Map(next.map((node) => [node.id, node.weight]));
    const owned: number[][] = this.nodes.map(() => []);
    for (let b = 0; b < this.memento.size; b++) {
      const owner = this.memento.entries[b]!;
      if (owner >= 0) owned[owner]!.push(b);
    }
    return this.nodes.flatMap((node, i) => owned[i]!.slice(removed.has(node.id) ? 0 : (weightOf.get(node.id) ?? 0)));
  }

  toSpec(): PlacementSpec {
    return {
      algorithm: 'jump',
      hash: this.hasher.name,
      hashTags: this.hashTags,
      ...(this.hashSeed === undefined ? {} : { hashSeed: this.hashSeed }),
      nodes: this.nodes.map((node) => ({ id: node.id, weight: node.weight })),
      params: encodeJumpParams(this.removals, this.memento),
    };
  }

  private state(): JumpState {
    const { nodes, hasher, hashTags, hashSeed, removals, memento } = this;
    return { nodes, hasher, hashTags, hashSeed, removals, memento };
  }
}

/**
 * A jump placement over `nodes`, in order. Throws `InvalidNodesError` for a bad node list or a
 * non-integer weight, `InvalidArgumentError` for bad options, `UnknownHashError` for an unknown hash.
 */
export function jump(nodes: readonly NodeSpec[], options: JumpOptions = {}): JumpPlacement {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', 'must be an object');
  const list = normalizeNodes(nodes);
  checkIntegerWeights(list, (id) => `nodes[${list.findIndex((node) => node.id === id)}].weight`);
  const owners: number[] = [];
  list.forEach((node, i) => {
    for (let k = 0; k < node.weight; k++) owners.push(i);
  });
  const removals = options.removals ?? 'any';
  if (removals !== 'any' && removals !== 'last') {
    throw new InvalidArgumentError('options.removals', `must be 'any' or 'last', got ${JSON.stringify(removals)}`);
  }
  if (options.hashTags !== undefined && typeof options.hashTags !== 'boolean') {
    throw new InvalidArgumentError('options.hashTags', 'must be a boolean');
  }
  return new JumpPlacement({
    nodes: list,
    hasher: resolveHasher(options.hash, { seed: options.hashSeed }),
    hashTags: options.hashTags ?? true,
    hashSeed: options.hashSeed,
    removals,
    memento: new Memento(owners),
  });
}

/** Integer weights whose sum fits the table; checked before any bucket is allocated. */
function checkIntegerWeights(nodes: readonly PlacementNode[], field: (id: string) => string): void {
  let total = 0;
  for (const node of nodes) {
    if (!Number.isInteger(node.weight)) {
      throw new InvalidNodesError(
        field(node.id),
        `jump needs an integer weight (each unit is one bucket), got ${node.weight} for ${JSON.stringify(node.id)}`,
      );
    }
    total += node.weight;
  }
  checkTableSize(total, 'nodes');
}

function weightField(change: PlacementChange, id: string): string {
  if (change.weights !== undefined && Object.hasOwn(change.weights, id)) return `change.weights[${JSON.stringify(id)}]`;
  const index = change.add?.findIndex((node) => node.id === id) ?? -1;
  return index >= 0 ? `change.add[${index}].weight` : `nodes[${JSON.stringify(id)}].weight`;
}

function checkTableSize(size: number, field: string): void {
  if (size > MAX_JUMP_TABLE_BUCKETS) {
    throw new InvalidNodesError(field, `needs ${size} buckets; jump allows at most ${MAX_JUMP_TABLE_BUCKETS} (sum of weights plus removed buckets)`);
  }
}

export const jumpAlgorithm: Algorithm<JumpOptions> = {
  name: 'jump',
  create: jump,
  fromSpec(spec: PlacementSpec, hasher: Hasher): JumpPlacement {
    const nodes = normalizeNodes(spec.nodes);
    const { removals, memento } = decodeJumpParams(spec.params, nodes);
    return new JumpPlacement({ nodes, hasher, hashTags: spec.hashTags, hashSeed: spec.hashSeed, removals, memento });
  },
};
