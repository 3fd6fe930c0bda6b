import { InvalidArgumentError } from '../errors.ts';
import type { Hasher } from '../hash/hasher.ts';
import { KeyHasher } from '../hash/key-hasher.ts';
import type { Key } from '../key.ts';
import { applyChange, normalizeNodes } from './nodes.ts';
import type { Algorithm, CommonOptions, NodeSpec, Placement, PlacementChange, PlacementNode, PlacementSpec } from './placement.ts';
import { checkOptions, checkReplicaCount, freezeNodes, readSpec, resolveCommon, rethrowAsTopology, sortById, writeSpec, type CommonState } from './ring-common.ts';
import { fmix32, nodeSeed } from './ring-mix.ts';

/**
 * Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer",
 * NSDI 2016): a lookup table of prime size `M` filled by the nodes taking turns, each claiming the
 * next free slot of its own permutation `offset, offset + skip, offset + 2·skip, … (mod M)`.
 *
 * - Node `X`'s permutation comes from its seed `S = fmix64(hash64(UTF-8 of X))`: `offset = S.lo mod M`,
 *   `skip = S.hi mod (M − 1) + 1`. Nodes take turns in id order, so the table never depends on
 *   the order nodes were given.
 * - Weights: Envoy's weighted fill. A node of normalized weight `w / max w` takes a turn in every
 *   round `r` where `r · (w / max w) >= turns taken`, so shares follow weights to within one slot
 *   per node, and every node (however light) claims a slot in round 0.
 * - A key's slot is `fmix32(hash32(key)) mod M`; lookups are one hash and one array read.
 * - `replicas`: the distinct owners met walking the table forward from the key's slot (every node
 *   holds a slot, so all `n` are found).
 *
 * The table balances shares within one slot per node: `M ≥ 100 · nodes` keeps them within 1 %.
 * Changing one node moves more than its own keys, the more so as the table holds fewer slots per
 * node (measured, keys moved over the minimum when a node joins: 1.03 at 10 nodes and M = 65537,
 * 1.6 at 100 nodes and 65537, 3.2 at 1,000 nodes and 1,000,003, 6.8 at 1,000 nodes and 100,003).
 * Use a ring or rendezvous where movement must be minimal.
 */
export interface MaglevOptions extends CommonOptions {
  /** Table size: a prime greater than the number of nodes, at most 2^26. @default 65537 */
  readonly tableSize?: number;
}

export const DEFAULT_MAGLEV_TABLE_SIZE = 65537;
export const MAX_MAGLEV_TABLE_SIZE: number = 1 << 26;

interface MaglevState extends CommonState {
  readonly nodes: readonly PlacementNode[];
  readonly tableSize: number;
}

class MaglevPlacement implements Placement {
  readonly algorithm: 'maglev' = 'maglev';
  readonly nodes: readonly PlacementNode[];
  readonly hasher: Hasher;
  readonly hashTags: boolean;
  readonly #state: MaglevState;
  readonly #ids: readonly string[];
  readonly #table: Uint16Array | Uint32Array;
  readonly #keyHasher: KeyHasher;

  /** `state.nodes` must be sorted by id; `tableSize` a prime above the node count. */
  constructor(state: MaglevState) {
    this.#state = state;
    this.nodes = freezeNodes(state.nodes);
    this.#ids = this.nodes.map((node) => node.id);
    this.hasher = state.hasher;
    this.hashTags = state.hashTags;
    this.#table = buildTable(state);
    this.#keyHasher = new KeyHasher(state.hasher, state.hashTags);
    Object.freeze(this);
  }

  locate(key: Key): string {
    return this.#ids[this.#table[fmix32(this.#keyHasher.hash32(key)) % this.#table.length]!]!;
  }

  replicas(key: Key, n: number): string[] {
    const count = this.#ids.length;
    checkReplicaCount(n, count);
    const table = this.#table;
    const size = table.length;
    const seen = new Uint8Array(count);
    const chosen: string[] = [];
    let slot = fmix32(this.#keyHasher.hash32(key)) % size;
    for (let step = 0; step < size && chosen.length < n; step++) {
      const owner = table[slot]!;
      if (seen[owner] === 0) {
        seen[owner] = 1;
        chosen.push(this.#ids[owner]!);
      }
      slot = slot + 1 === size ? 0 : slot + 1;
    }
    return chosen;
  }

  with(change: PlacementChange): Placement {
    const nodes = sortById(applyChange(this.#state.nodes, change));
    checkTableFits(this.#state.tableSize, nodes.length, 'change');
    return new MaglevPlacement({ ...this.#state, nodes });
  }

  toSpec(): PlacementSpec {
    return writeSpec('maglev', this.#state, this.nodes, { tableSize: this.#state.tableSize });
  }
}

/** The Maglev population loop with Envoy's weighted turns. */
function buildTable(state: MaglevState): Uint16Array | Uint32Array {
  const { nodes, tableSize: size } = state;
  const count = nodes.length;
  // Slot values are node indexes; the empty marker is one past the largest.
  const empty = count <= 0xfffe ? 0xffff : 0xffffffff;
  const table = count <= 0xfffe ? new Uint16Array(size).fill(empty) : new Uint32Array(size).fill(empty);
  const next = new Float64Array(count);
  const skip = new Float64Array(count);
  const share = new Float64Array(count);
  const turns = new Float64Array(count);
  const seed = new Uint32Array(2);
  let heaviest = 0;
  for (const node of nodes) heaviest = Math.max(heaviest, node.weight);
  nodes.forEach((node, i) => {
    nodeSeed(state.hasher, node.id, seed);
    next[i] = seed[0]! % size;
    skip[i] = (seed[1]! % (size - 1)) + 1;
    share[i] = node.weight / heaviest;
  });
  let filled = 0;
  for (let round = 0; filled < size; round++) {
    for (let i = 0; i < count && filled < size; i++) {
      if (round * share[i]! < turns[i]!) continue;
      turns[i]!++;
      let slot = next[i]!;
      const step = skip[i]!;
      while (table[slot] !== empty) {
        slot += step;
        if (slot >= size) slot -= size;
      }
      table[slot] = i;
      slot += step;
      next[i] = slot >= size ? slot - size : slot;
      filled++;
    }
  }
  return table;
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

function checkTableFits(size: number, count: number, field: string): void {
  if (count >= size) {
    throw new InvalidArgumentError(field, `a maglev table of size ${size} holds at most ${size - 1} nodes, got ${count}; use a larger tableSize (≥ 100 × nodes)`);
  }
}

/**
 * A maglev placement over `nodes`. Throws `InvalidNodesError` for a bad node list,
 * `InvalidArgumentError` for a table size that is not a prime above the node count.
 */
export function maglev(nodes: readonly NodeSpec[], options?: MaglevOptions): Placement {
  checkOptions(options, ['tableSize']);
  const size = options?.tableSize ?? DEFAULT_MAGLEV_TABLE_SIZE;
  if (typeof size !== 'number' || !Number.isInteger(size) || size > MAX_MAGLEV_TABLE_SIZE || !isPrime(size)) {
    throw new InvalidArgumentError('options.tableSize', `must be a prime number up to ${MAX_MAGLEV_TABLE_SIZE}, got ${String(size)}`);
  }
  const list = sortById(normalizeNodes(nodes));
  checkTableFits(size, list.length, 'options.tableSize');
  return new MaglevPlacement({ ...resolveCommon(options), nodes: list, tableSize: size });
}

export const maglevAlgorithm: Algorithm<MaglevOptions> = {
  name: 'maglev',
  create: maglev,
  fromSpec(spec: PlacementSpec, hasher: Hasher): Placement {
    const { options, params } = readSpec(spec, hasher, ['tableSize']);
    return rethrowAsTopology(() => maglev(spec.nodes, { ...options, ...(params as Pick<MaglevOptions, 'tableSize'>) }));
  },
};
