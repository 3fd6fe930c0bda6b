import type { Key } from '../key.ts';
import { isPinned } from '../placement/pinned.ts';
import { compareBinary, pinFieldValue, Pins } from '../placement/pins.ts';
import type { JsonValue, Placement } from '../placement/placement.ts';
import { canonicalJson } from '../topology/json-value.ts';
import type { Move, MovePlan } from './move-plan.ts';
import { charCodeAt } from '../strings.ts';

/** A pinned field whose owner changes: every key of it moves from `from` to `to`. */
export interface PinMove {
  /** The key or `{tag}`: text when its bytes are UTF-8, else the bytes. */
  readonly field: string | Uint8Array;
  readonly from: string;
  readonly to: string;
}

/**
 * A plan between placements of which at least one is pinned: the plan of the algorithms alone
 * (`base`, ranges when they allow it) with the pinned fields as exceptions. A migration worker
 * still filters most keys by the base plan's arithmetic, and scans only `sources()`: the base
 * plan's sources plus the nodes that pinned fields leave, so pinning one key scans one node.
 */
export interface PinnedMovePlan {
  readonly kind: 'pinned';
  readonly from: Placement;
  readonly to: Placement;
  /** The plan between the two algorithm placements, pins left out. */
  readonly base: MovePlan;
  /** True when both sides have the same algorithm placement: only pinned keys can move. */
  readonly pinsOnly: boolean;
  /** Exactly "`from.locate(key)` differs from `to.locate(key)`". */
  moveOf(key: Key): Move | undefined;
  movedFraction(keys: Iterable<Key>): number;
  /** Every pinned field (of either side) whose owner changes, sorted by field bytes. */
  pinMoves(): PinMove[];
  /** Nodes that may lose keys, sorted: a superset of where moving keys are. */
  sources(): string[];
  /** Nodes that may gain keys, sorted. */
  targets(): string[];
}

interface Side {
  readonly base: Placement;
  readonly pins: Pins;
  readonly hashTags: boolean;
}

function side(placement: Placement): Side {
  return isPinned(placement)
    ? { base: placement.base, pins: placement.pins, hashTags: placement.hashTags }
    : { base: placement, pins: Pins.empty, hashTags: placement.hashTags };
}

function specText(placement: Placement): string {
  return canonicalJson(placement.toSpec() as unknown as JsonValue);
}

export class PinnedPlan implements PinnedMovePlan {
  readonly kind = 'pinned' as const;
  readonly from: Placement;
  readonly to: Placement;
  readonly base: MovePlan;
  readonly pinsOnly: boolean;
  private readonly a: Side;
  private readonly b: Side;
  private readonly moves = new Map<string, Move>();
  private changed: PinMove[] | undefined;

  constructor(from: Placement, to: Placement, base: (from: Placement, to: Placement) => MovePlan) {
    this.from = from;
    this.to = to;
    this.a = side(from);
    this.b = side(to);
    this.base = base(this.a.base, this.b.base);
    this.pinsOnly = this.a.base === this.b.base || specText(this.a.base) === specText(this.b.base);
  }

  moveOf(key: Key): Move | undefined {
    const pf = this.a.pins.lookup(key, this.a.hashTags);
    const pt = this.b.pins.lookup(key, this.b.hashTags);
    if (pf === undefined && pt === undefined) return this.pinsOnly ? undefined : this.base.moveOf(key);
    const source = pf ?? this.a.base.locate(key);
    const target = pt ?? this.b.base.locate(key);
    return source === target ? undefined : this.move(source, target);
  }

  movedFraction(keys: Iterable<Key>): number {
    let total = 0;
    let moved = 0;
    for (const key of keys) {
      total++;
      if (this.moveOf(key) !== undefined) moved++;
    }
    return total === 0 ? 0 : moved / total;
  }

  /**
   * A pinned field is a key whose pin field is itself, so it stands for every key it pins: those
   * keys hash like the field (same tag) and meet the same pin, hence share its move.
   */
  pinMoves(): PinMove[] {
    if (this.changed !== undefined) return this.changed;
    const fields = new Set<string>();
    // A field pinned alike on both sides stays where it is, whatever the algorithms do.
    for (const [field, node] of this.a.pins.binaryEntries()) if (this.b.pins.getBinary(field) !== node) fields.add(field);
    for (const [field, node] of this.b.pins.binaryEntries()) if (this.a.pins.getBinary(field) !== node) fields.add(field);
    const changed: PinMove[] = [];
    for (const field of [...fields].sort(compareBinary)) {
      const bytes = Uint8Array.from(field, (c) => charCodeAt(c, 0));
      const move = this.moveOf(bytes);
      if (move !== undefined) changed.push({ field: pinFieldValue(field), from: move.from, to: move.to });
    }
    this.changed = changed;
    return changed;
  }

  sources(): string[] {
    const nodes = new Set(this.pinMoves().map((move) => move.from));
    if (!this.pinsOnly) for (const id of this.base.kind === 'keys' ? this.a.base.nodes.map((node) => node.id) : this.base.sources()) nodes.add(id);
    return [...nodes].sort();
  }

  targets(): string[] {
    const nodes = new Set(this.pinMoves().map((move) => move.to));
    if (!this.pinsOnly) for (const id of this.base.kind === 'keys' ? this.b.base.nodes.map((node) => node.id) : this.base.targets()) nodes.add(id);
    return [...nodes].sort();
  }

  private move(from: string, to: string): Move {
    const id = `${from}\u0000${to}`;
    let move = this.moves.get(id);
    if (move === undefined) this.moves.set(id, (move = Object.freeze({ from, to })));
    return move;
  }
}
