import { InvalidArgumentError, InvalidNodesError } from '../errors.ts';
import { crc16Hasher } from '../hash/crc16.ts';
import type { Hasher } from '../hash/hasher.ts';
import { KeyHasher } from '../hash/key-hasher.ts';
import type { Key } from '../key.ts';
import { SLOT_COUNT } from './key-slot.ts';
import { applyChange, normalizeNodes } from './nodes.ts';
import type {
  Algorithm,
  CommonOptions,
  NodeSpec,
  PartitionedPlacement,
  Partition,
  PlacementChange,
  PlacementNode,
  PlacementSpec,
} from './placement.ts';
import { decodeSlotsSpec, encodeRanges, tableFromRanges, type SlotRange } from './slots-spec.ts';
import { apportion, countSlots, initialTable, rebalance, runs } from './slots-table.ts';

export type { SlotRange } from './slots-spec.ts';

/**
 * Redis Cluster pre-sharding: 16384 slots, `slot = CRC16(tag or key) & 16383`, a slot → node table.
 *
 * - The table is apportioned by weight (each node within one slot of its quota, at least one
 *   slot each); with equal weights it is the layout `redis-cli --cluster create` makes.
 * - `with` moves the fewest slots that reach the new quotas: only from over-quota nodes (and
 *   removed ones) to under-quota nodes, so adding a node moves ~1/(N+1) of the slots, all to it.
 * - `options.table` mirrors an existing cluster's assignment instead (`CLUSTER SHARDS` ranges).
 * - The hash is CRC16-XMODEM, as in Redis; asking for another hash is an error. Hash tags are on
 *   by default, as in Redis; `hashTags: false` hashes whole keys (not what Redis Cluster does).
 */
export interface SlotsOptions extends CommonOptions {
  /** An explicit assignment, inclusive ranges like `CLUSTER SLOTS`; must cover every slot once. */
  readonly table?: readonly SlotRange[];
}

/** The pointFunction of slot placements: same value ⇔ same slot for every key. */
export function slotPointFunction(hashTags: boolean): string {
  return hashTags ? 'crc16-slot' : 'crc16-slot/no-tags';
}

const ORPHAN = 0xffff;

export class SlotsPlacement implements PartitionedPlacement {
  readonly algorithm: 'slots' = 'slots';
  readonly nodes: readonly PlacementNode[];
  readonly hasher: Hasher = crc16Hasher;
  readonly hashTags: boolean;
  readonly pointSpace: number = SLOT_COUNT;
  readonly pointFunction: string;
  private readonly ids: readonly string[];
  private readonly table: Uint16Array;
  private readonly keyHasher: KeyHasher;
  private cachedPartitions: readonly Partition[] | undefined;

  /** Use {@link slots} or `createPlacement`; `table` holds node indexes and is trusted here. */
  constructor(nodes: readonly PlacementNode[], table: Uint16Array, hashTags: boolean) {
    this.nodes = Object.freeze(nodes.map((node) => Object.freeze({ id: node.id, weight: node.weight })));
    this.ids = this.nodes.map((node) => node.id);
    this.table = table;
    this.hashTags = hashTags;
    this.pointFunction = slotPointFunction(hashTags);
    this.keyHasher = new KeyHasher(crc16Hasher, hashTags);
  }

  /** The slot of `key` (equal to `keySlot(key)` when hash tags are on). */
  pointOf(key: Key): number {
    return this.keyHasher.hash32(key) & (SLOT_COUNT - 1);
  }

  locate(key: Key): string {
    return this.ids[this.table[this.keyHasher.hash32(key) & (SLOT_COUNT - 1)]!]!;
  }

  /** The owner of a slot. */
  ownerOfSlot(slot: number): string {
    if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) {
      throw new InvalidArgumentError('slot', `must be an integer in [0, ${SLOT_COUNT}), got ${String(slot)}`);
    }
    return this.ids[this.table[slot]!]!;
  }

  /**
   * `n` distinct nodes: the slot's owner, then the owners of the following slot ranges in order
   * (wrapping around, as a ring walk over the table), then any node that owns no slot, in node
   * order. Redis Cluster itself replicates per master; this is for client-side redundancy.
   */
  replicas(key: Key, n: number): string[] {
    const count = this.nodes.length;
    if (!Number.isInteger(n) || n < 1 || n > count) {
      throw new InvalidArgumentError('replicas.n', `must be an integer in [1, ${count}], got ${String(n)}`);
    }
    const parts = this.partitions();
    const slot = this.pointOf(key);
    let lo = 0;
    let hi = parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (parts[mid]!.start <= slot) lo = mid;
      else hi = mid - 1;
    }
    const result: string[] = [];
    const seen = new Set<string>();
    for (let k = 0; k < parts.length && result.length < n; k++) {
      const owner = parts[(lo + k) % parts.length]!.owner;
      if (!seen.has(owner)) {
        seen.add(owner);
        result.push(owner);
      }
    }
    for (let i = 0; result.length < n; i++) if (!seen.has(this.ids[i]!)) result.push(this.ids[i]!);
    return result;
  }

  /** Maximal runs of slots with one owner: `[start, end)`, ascending, covering all 16384. */
  partitions(): readonly Partition[] {
    this.cachedPartitions ??= Object.freeze(
      runs(this.table).map((run) => Object.freeze({ start: run.start, end: run.end, owner: this.ids[run.owner]! })),
    );
    return this.cachedPartitions;
  }

  /** The assignment as inclusive ranges, the shape `CLUSTER ADDSLOTSRANGE` and `options.table` use. */
  slotRanges(): SlotRange[] {
    return this.partitions().map((part) => ({ from: part.start, to: part.end - 1, node: part.owner }));
  }

  /** Slots owned by each node id (0 for a node that owns none). */
  slotCounts(): Record<string, number> {
    const counts = countSlots(this.table, this.nodes.length);
    return Object.fromEntries(this.ids.map((id, i) => [id, counts[i]!]));
  }

  /**
   * Re-apportions by the new weights and moves the fewest slots that reach them. A node that is
   * in both lists keeps its slots (removing and re-adding one id in one change is a no-op).
   */
  with(change: PlacementChange): SlotsPlacement {
    const next = applyChange(this.nodes, change);
    checkNodeCount(next.length, 'change.add');
    const nextIndex = new Map(next.map((node, i) => [node.id, i]));
    const remap = this.ids.map((id) => nextIndex.get(id) ?? ORPHAN);
    const table = this.table.map((owner) => remap[owner]!);
    const current = new Array<number>(next.length).fill(0);
    for (const owner of table) if (owner !== ORPHAN) current[owner]!++;
    const targets = apportion(
      next.map((node) => node.weight),
      current,
    );
    return new SlotsPlacement(next, rebalance(table, ORPHAN, targets), this.hashTags);
  }

  toSpec(): PlacementSpec {
    return {
      algorithm: 'slots',
      hash: crc16Hasher.name,
      hashTags: this.hashTags,
      nodes: this.nodes.map((node) => ({ id: node.id, weight: node.weight })),
      params: { ranges: encodeRanges(this.table) },
    };
  }
}

function checkNodeCount(count: number, field: string): void {
  if (count > SLOT_COUNT) throw new InvalidNodesError(field, `a slot placement has at most ${SLOT_COUNT} nodes, got ${count}`);
}

/**
 * A slot placement over `nodes`. Throws `InvalidNodesError` for a bad node list (or more than
 * 16384 nodes), `InvalidArgumentError` for a hash other than crc16, a seed, or a bad table.
 */
export function slots(nodes: readonly NodeSpec[], options: SlotsOptions = {}): SlotsPlacement {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', 'must be an object');
  const list = normalizeNodes(nodes);
  checkNodeCount(list.length, 'nodes');
  const { hash, hashTags, hashSeed, table } = options;
  if (hash !== undefined && hash !== crc16Hasher.name && hash !== crc16Hasher) {
    const name = typeof hash === 'string' ? hash : String((hash as Partial<Hasher> | null)?.name);
    throw new InvalidArgumentError('options.hash', `slots always hashes with crc16, as Redis Cluster does; got ${JSON.stringify(name)}`);
  }
  if (hashSeed !== undefined) throw new InvalidArgumentError('options.hashSeed', 'crc16 takes no seed');
  if (hashTags !== undefined && typeof hashTags !== 'boolean') throw new InvalidArgumentError('options.hashTags', 'must be a boolean');
  const assignment =
    table === undefined
      ? initialTable(list.map((node) => node.weight))
      : tableFromRanges(table, list, 'options.table', (field, message) => new InvalidArgumentError(field, message));
  return new SlotsPlacement(list, assignment, hashTags ?? true);
}

export const slotsAlgorithm: Algorithm<SlotsOptions> = {
  name: 'slots',
  create: slots,
  fromSpec(spec: PlacementSpec): SlotsPlacement {
    const { nodes, table } = decodeSlotsSpec(spec);
    return new SlotsPlacement(nodes, table, spec.hashTags);
  },
};
