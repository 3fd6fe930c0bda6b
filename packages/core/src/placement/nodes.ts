import { InvalidNodesError, UnknownNodeError } from '../errors.ts';
import type { NodeSpec, PlacementNode } from './placement.ts';

/** Longest node id accepted: ids travel in every topology document and pub/sub message. */
export const MAX_NODE_ID_LENGTH = 256;

export function checkWeight(weight: unknown, field: string): number {
  if (weight === undefined) return 1;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
    throw new InvalidNodesError(field, `weight must be a finite number > 0, got ${String(weight)}`);
  }
  return weight;
}

/**
 * Validates a user's node list and resolves weights. Rejects what would silently misplace keys:
 * no nodes, duplicate or empty ids, non-finite or non-positive weights.
 */
export function normalizeNodes(nodes: readonly NodeSpec[], field = 'nodes'): PlacementNode[] {
  if (!Array.isArray(nodes)) throw new InvalidNodesError(field, 'must be an array of { id, weight? }');
  if (nodes.length === 0) throw new InvalidNodesError(field, 'a placement needs at least one node');
  const seen = new Set<string>();
  const result: PlacementNode[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    const at = `${field}[${i}]`;
    if (node === null || typeof node !== 'object') throw new InvalidNodesError(at, 'must be an object { id, weight? }');
    const { id } = node;
    if (typeof id !== 'string' || id.length === 0) throw new InvalidNodesError(`${at}.id`, 'must be a non-empty string');
    if (id.length > MAX_NODE_ID_LENGTH) throw new InvalidNodesError(`${at}.id`, `longer than ${MAX_NODE_ID_LENGTH} characters`);
    if (seen.has(id)) throw new InvalidNodesError(`${at}.id`, `duplicate node id ${JSON.stringify(id)}`);
    seen.add(id);
    result.push({ id, weight: checkWeight(node.weight, `${at}.weight`) });
  }
  return result;
}

/**
 * The node list after a change: removals, then additions (appended in the order given), then
 * weights. Order is kept because jump, memento and slots depend on it.
 */
export function applyChange(
  nodes: readonly PlacementNode[],
  change: { readonly add?: readonly NodeSpec[]; readonly remove?: readonly string[]; readonly weights?: Readonly<Record<string, number>> },
): PlacementNode[] {
  if (change === null || typeof change !== 'object') throw new InvalidNodesError('change', 'must be an object { add?, remove?, weights? }');
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const removed = new Set<string>();
  for (const [i, id] of (change.remove ?? []).entries()) {
    if (!byId.has(id)) throw new UnknownNodeError(id, `change.remove[${i}]`);
    removed.add(id);
  }
  const next = nodes.filter((node) => !removed.has(node.id));
  if (change.add !== undefined && change.add.length > 0) {
    for (const [i, node] of normalizeNodes(change.add, 'change.add').entries()) {
      if (byId.has(node.id) && !removed.has(node.id)) {
        throw new InvalidNodesError(`change.add[${i}].id`, `node ${JSON.stringify(node.id)} is already in the placement`);
      }
      next.push(node);
    }
  }
  const weights = change.weights ?? {};
  for (const id of Object.keys(weights)) {
    const index = next.findIndex((node) => node.id === id);
    if (index === -1) throw new UnknownNodeError(id, 'change.weights');
    next[index] = { id, weight: checkWeight(weights[id], `change.weights[${JSON.stringify(id)}]`) };
  }
  if (next.length === 0) throw new InvalidNodesError('change.remove', 'would remove every node; a placement needs at least one');
  return next;
}
