import type { NodeConnection, Reply } from '@shardis/engine';
import type { Placement } from '@shardis/core';
import type { Op } from './workload.ts';

export interface Violation {
  readonly key: string;
  readonly problem: string;
}

export interface CheckReport {
  readonly keys: number;
  readonly acknowledged: number;
  readonly notApplied: number;
  readonly unknown: number;
  /** Acknowledged writes missing from the final state. */
  readonly lost: readonly Violation[];
  /** Writes present more than once. */
  readonly duplicated: readonly Violation[];
  /** Keys on a node that does not own them, or on several nodes. */
  readonly misplaced: readonly Violation[];
  /** Writes the client was told were not applied but are present, or values nobody wrote. */
  readonly phantom: readonly Violation[];
  readonly ttl: readonly Violation[];
}

const text = (reply: Reply | undefined): string => (Buffer.isBuffer(reply) ? reply.toString('utf8') : reply === null || reply === undefined ? '' : String(reply));

function groupByKey(history: readonly Op[]): Map<string, Op[]> {
  const byKey = new Map<string, Op[]>();
  for (const op of history) {
    for (const key of op.keys ?? [op.key]) {
      let list = byKey.get(key);
      if (list === undefined) byKey.set(key, (list = []));
      list.push(op);
    }
  }
  return byKey;
}

/**
 * Reads every key the history touched from every node directly (not through shardis) and checks
 * what a user relies on: each key lives on its owner and only there; every acknowledged write is
 * present exactly once; no write the client was told was not applied is present; TTLs survived.
 */
export async function checkHistory(history: readonly Op[], nodes: ReadonlyMap<string, NodeConnection>, placement: Placement): Promise<CheckReport> {
  const byKey = groupByKey(history);
  const lost: Violation[] = [];
  const duplicated: Violation[] = [];
  const misplaced: Violation[] = [];
  const phantom: Violation[] = [];
  const ttl: Violation[] = [];
  for (const [key, ops] of byKey) {
    const owner = placement.locate(key);
    const holders: string[] = [];
    for (const [id, connection] of nodes) if ((await connection.send(['EXISTS', key])) === 1) holders.push(id);
    if (holders.some((id) => id !== owner)) misplaced.push({ key, problem: `on ${holders.join(', ')}, owner ${owner}` });
    const node = nodes.get(owner)!;
    const kind = ops[0]!.kind;
    const problems = { lost, duplicated, phantom, ttl };
    if (kind === 'incr' || kind === 'multi') await checkCounter(node, key, ops, problems);
    else if (kind === 'rpush') await checkMembers(key, ops, await node.send(['LRANGE', key, 0, -1]), problems);
    else if (kind === 'sadd') await checkMembers(key, ops, await node.send(['SMEMBERS', key]), problems);
    else if (kind === 'hset') await checkMembers(key, ops, everyOther(await node.send(['HGETALL', key]), 0), problems);
    else if (kind === 'zadd') await checkMembers(key, ops, everyOther(await node.send(['ZRANGE', key, 0, -1, 'WITHSCORES']), 0), problems);
    else if (kind === 'xadd') await checkStream(node, key, ops, problems);
    else await checkString(node, key, ops, problems);
  }
  return {
    keys: byKey.size,
    acknowledged: history.filter((op) => op.outcome === 'ok').length,
    notApplied: history.filter((op) => op.outcome === 'not-applied').length,
    unknown: history.filter((op) => op.outcome === 'unknown').length,
    lost,
    duplicated,
    misplaced,
    phantom,
    ttl,
  };
}

interface Problems {
  lost: Violation[];
  duplicated: Violation[];
  phantom: Violation[];
  ttl: Violation[];
}

function everyOther(reply: Reply, offset: number): Reply[] {
  return Array.isArray(reply) ? reply.filter((_, i) => i % 2 === offset) : [];
}

async function checkCounter(node: NodeConnection, key: string, ops: readonly Op[], problems: Problems): Promise<void> {
  const value = Number(text(await node.send(['GET', key])) || 0);
  const acked = ops.filter((op) => op.outcome === 'ok').length;
  const unknown = ops.filter((op) => op.outcome === 'unknown').length;
  if (value < acked) problems.lost.push({ key, problem: `counter ${value} < ${acked} acknowledged increments` });
  if (value > acked + unknown) problems.duplicated.push({ key, problem: `counter ${value} > ${acked} acknowledged + ${unknown} unknown increments` });
}

async function checkMembers(key: string, ops: readonly Op[], reply: Reply, problems: Problems): Promise<void> {
  const counts = new Map<string, number>();
  for (const item of Array.isArray(reply) ? reply : []) counts.set(text(item), (counts.get(text(item)) ?? 0) + 1);
  const written = new Map(ops.map((op) => [op.value, op]));
  for (const op of ops) {
    const count = counts.get(op.value) ?? 0;
    if (op.outcome === 'ok' && count === 0) problems.lost.push({ key, problem: `acknowledged ${op.kind} ${op.value} missing` });
    if (op.outcome === 'not-applied' && count > 0) problems.phantom.push({ key, problem: `${op.kind} ${op.value} reported not applied, but present` });
  }
  for (const [value, count] of counts) {
    if (count > 1) problems.duplicated.push({ key, problem: `${value} present ${count} times` });
    if (!written.has(value)) problems.phantom.push({ key, problem: `${value} was never written` });
  }
}

async function checkStream(node: NodeConnection, key: string, ops: readonly Op[], problems: Problems): Promise<void> {
  const reply = await node.send(['XRANGE', key, '-', '+']);
  const values: string[] = [];
  for (const entry of Array.isArray(reply) ? reply : []) {
    const fields = Array.isArray(entry) ? entry[1] : undefined;
    values.push(Array.isArray(fields) ? text(fields[1]) : '');
  }
  await checkMembers(key, ops, values.map((value) => Buffer.from(value)), problems);
}

async function checkString(node: NodeConnection, key: string, ops: readonly Op[], problems: Problems): Promise<void> {
  const value = text(await node.send(['GET', key]));
  const lastAcked = ops.reduce<number>((last, op, i) => (op.outcome === 'ok' ? i : last), -1);
  // The final value may be the last acknowledged write or any later write whose outcome is unknown.
  const allowed = ops.slice(Math.max(lastAcked, 0)).filter((op, i) => (i === 0 && lastAcked >= 0) || op.outcome === 'unknown');
  if (lastAcked === -1 && value === '') return;
  const final = allowed.find((op) => op.value === value);
  if (final === undefined) {
    const target = lastAcked >= 0 ? problems.lost : problems.phantom;
    target.push({ key, problem: `value ${JSON.stringify(value)}, expected ${allowed.map((op) => op.value).join(' or ')}` });
    return;
  }
  const pttl = Number(text(await node.send(['PTTL', key])));
  if (final.pxMs === undefined) {
    if (pttl !== -1) problems.ttl.push({ key, problem: `PTTL ${pttl}, expected none` });
    return;
  }
  // The server started the TTL somewhere between sending and the reply.
  const now = Date.now();
  const earliest = final.sentAt + final.pxMs - now - 1000;
  const latest = (final.doneAt ?? now) + final.pxMs - now + 1000;
  if (pttl < earliest || pttl > latest) problems.ttl.push({ key, problem: `PTTL ${pttl} ms, expected ${Math.round(earliest + 1000)}…${Math.round(latest - 1000)} ± 1000` });
}
