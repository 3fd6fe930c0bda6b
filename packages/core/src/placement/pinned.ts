import { NodeHasPinsError, UnknownNodeError } from '../errors.ts';
import type { Hasher } from '../hash/hasher.ts';
import type { Key } from '../key.ts';
import { applyChange } from './nodes.ts';
import { describePinField, pinFieldValue, Pins } from './pins.ts';
import type { AlgorithmName, Placement, PlacementChange, PlacementNode, PlacementSpec } from './placement.ts';

/** Pins shown by name in a NodeHasPinsError; the count says how many more there are. */
const LISTED_PINS = 20;

/**
 * A placement whose pins are consulted before the algorithm: a key whose pin field (its `{tag}`,
 * or the whole key) is pinned lives on the pinned node, every other key where `base` puts it.
 *
 * Pins are part of what the placement is: `locate`, `replicas`, `planMove` and `with` all know
 * them. They are not part of `toSpec()`, which describes the algorithm alone: a pin set may hold
 * 100,000 entries, so topologies carry only a reference to it (`Topology.pins`: count and
 * digest) and the pins themselves travel apart (in shardis, a Redis hash per set). Rebuild one
 * with `pinned(createPlacement(p.toSpec()), p.pins)`.
 */
export class PinnedPlacement implements Placement {
  readonly base: Placement;
  readonly pins: Pins;
  readonly hashTags: boolean;

  constructor(base: Placement, pins: Pins) {
    this.base = base;
    this.pins = pins;
    this.hashTags = base.hashTags;
  }

  get algorithm(): AlgorithmName {
    return this.base.algorithm;
  }

  get nodes(): readonly PlacementNode[] {
    return this.base.nodes;
  }

  get hasher(): Hasher {
    return this.base.hasher;
  }

  locate(key: Key): string {
    // An empty set costs one comparison; otherwise `lookup` allocates nothing for unpinned keys.
    if (this.pins.size !== 0) {
      const node = this.pins.lookup(key, this.hashTags);
      if (node !== undefined) return node;
    }
    return this.base.locate(key);
  }

  /** The node `key` is pinned to, or `undefined` when the algorithm places it. */
  pinOf(key: Key): string | undefined {
    return this.pins.lookup(key, this.hashTags);
  }

  /** The pinned node first, then the algorithm's preference order without it. */
  replicas(key: Key, n: number): string[] {
    const order = this.base.replicas(key, n);
    const node = this.pins.lookup(key, this.hashTags);
    if (node === undefined || order[0] === node) return order;
    return [node, ...order.filter((id) => id !== node)].slice(0, n);
  }

  /**
   * The placement after a change, pins kept. Removing a node that pins point at throws
   * `NodeHasPinsError` listing them: move or unpin them first.
   */
  with(change: PlacementChange): PinnedPlacement {
    // Validate the change as the algorithm would (unknown node, bad weight…) before naming pins.
    applyChange(this.base.nodes, change);
    for (const id of change.remove ?? []) {
      const fields = this.pins.fieldsOn(id);
      if (fields.length > 0) {
        const listed = fields.slice(0, LISTED_PINS);
        throw new NodeHasPinsError(id, listed.map(pinFieldValue), fields.length, listed.map(describePinField));
      }
    }
    return pinned(this.base.with(change), this.pins);
  }

  /** The algorithm's spec; see the class comment for why pins travel apart. */
  toSpec(): PlacementSpec {
    return this.base.toSpec();
  }

  /** This placement with `field` (a key or a `{tag}`) pinned to `node`. */
  pin(field: Key, node: string): PinnedPlacement {
    return pinned(this.base, this.pins.with(field, node));
  }

  /** This placement without the pin on `field`; itself when `field` was not pinned. */
  unpin(field: Key): PinnedPlacement {
    const pins = this.pins.without(field);
    return pins === this.pins ? this : pinned(this.base, pins);
  }
}

/**
 * `placement` with `pins` consulted first. Pins given as `[field, node]` pairs are checked as by
 * `Pins.of`. A pinned placement's own pins are replaced, not merged.
 *
 * @throws UnknownNodeError naming the pin (`pins["{user:42}"]`) whose node the placement does not
 *   have; InvalidArgumentError for a field that is not its own pin field under the placement's
 *   tag rule (`a{b}c`: pin `{b}`), and for what `Pins.of` refuses.
 */
export function pinned(placement: Placement, pins: Pins | Iterable<readonly [Key, string]>): PinnedPlacement {
  const base = isPinned(placement) ? placement.base : placement;
  const set = pins instanceof Pins ? pins : Pins.of(pins);
  if (set.size > 0) {
    const ids = new Set(base.nodes.map((node) => node.id));
    for (const [field, node] of set.binaryEntries()) {
      if (!ids.has(node)) throw new UnknownNodeError(node, `pins[${describePinField(field)}]`);
    }
    if (base.hashTags) set.checkTagRule();
  }
  return new PinnedPlacement(base, set);
}

/** True for a placement made by `pinned()` (by shape, so a second copy of the package agrees). */
export function isPinned(placement: Placement): placement is PinnedPlacement {
  const candidate = placement as Partial<PinnedPlacement>;
  return typeof candidate.pinOf === 'function' && candidate.base !== undefined && candidate.pins !== undefined;
}
