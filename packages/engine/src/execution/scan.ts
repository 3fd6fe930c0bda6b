import type { NodePool } from '../nodes/node-pool.ts';
import type { Reply } from '../port.ts';
import { replyText } from '../reply.ts';
import type { RoutingTable } from '../routing/routing-table.ts';
import { isControlKey } from '../topology/control-keys.ts';

export interface ScanOptions {
  /** Glob-style pattern, as SCAN's MATCH. */
  readonly match?: string;
  /** Hint for keys per node per round trip, as SCAN's COUNT. @default 100 */
  readonly count?: number;
  /** Only keys of this type, as SCAN's TYPE (Redis ≥ 6). */
  readonly type?: string;
}

function scanArgs(cursor: string, options: ScanOptions): string[] {
  const args = ['SCAN', cursor];
  if (options.match !== undefined) args.push('MATCH', options.match);
  args.push('COUNT', String(options.count ?? 100));
  if (options.type !== undefined) args.push('TYPE', options.type);
  return args;
}

function parseScanReply(reply: Reply): { cursor: string; keys: Buffer[] } {
  if (!Array.isArray(reply) || reply.length < 2) throw new Error('unexpected SCAN reply');
  const keys = Array.isArray(reply[1]) ? (reply[1].filter((key) => Buffer.isBuffer(key) || typeof key === 'string') as Array<Buffer | string>) : [];
  return { cursor: replyText(reply[0]), keys: keys.map((key) => (Buffer.isBuffer(key) ? key : Buffer.from(key))) };
}

async function* scanNode(pool: NodePool, node: string, options: ScanOptions): AsyncGenerator<Buffer[]> {
  let cursor = '0';
  do {
    const reply = parseScanReply(await pool.send(node, scanArgs(cursor, options)));
    cursor = reply.cursor;
    if (reply.keys.length > 0) yield reply.keys;
  } while (cursor !== '0');
}

/**
 * Every key of the cluster, in batches. Each node is scanned with SCAN; a key is reported by its
 * owner only, so stray copies are never reported and shardis's own keys never are.
 *
 * Across a migration the guarantee is Redis's own, for the whole cluster: a key present for the
 * whole scan is reported, and exactly once. A moving key is reported from whichever side holds it
 * and remembered; after the first pass, the targets are scanned again for moving keys not yet
 * reported (a key that left its source before the source was scanned is on its target by then,
 * because keys only ever move from source to target). If a topology change starts while the scan
 * runs, the second pass still finds every key, but one may be reported twice.
 */
export async function* scanCluster(pool: NodePool, currentTable: () => RoutingTable, options: ScanOptions = {}): AsyncGenerator<Buffer[]> {
  const start = currentTable();
  const reported = new Set<string>();
  for (const node of start.endpoints.keys()) {
    for await (const keys of scanNode(pool, node, options)) {
      const batch = keys.filter((key) => {
        if (isControlKey(key)) return false;
        const route = start.route(key);
        if (route.from === route.to) return node === route.to;
        if (node !== route.from && node !== route.to) return false;
        const id = key.toString('latin1');
        if (reported.has(id)) return false;
        reported.add(id);
        return true;
      });
      if (batch.length > 0) yield batch;
    }
  }
  const end = currentTable();
  if (!start.moving && end.revision === start.revision) return;
  const targets = new Set<string>([...(start.moving ? start.endpoints.keys() : []), ...end.endpoints.keys()]);
  for (const node of targets) {
    for await (const keys of scanNode(pool, node, options)) {
      const batch = keys.filter((key) => {
        if (isControlKey(key)) return false;
        const before = start.route(key);
        const after = end.route(key);
        const moving = before.from !== before.to || after.from !== after.to || before.to !== after.to;
        if (!moving || (node !== after.to && node !== before.to)) return false;
        const id = key.toString('latin1');
        if (reported.has(id)) return false;
        reported.add(id);
        return true;
      });
      if (batch.length > 0) yield batch;
    }
  }
}

const NODE_BITS = 12n;

/**
 * The raw SCAN command over the whole cluster, with a composite cursor: the node's cursor times
 * 4096 plus the node's index, as one decimal number, so code that loops "until the cursor is 0"
 * works unchanged. Meant for stable clusters; `scanIterator`/`scanStream` keep the exactly-once
 * promise across migrations.
 */
export async function scanCommand(pool: NodePool, table: RoutingTable, cursorArg: string, rest: readonly string[]): Promise<Reply> {
  let composite: bigint;
  try {
    composite = BigInt(cursorArg);
  } catch {
    throw new Error('ERR invalid cursor');
  }
  const nodes = table.targetNodes;
  let index = Number(composite & ((1n << NODE_BITS) - 1n));
  let cursor = (composite >> NODE_BITS).toString();
  if (index >= nodes.length) throw new Error('ERR invalid cursor');
  const node = nodes[index]!;
  const reply = parseScanReply(await pool.send(node, ['SCAN', cursor, ...rest]));
  const keys = reply.keys.filter((key) => !isControlKey(key) && table.owner(key) === node);
  cursor = reply.cursor;
  if (cursor === '0') {
    index++;
    if (index >= nodes.length) return ['0', keys];
  }
  return [((BigInt(cursor) << NODE_BITS) | BigInt(index)).toString(), keys];
}
