import { InvalidTopologyError, type ShardisError } from '../errors.ts';
import { crc16Hasher } from '../hash/crc16.ts';
import { SLOT_COUNT } from './key-slot.ts';
import { normalizeNodes } from './nodes.ts';
import type { JsonValue, PlacementNode, PlacementSpec } from './placement.ts';
import { initialTable, runs } from './slots-table.ts';

/** Slots `from` to `to`, both inclusive (as Redis writes them), owned by `node`. */
export interface SlotRange {
  readonly from: number;
  readonly to: number;
  readonly node: string;
}

/**
 * `spec.params.ranges`: `[from, to, node index]` per maximal run, inclusive, ascending, e.g.
 * `[[0, 5460, 0], [5461, 10922, 1], [10923, 16383, 2]]`. Indexes keep a 1,000-node table small.
 */
export function encodeRanges(table: Uint16Array): JsonValue[] {
  return runs(table).map((run) => [run.start, run.end - 1, run.owner]);
}

/**
 * Builds a table from ranges, checking that they name known nodes and cover every slot exactly
 * once. `fail` makes the error typed for the caller (`InvalidArgumentError` for options,
 * `InvalidTopologyError` for a spec).
 */
export function tableFromRanges(
  ranges: readonly (SlotRange | readonly [number, number, number])[],
  nodes: readonly PlacementNode[],
  field: string,
  fail: (field: string, message: string) => ShardisError,
): Uint16Array {
  if (!Array.isArray(ranges)) throw fail(field, 'must be an array of slot ranges');
  const index = new Map(nodes.map((node, i) => [node.id, i]));
  const table = new Uint16Array(SLOT_COUNT);
  const covered = new Uint8Array(SLOT_COUNT);
  ranges.forEach((range: unknown, i) => {
    const at = `${field}[${i}]`;
    const [from, to, owner] = Array.isArray(range) ? range : [
      (range as Partial<SlotRange> | null)?.from,
      (range as Partial<SlotRange> | null)?.to,
      index.get((range as Partial<SlotRange> | null)?.node as string),
    ];
    if (!isSlot(from) || !isSlot(to) || to < from) {
      throw fail(at, `needs integer slots 0 ≤ from ≤ to ≤ ${SLOT_COUNT - 1}, got ${JSON.stringify(range)}`);
    }
    if (typeof owner !== 'number' || !Number.isInteger(owner) || owner < 0 || owner >= nodes.length) {
      throw fail(at, `names no node of the placement: ${JSON.stringify(range)}`);
    }
    for (let slot = from; slot <= to; slot++) {
      if (covered[slot] === 1) throw fail(at, `slot ${slot} is assigned twice`);
      covered[slot] = 1;
      table[slot] = owner;
    }
  });
  const missing = covered.indexOf(0);
  if (missing !== -1) throw fail(field, `slot ${missing} is not assigned; the ranges must cover 0-${SLOT_COUNT - 1}`);
  return table;
}

function isSlot(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < SLOT_COUNT;
}

/**
 * Validates a slots spec; every failure is an `InvalidTopologyError` naming the field. Without
 * `params.ranges` the table is the one `slots()` would create from the nodes and weights.
 */
export function decodeSlotsSpec(spec: PlacementSpec): { nodes: PlacementNode[]; table: Uint16Array } {
  if (spec.hash !== crc16Hasher.name) {
    throw new InvalidTopologyError('hash', `slots always hashes with crc16, got ${JSON.stringify(spec.hash)}`);
  }
  if (spec.hashSeed !== undefined) throw new InvalidTopologyError('hashSeed', 'crc16 takes no seed');
  const nodes = normalizeNodes(spec.nodes);
  if (nodes.length > SLOT_COUNT) throw new InvalidTopologyError('nodes', `at most ${SLOT_COUNT} nodes, got ${nodes.length}`);
  const params = spec.params;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new InvalidTopologyError('params', 'must be an object');
  const ranges = params['ranges'];
  // A hand-written spec may leave the table out: it then means the layout `slots()` creates.
  if (ranges === undefined) return { nodes, table: initialTable(nodes.map((node) => node.weight)) };
  if (!Array.isArray(ranges)) throw new InvalidTopologyError('params.ranges', 'must be an array of [from, to, node index]');
  ranges.forEach((range, i) => {
    if (!Array.isArray(range) || range.length !== 3) {
      throw new InvalidTopologyError(`params.ranges[${i}]`, `must be [from, to, node index], got ${JSON.stringify(range)}`);
    }
  });
  const table = tableFromRanges(
    ranges as unknown as readonly (readonly [number, number, number])[],
    nodes,
    'params.ranges',
    (field, message) => new InvalidTopologyError(field, message),
  );
  return { nodes, table };
}
