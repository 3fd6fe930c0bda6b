import type { MovePlan } from '@shardis/core';
import type { NodeConnection, Reply } from '../port.ts';
import { errorCode, replyInteger, replyText } from '../reply.ts';
import { isControlKey, type ControlKeys } from '../topology/control-keys.ts';
import { moveBatchArgs, resolveMigrateTarget, type MigrateAuth, type MigrateTarget } from './move-batch.ts';
import { reconcileUncertain } from './reconcile.ts';

export interface MoverOptions {
  /** Keys per MIGRATE. @default 1000 (FIELD-NOTES: 57–66 k keys/s on loopback vs 46–47 k with 100) */
  readonly batchSize: number;
  /** SCAN COUNT per page. @default 1000 */
  readonly scanCount: number;
  /** MIGRATE timeout for ordinary batches, ms. @default 10000 */
  readonly timeoutMs: number;
  /** A key using more memory than this is reported and moved alone. @default 10 MiB */
  readonly bigKeyBytes: number;
  /** MIGRATE timeout for a big key, ms. @default 120000 */
  readonly bigKeyTimeoutMs: number;
  readonly auth: MigrateAuth | undefined;
}

export interface MoverProgress {
  readonly source: string;
  readonly moved: number;
  readonly bytes: number;
  readonly scanned: number;
  readonly cursor: string;
  readonly done: boolean;
}

export type MoverEvent =
  | { readonly type: 'progress'; readonly progress: MoverProgress }
  | { readonly type: 'big-key'; readonly source: string; readonly key: Buffer; readonly bytes: number }
  | { readonly type: 'batch-failed'; readonly source: string; readonly target: string; readonly error: Error };

export interface SourceJob {
  readonly migrationId: number;
  readonly source: string;
  readonly connections: ReadonlyMap<string, NodeConnection>;
  readonly urls: ReadonlyMap<string, string>;
  readonly plan: MovePlan;
  readonly keys: ControlKeys;
  readonly options: MoverOptions;
  readonly onEvent: (event: MoverEvent) => void;
  /** Checked between pages: false stops the job (lease lost, state changed). */
  readonly keepGoing: () => Promise<boolean>;
}

export function progressKey(keys: ControlKeys, migrationId: number): string {
  return `${keys.migrationPrefix}${migrationId}:progress`;
}

/**
 * Moves every key that leaves one source node: one SCAN pass over the node from the checkpointed
 * cursor, MIGRATE batches per target, a checkpoint after each page. One pass is enough: once the
 * move has begun no client creates a leaving key on the source (the guard sends new keys to the
 * target), and SCAN returns every key present for the whole pass. A batch that fails half-way is
 * reconciled before the cursor moves on, so a checkpoint never skips an undecided key.
 */
export async function moveSource(job: SourceJob): Promise<MoverProgress> {
  const source = job.connections.get(job.source)!;
  const key = progressKey(job.keys, job.migrationId);
  const saved = fieldsOf(await source.send(['HGETALL', key]));
  let progress: MoverProgress = {
    source: job.source,
    moved: Number(saved['moved'] ?? 0),
    bytes: Number(saved['bytes'] ?? 0),
    scanned: Number(saved['scanned'] ?? 0),
    cursor: saved['cursor'] ?? '0',
    done: saved['done'] === '1',
  };
  if (progress.done) return progress;
  do {
    if (!(await job.keepGoing())) return progress;
    const page = await source.send(['SCAN', progress.cursor, 'COUNT', job.options.scanCount]);
    if (!Array.isArray(page)) throw new Error(`unexpected SCAN reply from ${job.source}`);
    const keys = (Array.isArray(page[1]) ? page[1] : []) as Buffer[];
    const { moved, bytes } = await movePage(job, source, keys);
    progress = { ...progress, moved: progress.moved + moved, bytes: progress.bytes + bytes, scanned: progress.scanned + keys.length, cursor: replyText(page[0]) };
    await checkpoint(source, key, progress);
    job.onEvent({ type: 'progress', progress });
  } while (progress.cursor !== '0');
  await reconcileUncertain(job, undefined);
  progress = { ...progress, done: true };
  await checkpoint(source, key, progress);
  job.onEvent({ type: 'progress', progress });
  return progress;
}

async function checkpoint(source: NodeConnection, key: string, progress: MoverProgress): Promise<void> {
  await source.send([
    'HSET', key,
    'cursor', progress.cursor, 'moved', progress.moved, 'bytes', progress.bytes,
    'scanned', progress.scanned, 'done', progress.done ? '1' : '0', 'updatedAt', Date.now(),
  ]);
}

/** Moves the leaving keys of one SCAN page; returns how many moved and their approximate bytes. */
async function movePage(job: SourceJob, source: NodeConnection, scanned: readonly Buffer[]): Promise<{ moved: number; bytes: number }> {
  const byTarget = new Map<string, Buffer[]>();
  const seen = new Set<string>();
  for (const key of scanned) {
    if (isControlKey(key)) continue;
    const move = job.plan.moveOf(key);
    if (move === undefined || move.from !== job.source) continue;
    // SCAN may return a key twice; MIGRATE refuses a batch that names a key twice (BUSYKEY).
    const id = key.toString('latin1');
    if (seen.has(id)) continue;
    seen.add(id);
    let list = byTarget.get(move.to);
    if (list === undefined) byTarget.set(move.to, (list = []));
    list.push(key);
  }
  let moved = 0;
  let bytes = 0;
  for (const [target, keys] of byTarget) {
    const sizes = await source.batch(keys.map((key) => ['MEMORY', 'USAGE', key]));
    const small: Buffer[] = [];
    for (let i = 0; i < keys.length; i++) {
      const size = sizes[i] instanceof Error || sizes[i] === null ? 0 : replyInteger(sizes[i] as Reply);
      bytes += size;
      if (size > job.options.bigKeyBytes) {
        job.onEvent({ type: 'big-key', source: job.source, key: keys[i]!, bytes: size });
        moved += await moveBatch(job, source, target, [keys[i]!], job.options.bigKeyTimeoutMs);
      } else {
        small.push(keys[i]!);
      }
    }
    for (let i = 0; i < small.length; i += job.options.batchSize) {
      moved += await moveBatch(job, source, target, small.slice(i, i + job.options.batchSize), job.options.timeoutMs);
    }
  }
  return { moved, bytes };
}

async function moveBatch(job: SourceJob, source: NodeConnection, target: string, keys: readonly Buffer[], timeoutMs: number): Promise<number> {
  const args = moveBatchArgs({
    keys,
    control: job.keys,
    migrationId: job.migrationId,
    target: await targetOf(job, target),
    timeoutMs,
    replace: false,
    auth: job.options.auth,
  });
  try {
    const reply = await source.send(args);
    return replyText(reply) === 'NOKEY' ? 0 : keys.length;
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    if (errorCode(failure) === 'SHARDISSTALE') throw failure;
    job.onEvent({ type: 'batch-failed', source: job.source, target, error: failure });
    // Keys still here are in the uncertain set; settle them before going on.
    return reconcileUncertain(job, target);
  }
}

export function targetOf(job: Pick<SourceJob, 'urls' | 'connections'>, node: string): Promise<MigrateTarget> {
  const url = job.urls.get(node);
  const connection = job.connections.get(node);
  if (url === undefined || connection === undefined) throw new Error(`no address for node ${node}`);
  return resolveMigrateTarget(url, connection);
}

function fieldsOf(reply: Reply): Record<string, string> {
  const fields: Record<string, string> = {};
  if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) fields[replyText(reply[i])] = replyText(reply[i + 1]);
  return fields;
}
