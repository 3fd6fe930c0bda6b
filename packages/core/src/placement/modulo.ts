import { InvalidNodesError } from '../errors.ts';
import type { Hasher } from '../hash/hasher.ts';
import { KeyHasher } from '../hash/key-hasher.ts';
import type { Key } from '../key.ts';
import { applyChange, normalizeNodes } from './nodes.ts';
import type { Algorithm, CommonOptions, NodeSpec, Placement, PlacementChange, PlacementNode, PlacementSpec } from './placement.ts';
import { checkOptions, checkReplicaCount, freezeNodes, readSpec, resolveCommon, rethrowAsTopology, writeSpec, type CommonState } from './ring-common.ts';

/**
 * The naive `hash(key) mod n`, kept as the baseline that comparisons show: balanced, as fast as a
 * placement gets, and it moves about `1 − 1/n` of all keys when a node is added or removed.
 *
 * - The key's slot is `hash32(key) mod W` with the placement's hasher, unmixed (this is the
 *   baseline people write). `W` is the sum of the weights.
 * - Weights must be integers: node `i` owns `weight` consecutive slots, in the order nodes were
 *   given (`[a×2, b×1]` gives slots `a, a, b`). A fractional weight would need rounding that
 *   silently misstates the share, so it is rejected with `InvalidNodesError`.
 * - Order matters by nature and is kept in the spec; `with` removes in place and appends.
 * - `replicas`: the owners of the next slots, `slot + 1, slot + 2, …`, skipping repeats.
 */
export type ModuloOptions = CommonOptions;

/** Largest sum of weights: every client holds one table entry per unit of weight. */
export const MAX_MODULO_SLOTS: number = 1 << 20;

interface ModuloState extends CommonState {
  readonly nodes: readonly PlacementNode[];
}

class ModuloPlacement implements Placement {
  readonly algorithm: 'modulo' = 'modulo';
  readonly nodes: readonly PlacementNode[];
  readonly hasher: Hasher;
  readonly hashTags: boolean;
  readonly #state: ModuloState;
  readonly #ids: readonly string[];
  readonly #slots: Uint32Array;
  readonly #keyHasher: KeyHasher;

  /** `state.nodes` must have integer weights adding up to at most `MAX_MODULO_SLOTS`. */
  constructor(state: ModuloState) {
    this.#state = state;
    this.nodes = freezeNodes(state.nodes);
    this.#ids = this.nodes.map((node) => node.id);
    this.hasher = state.hasher;
    this.hashTags = state.hashTags;
    this.#slots = new Uint32Array(state.nodes.reduce((sum, node) => sum + node.weight, 0));
    let at = 0;
    state.nodes.forEach((node, i) => {
      this.#slots.fill(i, at, at + node.weight);
      at += node.weight;
    });
    this.#keyHasher = new KeyHasher(state.hasher, state.hashTags);
    Object.freeze(this);
  }

  locate(key: Key): string {
    const slots = this.#slots;
    return this.#ids[slots[this.#keyHasher.hash32(key) % slots.length]!]!;
  }

  replicas(key: Key, n: number): string[] {
    const count = this.#ids.length;
    checkReplicaCount(n, count);
    const slots = this.#slots;
    const seen = new Uint8Array(count);
    const chosen: string[] = [];
    let slot = this.#keyHasher.hash32(key) % slots.length;
    while (chosen.length < n) {
      const owner = slots[slot]!;
      if (seen[owner] === 0) {
        seen[owner] = 1;
        chosen.push(this.#ids[owner]!);
      }
      slot = slot + 1 === slots.length ? 0 : slot + 1;
    }
    return chosen;
  }

  with(change: PlacementChange): Placement {
    const nodes = applyChange(this.#state.nodes, change);
    checkWeights(nodes, (i) => {
      const id = nodes[i]!.id;
      if (change.weights !== undefined && Object.hasOwn(change.weights, id)) return `change.weights[${JSON.stringify(id)}]`;
      const added = change.add?.findIndex((node) => node.id === id) ?? -1;
      return added >= 0 ? `change.add[${added}].weight` : `nodes[${i}].weight`;
    });
    return new ModuloPlacement({ ...this.#state, nodes });
  }

  toSpec(): PlacementSpec {
    return writeSpec('modulo', this.#state, this.nodes, {});
  }
}

function checkWeights(nodes: readonly PlacementNode[], field: (index: number) => string): void {
  let total = 0;
  nodes.forEach((node, i) => {
    if (!Number.isInteger(node.weight)) {
      throw new InvalidNodesError(field(i), `modulo needs an integer weight (each unit is one slot), got ${node.weight}`);
    }
    total += node.weight;
  });
  if (total > MAX_MODULO_SLOTS) throw new InvalidNodesError('nodes', `weights add up to ${total}; modulo allows at most ${MAX_MODULO_SLOTS}`);
}

/**
 * A modulo placement over `nodes`, in the order given. Throws `InvalidNodesError` for a bad node
 * list or a fractional weight, `InvalidArgumentError` for bad options.
 */
export function modulo(nodes: readonly NodeSpec[], options?: ModuloOptions): Placement {
  checkOptions(options, []);
  const list = normalizeNodes(nodes);
  checkWeights(list, (i) => `nodes[${i}].weight`);
  return new ModuloPlacement({ ...resolveCommon(options), nodes: list });
}

export const moduloAlgorithm: Algorithm<ModuloOptions> = {
  name: 'modulo',
  create: modulo,
  fromSpec(spec: PlacementSpec, hasher: Hasher): Placement {
    const { options } = readSpec(spec, hasher, []);
    return rethrowAsTopology(() => modulo(spec.nodes, options));
  },
};
