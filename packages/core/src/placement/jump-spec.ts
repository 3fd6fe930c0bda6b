import { InvalidTopologyError } from '../errors.ts';
import { Memento } from './memento.ts';
import type { JsonValue, PlacementNode } from './placement.ts';

/** Largest b-array (working plus removed buckets): every client holds 4 bytes per bucket. */
export const MAX_JUMP_TABLE_BUCKETS: number = 1 << 20;

/** Which removals a jump placement accepts: any node (MementoHash) or only the last bucket. */
export type JumpRemovals = 'any' | 'last';

/**
 * `spec.params` of a jump placement:
 *
 *     { "removals": "any",
 *       "buckets": [0, 1, -1, 2],          // owner (index into spec.nodes) per bucket, -1 = removed
 *       "removed": [[2, 2]] }              // [bucket, replacer] in removal order
 *
 * The replacer of the i-th removal is always `buckets.length - i - 1` (the working size after it);
 * it is stored anyway so the document reads on its own, and checked on the way in.
 */
export function encodeJumpParams(removals: JumpRemovals, memento: Memento): { [key: string]: JsonValue } {
  const buckets: number[] = [];
  for (let b = 0; b < memento.size; b++) {
    const entry = memento.entries[b]!;
    buckets.push(entry >= 0 ? entry : -1);
  }
  const removed = memento.removed.map((bucket, i) => [bucket, Memento.replacerAt(memento.size, i)]);
  return { removals, buckets, removed };
}

/**
 * Validates and decodes `spec.params`; every failure is an `InvalidTopologyError` naming the field.
 * Missing `buckets` means the layout `jump()` creates (nodes in order, `weight` buckets each);
 * missing `removed` means none; missing `removals` means `'any'`.
 */
export function decodeJumpParams(
  params: { readonly [key: string]: JsonValue },
  nodes: readonly PlacementNode[],
): { removals: JumpRemovals; memento: Memento } {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new InvalidTopologyError('params', 'must be an object');
  }
  const removals = params['removals'] ?? 'any';
  if (removals !== 'any' && removals !== 'last') {
    throw new InvalidTopologyError('params.removals', `must be "any" or "last", got ${JSON.stringify(removals)}`);
  }
  nodes.forEach((node, i) => {
    if (!Number.isInteger(node.weight)) {
      throw new InvalidTopologyError(`nodes[${i}].weight`, `jump needs integer weights, got ${node.weight}`);
    }
  });
  const owners = decodeBuckets(params['buckets'], nodes);
  const removed = decodeRemoved(params['removed'], owners);
  if (removals === 'last' && removed.length > 0) {
    throw new InvalidTopologyError('params.removed', 'must be empty when removals is "last"');
  }
  return { removals, memento: Memento.restore(owners, removed) };
}

function decodeBuckets(value: JsonValue | undefined, nodes: readonly PlacementNode[]): number[] {
  const total = nodes.reduce((sum, node) => sum + node.weight, 0);
  if (total > MAX_JUMP_TABLE_BUCKETS) {
    throw new InvalidTopologyError('nodes', `weights add up to ${total} buckets; jump allows at most ${MAX_JUMP_TABLE_BUCKETS}`);
  }
  if (value === undefined) return nodes.flatMap((node, i) => Array.from({ length: node.weight }, () => i));
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_JUMP_TABLE_BUCKETS) {
    throw new InvalidTopologyError('params.buckets', `must be an array of 1 to ${MAX_JUMP_TABLE_BUCKETS} node indexes (-1 for removed)`);
  }
  const counts = new Array<number>(nodes.length).fill(0);
  const owners = value.map((owner, b) => {
    if (typeof owner !== 'number' || !Number.isInteger(owner) || owner < -1 || owner >= nodes.length) {
      throw new InvalidTopologyError(`params.buckets[${b}]`, `must be -1 or a node index in [0, ${nodes.length}), got ${JSON.stringify(owner)}`);
    }
    if (owner >= 0) counts[owner]!++;
    return owner;
  });
  nodes.forEach((node, i) => {
    if (counts[i] !== node.weight) {
      throw new InvalidTopologyError('params.buckets', `node ${JSON.stringify(node.id)} has weight ${node.weight} but owns ${counts[i]} buckets`);
    }
  });
  return owners;
}

function decodeRemoved(value: JsonValue | undefined, owners: readonly number[]): number[] {
  const size = owners.length;
  const holes = owners.reduce((n, owner) => n + (owner === -1 ? 1 : 0), 0);
  if (value === undefined) {
    if (holes > 0) throw new InvalidTopologyError('params.removed', 'missing, but params.buckets has removed buckets');
    return [];
  }
  if (!Array.isArray(value)) throw new InvalidTopologyError('params.removed', 'must be an array of [bucket, replacer]');
  const seen = new Set<number>();
  const removed = value.map((entry, i) => {
    const at = `params.removed[${i}]`;
    if (!Array.isArray(entry) || entry.length !== 2) throw new InvalidTopologyError(at, 'must be [bucket, replacer]');
    const [bucket, replacer] = entry;
    if (typeof bucket !== 'number' || !Number.isInteger(bucket) || bucket < 0 || bucket >= size || owners[bucket] !== -1) {
      throw new InvalidTopologyError(`${at}[0]`, `must be a bucket marked -1 in params.buckets, got ${JSON.stringify(bucket)}`);
    }
    if (seen.has(bucket)) throw new InvalidTopologyError(`${at}[0]`, `bucket ${bucket} is removed twice`);
    seen.add(bucket);
    if (replacer !== Memento.replacerAt(size, i)) {
      throw new InvalidTopologyError(`${at}[1]`, `the replacer of removal #${i} must be ${Memento.replacerAt(size, i)}, got ${JSON.stringify(replacer)}`);
    }
    return bucket;
  });
  if (removed.length !== holes) {
    throw new InvalidTopologyError('params.removed', `lists ${removed.length} buckets but params.buckets marks ${holes} as removed`);
  }
  return removed;
}
