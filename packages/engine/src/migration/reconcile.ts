import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeConnection } from '../port.ts';
import { errorCode, replyText } from '../reply.ts';
import { parseMoveResult, sendMoveBatch } from './move-batch.ts';
import { progressKey, restoreExpiriesOn, targetOf, type SourceJob } from './source-mover.ts';

/** Commands a MIGRATE connection can have last run on its target (or NULL: nothing yet). */
const MIGRATE_COMMANDS: ReadonlySet<string> = new Set(['restore', 'restore-asking', 'NULL', 'select', 'auth']);

/**
 * Closes what is left of earlier MIGRATE connections on a target. After a MIGRATE times out the
 * target may still hold RESTOREs in that connection's buffer; if they ran after we reconciled, a
 * stale copy could come back. Killing the connection discards its unread commands. Only unnamed
 * connections whose last command is one MIGRATE sends are touched.
 */
export async function killStaleMigrateConnections(target: NodeConnection): Promise<number> {
  const list = replyText(await target.send(['CLIENT', 'LIST', 'TYPE', 'normal']));
  let killed = 0;
  for (const line of list.split('\n')) {
    const fields = new Map(line.trim().split(' ').map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)] as const;
    }));
    const id = fields.get('id');
    if (id === undefined || fields.get('name') !== '' || !MIGRATE_COMMANDS.has(fields.get('cmd') ?? '')) continue;
    try {
      await target.send(['CLIENT', 'KILL', 'ID', id]);
      killed++;
    } catch {
      // Gone already.
    }
  }
  return killed;
}

/**
 * Settles the uncertain set of a source: keys whose move failed half-way. For each one bound for
 * `target` (or every target when undefined): once the target answers and its stale MIGRATE
 * connections are closed, a key the source still holds is moved again with REPLACE (the source
 * copy is the only one clients have touched: the guard sends them here while it exists), and a
 * key the source no longer holds (deleted by a client after the failure) has its stale copy
 * deleted from the target. Returns how many keys were moved. Retries until done or told to stop.
 */
export async function reconcileUncertain(job: SourceJob, target: string | undefined): Promise<number> {
  const source = job.connections.get(job.source)!;
  let moved = 0;
  for (let attempt = 0; ; attempt++) {
    const members = await source.send(['SMEMBERS', job.keys.uncertain]);
    const byTarget = new Map<string, Buffer[]>();
    const stale: Buffer[] = [];
    for (const key of (Array.isArray(members) ? members : []) as Buffer[]) {
      const move = job.plan.moveOf(key);
      if (move === undefined || move.from !== job.source) stale.push(key);
      else if (target === undefined || move.to === target) byTarget.set(move.to, [...(byTarget.get(move.to) ?? []), key]);
    }
    if (stale.length > 0) await source.send(['SREM', job.keys.uncertain, ...stale]);
    if (byTarget.size === 0) return moved;
    let settled = true;
    for (const [to, keys] of byTarget) {
      try {
        moved += await settle(job, source, to, keys);
      } catch (error) {
        if (error instanceof Error && errorCode(error) === 'SHARDISSTALE') throw error;
        settled = false;
      }
    }
    if (settled) return moved;
    if (!(await job.keepGoing())) return moved;
    await sleep(Math.min(50 * 2 ** attempt, 1000));
  }
}

async function settle(job: SourceJob, source: NodeConnection, to: string, keys: readonly Buffer[]): Promise<number> {
  const target = job.connections.get(to);
  if (target === undefined) throw new Error(`no connection to ${to}`);
  await target.send(['PING']);
  await killStaleMigrateConnections(target);
  const exists = await source.batch(keys.map((key) => ['EXISTS', key]));
  const present = keys.filter((_, i) => exists[i] === 1);
  const absent = keys.filter((_, i) => exists[i] !== 1);
  if (absent.length > 0) {
    await target.send(['DEL', ...absent]);
    await source.send(['SREM', job.keys.uncertain, ...absent]);
  }
  if (present.length === 0) return 0;
  const started = performance.now();
  const result = await sendMoveBatch(source, {
    keys: present,
    control: job.keys,
    migrationId: job.migrationId,
    target: await targetOf(job, to),
    timeoutMs: job.options.bigKeyTimeoutMs,
    replace: true,
    auth: job.options.auth,
    bigKeyBytes: 0,
    checkpoint: { key: progressKey(job.keys, job.migrationId) },
  });
  const moved = parseMoveResult(result);
  await restoreExpiriesOn(job, to, moved, performance.now() - started);
  return moved.moved;
}
