import type { MovePlan } from '@shardis/core';
import type { NodeConnection, Reply } from '../port.ts';
import { errorCode, replyInteger, replyText } from '../reply.ts';
import { isControlKey, type ControlKeys } from '../topology/control-keys.ts';
import type { KeyRate } from './key-rate.ts';
import { parseMoveResult, restoreExpiries, sendMoveBatch, resolveMigrateTarget, type MigrateAuth, type MigrateTarget, type MoveResult } from './move-batch.ts';
import { reconcileUncertain } from './reconcile.ts';

export interface MoverOptions {
  /** Keys per MIGRATE. @default 1000 (FIELD-NOTES: 57–66 k keys/s on loopback vs 46–47 k with 100) */
  readonly batchSize: number;
  /** SCAN COUNT per page; the worker raises it when few keys of a page move. @default 1000 */
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
  /** The worker's throttle, shared by its sources: taken before each batch. */
  readonly rate?: KeyRate | undefined;
}

export function progressKey(keys: ControlKeys, migrationId: number): string {
  return `${keys.migrationPrefix}${migrationId}:progress`;
}

function fieldsOf(reply: Reply): Record<string, string> {
  const fields: Record<string, string> = {};
  if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) fields[replyText(reply[i])] = replyText(reply[i + 1]);
  return fields;
}

async function readProgress(source: NodeConnection, job: SourceJob): Promise<MoverProgress> {
  const saved = fieldsOf(await source.send(['HGETALL', progressKey(job.keys, job.migrationId)]));
  return {
    source: job.source,
    moved: Number(saved['moved'] ?? 0),
    bytes: Number(saved['bytes'] ?? 0),
    scanned: Number(saved['scanned'] ?? 0),
    cursor: saved['cursor'] ?? '0',
    done: saved['done'] === '1',
  };
}

/**
 * Moves every key that leaves one source node: one SCAN pass over the node from the checkpointed
 * cursor, one MIGRATE batch per target and page, the checkpoint written by the batch itself. One
 * pass is enough: once the move has begun no client creates a leaving key on the source (the
 * guard sends new keys to the target), and SCAN returns every key present for the whole pass. A
 * batch that fails half-way is reconciled before the cursor moves on.
 */
export async function moveSource(job: SourceJob): Promise<MoverProgress> {
  const source = job.connections.get(job.source)!;
  const checkpoint = progressKey(job.keys, job.migrationId);
  let progress = await readProgress(source, job);
  if (progress.done) return progress;
  do {
    if (!(await job.keepGoing())) return progress;
    const page = await source.send(['SCAN', progress.cursor, 'COUNT', job.options.scanCount]);
    if (!Array.isArray(page)) throw new Error(`unexpected SCAN reply from ${job.source}`);
    const keys = (Array.isArray(page[1]) ? page[1] : []) as Buffer[];
    const cursor = replyText(page[0]);
    const batches = pageBatches(job, keys);
    if (batches.length === 0) {
      await source.batch([['HINCRBY', checkpoint, 'scanned', keys.length], ['HSET', checkpoint, 'cursor', cursor]]);
    } else {
      let cursorSaved = false;
      for (const [i, { target, keys: batch }] of batches.entries()) {
        const last = i === batches.length - 1;
        const result = await moveBatch(job, source, target, batch, last ? { key: checkpoint, cursor, scanned: keys.length } : { key: checkpoint });
        if (last) cursorSaved = result !== undefined && result.big.length === 0;
      }
      if (!cursorSaved) await source.batch([['HINCRBY', checkpoint, 'scanned', keys.length], ['HSET', checkpoint, 'cursor', cursor]]);
    }
    progress = await readProgress(source, job);
    job.onEvent({ type: 'progress', progress });
  } while (progress.cursor !== '0');
  await reconcileUncertain(job, undefined);
  // Reconciling gives up when told to stop (abort, another worker took the source, a new state):
  // a source that still has uncertain keys is not done, or the commit would leave them behind.
  if (replyInteger(await source.send(['SCARD', job.keys.uncertain])) > 0) return progress;
  await source.send(['HSET', checkpoint, 'done', '1']);
  progress = { ...(await readProgress(source, job)), done: true };
  job.onEvent({ type: 'progress', progress });
  return progress;
}

/** The leaving keys of one page, by target, in batches; SCAN may repeat a key and MIGRATE refuses twins. */
function pageBatches(job: SourceJob, scanned: readonly Buffer[]): Array<{ target: string; keys: Buffer[] }> {
  const byTarget = new Map<string, Buffer[]>();
  const seen = new Set<string>();
  for (const key of scanned) {
    if (isControlKey(key)) continue;
    const move = job.plan.moveOf(key);
    if (move === undefined || move.from !== job.source) continue;
    const id = key.toString('latin1');
    if (seen.has(id)) continue;
    seen.add(id);
    let list = byTarget.get(move.to);
    if (list === undefined) byTarget.set(move.to, (list = []));
    list.push(key);
  }
  const batches: Array<{ target: string; keys: Buffer[] }> = [];
  for (const [target, keys] of byTarget) {
    for (let i = 0; i < keys.length; i += job.options.batchSize) batches.push({ target, keys: keys.slice(i, i + job.options.batchSize) });
  }
  return batches;
}

/**
 * One batch; big keys it leaves behind are moved one by one with a longer timeout. Returns the
 * batch's result, or undefined when it failed and was reconciled instead.
 */
async function moveBatch(job: SourceJob, source: NodeConnection, target: string, keys: readonly Buffer[], checkpoint: { key: string; cursor?: string; scanned?: number }): Promise<MoveResult | undefined> {
  const to = await targetOf(job, target);
  await job.rate?.take(keys.length);
  try {
    let started = performance.now();
    const result = parseMoveResult(await sendMoveBatch(source, { keys, control: job.keys, migrationId: job.migrationId, target: to, timeoutMs: job.options.timeoutMs, replace: false, auth: job.options.auth, bigKeyBytes: job.options.bigKeyBytes, checkpoint }));
    await restoreExpiriesOn(job, target, result, performance.now() - started);
    for (const big of result.big) {
      job.onEvent({ type: 'big-key', source: job.source, key: big.key, bytes: big.bytes });
      await job.rate?.take(1);
      const single = { keys: [big.key], control: job.keys, migrationId: job.migrationId, target: to, timeoutMs: job.options.bigKeyTimeoutMs, replace: false, auth: job.options.auth, bigKeyBytes: 0, checkpoint: { key: checkpoint.key } };
      try {
        started = performance.now();
        const moved = parseMoveResult(await sendMoveBatch(source, single));
        await restoreExpiriesOn(job, target, moved, performance.now() - started);
      } catch (error) {
        await failed(job, target, error);
      }
    }
    return result;
  } catch (error) {
    await failed(job, target, error);
    return undefined;
  }
}

/** The keys are already on the target: an expiry that cannot be restored is reported, never fatal. */
export async function restoreExpiriesOn(job: Pick<SourceJob, 'connections' | 'source' | 'onEvent'>, target: string, result: MoveResult, elapsedMs: number): Promise<void> {
  const connection = job.connections.get(target);
  if (connection === undefined) return;
  try {
    await restoreExpiries(connection, result, elapsedMs);
  } catch (error) {
    job.onEvent({ type: 'batch-failed', source: job.source, target, error: new Error(`keys moved, but their expiries were not restored: ${error instanceof Error ? error.message : String(error)}`) });
  }
}

async function failed(job: SourceJob, target: string, error: unknown): Promise<void> {
  const failure = error instanceof Error ? error : new Error(String(error));
  if (errorCode(failure) === 'SHARDISSTALE') throw failure;
  job.onEvent({ type: 'batch-failed', source: job.source, target, error: failure });
  // Keys still here are in the uncertain set; settle them before going on.
  await reconcileUncertain(job, target);
}

export function targetOf(job: Pick<SourceJob, 'urls' | 'connections'>, node: string): Promise<MigrateTarget> {
  const url = job.urls.get(node);
  const connection = job.connections.get(node);
  if (url === undefined || connection === undefined) throw new Error(`no address for node ${node}`);
  return resolveMigrateTarget(url, connection);
}
