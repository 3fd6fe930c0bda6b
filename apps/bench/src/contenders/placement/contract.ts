/**
 * The one contract every placement contender implements, shardis algorithm or npm peer. The
 * algorithms suite only ever talks to this, so adding a contender is adding one file.
 */

/** Anything that answers "which node owns this key". */
export interface Locator {
  locate(key: string): string;
}

/** A placement built over some nodes, and how it changes. */
export interface BuiltPlacement {
  /** The object whose `locate` is timed; for shardis it is the `Placement` itself. */
  readonly lookup: Locator;
  /** The placement with `id` added. May change this one in place (the npm peers do). */
  add(id: string): BuiltPlacement;
  /** The placement without `id`. May change this one in place. */
  remove(id: string): BuiltPlacement;
}

export interface PlacementContender {
  /** Row label in every table, e.g. `ring (ketama)` or `hashring 3.2.0`. */
  readonly name: string;
  readonly origin: 'shardis' | 'npm';
  /** One line: hash, points, options — what exactly is measured. */
  readonly description: string;
  /**
   * Contenders that share this tag claim to place every key on the same node (for example
   * shardis `ring` in ketama mode and `hashring`). The suite checks that on a sample, at every
   * node count and after an add and a remove, before timing anything, and fails the run if not.
   */
  readonly sameAs?: string;
  /**
   * Which node the disruption test removes: one from the middle (`any`), or only the last one
   * (plain jump hash cannot remove another without renumbering).
   */
  readonly removes: 'any' | 'last';
  /** `false` when two builds over the same nodes may differ (placement by `Math.random`). */
  readonly deterministic: boolean;
  /** A reason not to measure at this node count, or `undefined` to measure. */
  skip?(nodeCount: number): string | undefined;
  build(nodes: readonly string[]): BuiltPlacement;
}
