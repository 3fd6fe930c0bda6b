import type { ShardisCluster } from '../cluster-harness.ts';

/** A reply as text, whatever shape the adapter gives bulk strings in. */
export function text(reply: unknown): string {
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  return String(reply);
}

/** Where each key is found, reading every node directly: key → ids of the nodes holding it. */
export async function locateKeys(cluster: ShardisCluster, ids: Iterable<string> = cluster.topology.nodes.map((node) => node.id)): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (const id of ids) {
    for (const key of await cluster.keysOn(id)) {
      let holders = found.get(key);
      if (holders === undefined) found.set(key, (holders = []));
      holders.push(id);
    }
  }
  return found;
}

/**
 * Keys that are missing, or held by a node other than their owner (or by more than one), under
 * the topology in force: `[]` when every key lives on its owner only.
 */
export async function misplacedKeys(cluster: ShardisCluster, keys: readonly string[]): Promise<string[]> {
  const found = await locateKeys(cluster, cluster.nodes.keys());
  return keys.filter((key) => {
    const holders = found.get(key) ?? [];
    return holders.length !== 1 || holders[0] !== cluster.owner(key);
  }).map((key) => `${key} on [${(found.get(key) ?? []).join(', ')}], owner ${cluster.owner(key)}`);
}

/** The keys grouped by the node that owns them under the topology in force. */
export function keysByOwner(cluster: ShardisCluster, keys: readonly string[]): Map<string, string[]> {
  const byOwner = new Map<string, string[]>();
  for (const key of keys) {
    const owner = cluster.owner(key);
    let list = byOwner.get(owner);
    if (list === undefined) byOwner.set(owner, (list = []));
    list.push(key);
  }
  return byOwner;
}

/** Two keys with the given prefix that live on different nodes, and their owners. */
export function keysOnDifferentNodes(cluster: ShardisCluster, prefix: string, count = 2): string[] {
  const chosen = new Map<string, string>();
  for (let i = 0; chosen.size < count && i < 10_000; i++) {
    const key = `${prefix}${i}`;
    const owner = cluster.owner(key);
    if (!chosen.has(owner)) chosen.set(owner, key);
  }
  if (chosen.size < count) throw new Error(`could not find ${count} keys on different nodes`);
  return [...chosen.values()];
}

/** A key with the given prefix owned by `node`. */
export function keyOwnedBy(cluster: ShardisCluster, node: string, prefix: string): string {
  for (let i = 0; i < 10_000; i++) {
    const key = `${prefix}${i}`;
    if (cluster.owner(key) === node) return key;
  }
  throw new Error(`no key with prefix ${prefix} on ${node}`);
}

/** The error's `code`, for typed errors (`ERR_CROSSSLOT`, `ERR_NODE_UNAVAILABLE`…). */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Runs `promise` and returns what it rejected with, or fails if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    const value = await promise;
    throw new Error(`expected a rejection, got ${JSON.stringify(value)}`, { cause: 'resolved' });
  } catch (error) {
    if (error instanceof Error && error.cause === 'resolved') throw error;
    return error instanceof Error ? error : new Error(String(error));
  }
}
