import type { NodeConnection, RedisArg, Reply } from '../port.ts';
import { replyText } from '../reply.ts';
import type { ControlKeys } from '../topology/control-keys.ts';

/**
 * Moves a batch of keys from the node it runs on, in one atomic step:
 *
 * 1. checks that this node's migration flag still names this migration (an abort deletes the
 *    flag before it reverses anything, so a worker that has not noticed the abort can never move
 *    a key the wrong way afterwards);
 * 2. sizes each key with MEMORY USAGE: keys gone since SCAN are skipped, keys above the big-key
 *    threshold are left for a move of their own with a longer timeout;
 * 3. runs `MIGRATE … KEYS …` (atomic from the source's side: a key leaves only once the target has
 *    stored it). If MIGRATE fails half-way, the keys still here go into the uncertain set in the
 *    same step: the target may hold copies of them that clients must never see (the guard keeps
 *    clients off those keys until the worker has reconciled them);
 * 4. adds the keys and bytes moved to this source's checkpoint and, for a page's last batch
 *    (unless it left a big key behind), records the SCAN cursor: progress is saved exactly when the
 *    keys leave, so a worker killed at any instant resumes without losing or counting a key twice.
 *
 * KEYS = candidate keys. ARGV = uncertain set, flag key, migration id, host, port, db, timeout ms,
 * replace ('1'/'0'), big-key bytes (0 = no limit), checkpoint key ('' = none), cursor ('' = keep),
 * scanned count, then optional auth words (`AUTH pass` or `AUTH2 user pass`).
 * Returns {moved, bytes, {key, absolute expiry ms, …}, big key, big size, …} or MIGRATE's error.
 */
export const MOVE_SCRIPT = `
if redis.call('GET', ARGV[2]) ~= ARGV[3] then
  return redis.error_reply('SHARDISSTALE this node is not moving keys for migration ' .. ARGV[3])
end
local limit = tonumber(ARGV[9])
local keys, result, bytes, expiries = {}, {0, 0, {}}, 0, {}
for i = 1, #KEYS do
  local size = redis.call('MEMORY', 'USAGE', KEYS[i])
  if size then
    if limit > 0 and size > limit then
      result[#result + 1] = KEYS[i]
      result[#result + 1] = size
    else
      keys[#keys + 1] = KEYS[i]
      bytes = bytes + size
    end
  end
end
if #keys > 0 then
  -- MIGRATE sends TTLs relative, so a target that stalls stretches them: note the absolute expiry
  -- here (TIME + PTTL works on every version, unlike PEXPIRETIME) so the worker can put it back.
  local now = redis.call('TIME')
  local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  for i = 1, #keys do
    local ttl = redis.call('PTTL', keys[i])
    if ttl > 0 then
      expiries[#expiries + 1] = keys[i]
      expiries[#expiries + 1] = nowMs + ttl
    end
  end
  local args = {'MIGRATE', ARGV[4], ARGV[5], '', ARGV[6], ARGV[7]}
  if ARGV[8] == '1' then args[#args + 1] = 'REPLACE' end
  for i = 13, #ARGV do args[#args + 1] = ARGV[i] end
  args[#args + 1] = 'KEYS'
  for i = 1, #keys do args[#args + 1] = keys[i] end
  local reply = redis.pcall(unpack(args))
  if type(reply) == 'table' and reply.err then
    for i = 1, #keys do
      if redis.call('EXISTS', keys[i]) == 1 then redis.call('SADD', ARGV[1], keys[i]) end
    end
    return reply
  end
  -- A key that arrived is no longer uncertain, whichever pass moved it (a plain pass may move keys
  -- a failed batch left behind): reconciling would take it for one a client deleted, and drop it.
  if redis.call('SCARD', ARGV[1]) > 0 then
    for i = 1, #keys do redis.call('SREM', ARGV[1], keys[i]) end
  end
end
result[1] = #keys
result[2] = bytes
result[3] = expiries
if ARGV[10] ~= '' then
  redis.call('HINCRBY', ARGV[10], 'moved', #keys)
  redis.call('HINCRBY', ARGV[10], 'bytes', bytes)
  -- A big key left behind must move before the cursor may pass it.
  if ARGV[11] ~= '' and #result == 3 then
    redis.call('HINCRBY', ARGV[10], 'scanned', tonumber(ARGV[12]))
    redis.call('HSET', ARGV[10], 'cursor', ARGV[11])
  end
end
return result
`;

export interface MigrateTarget {
  readonly host: string;
  readonly port: number;
  readonly db: number;
}

export interface MigrateAuth {
  readonly username?: string;
  readonly password: string;
}

export interface MoveBatch {
  readonly keys: readonly Buffer[];
  readonly control: ControlKeys;
  readonly migrationId: number;
  readonly target: MigrateTarget;
  readonly timeoutMs: number;
  /** Overwrite the target's copy: only for keys the source still holds after a failed move. */
  readonly replace: boolean;
  readonly auth: MigrateAuth | undefined;
  /** Keys above this many bytes are left out and reported (0: move whatever size). */
  readonly bigKeyBytes: number;
  /** The source's checkpoint hash, and the page's cursor and size when this batch ends a page. */
  readonly checkpoint?: { readonly key: string; readonly cursor?: string; readonly scanned?: number };
}

export function moveBatchArgs(batch: MoveBatch): RedisArg[] {
  const { keys, control, target, auth, checkpoint } = batch;
  const args: RedisArg[] = [
    'EVAL', MOVE_SCRIPT, keys.length, ...keys,
    control.uncertain, control.migrationFlag, batch.migrationId,
    target.host, target.port, target.db, Math.ceil(batch.timeoutMs), batch.replace ? '1' : '0',
    batch.bigKeyBytes, checkpoint?.key ?? '', checkpoint?.cursor ?? '', checkpoint?.scanned ?? 0,
  ];
  if (auth !== undefined) {
    if (auth.username !== undefined) args.push('AUTH2', auth.username, auth.password);
    else args.push('AUTH', auth.password);
  }
  return args;
}

/**
 * Runs one move script on its source. A failure comes back as a plain Error with the server's
 * message and nothing else: client libraries attach the command to their errors (ioredis's
 * `ReplyError.command.args`), and its arguments hold MIGRATE's AUTH password.
 */
export async function sendMoveBatch(source: NodeConnection, batch: MoveBatch): Promise<Reply> {
  try {
    return await source.send(moveBatchArgs(batch));
  } catch (error) {
    const clean = new Error(error instanceof Error ? error.message : String(error));
    if (error instanceof Error) clean.name = error.name;
    throw clean;
  }
}

/** What a move script reports: keys and bytes moved, the moved keys' expiries, keys left out for being big. */
export interface MoveResult {
  readonly moved: number;
  readonly bytes: number;
  /** Moved keys that had a TTL, with their absolute expiry (unix ms, by the source's clock). */
  readonly expiries: ReadonlyArray<{ readonly key: Buffer; readonly at: number }>;
  readonly big: ReadonlyArray<{ readonly key: Buffer; readonly bytes: number }>;
}

export function parseMoveResult(reply: unknown): MoveResult {
  if (!Array.isArray(reply)) return { moved: 0, bytes: 0, expiries: [], big: [] };
  const expiries: Array<{ key: Buffer; at: number }> = [];
  const pairs: unknown = reply[2];
  if (Array.isArray(pairs)) for (let i = 0; i + 1 < pairs.length; i += 2) expiries.push({ key: pairs[i] as Buffer, at: Number(pairs[i + 1]) });
  const big: Array<{ key: Buffer; bytes: number }> = [];
  for (let i = 3; i + 1 < reply.length; i += 2) big.push({ key: reply[i] as Buffer, bytes: Number(reply[i + 1]) });
  return { moved: Number(reply[0] ?? 0), bytes: Number(reply[1] ?? 0), expiries, big };
}

/**
 * Puts moved keys' expiries back where MIGRATE stretched them. MIGRATE sends each TTL relative
 * and the target counts it from when it applies the batch, so a batch that spent `elapsedMs` in
 * flight can leave keys living up to that much longer (Redis Cluster's resharding has the same
 * drift). A key is only touched when its expiry on the target lies in (at, at + elapsedMs]: one a
 * client has since rewritten, persisted, deleted or re-expired elsewhere is left as the client left it.
 *
 * KEYS = keys; ARGV = window ms, then one absolute expiry (unix ms) per key. Returns keys fixed.
 */
export const RESTORE_EXPIRY_SCRIPT = `
local window = tonumber(ARGV[1])
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local fixed = 0
for i = 1, #KEYS do
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl > 0 then
    local want = tonumber(ARGV[i + 1])
    local at = nowMs + ttl
    if at > want + 1 and at <= want + window then
      redis.call('PEXPIREAT', KEYS[i], ARGV[i + 1])
      fixed = fixed + 1
    end
  end
end
return fixed
`;

/** Batches faster than this keep MIGRATE's TTLs: the drift is below what a TTL can be trusted to anyway. */
export const EXPIRY_DRIFT_TOLERANCE_MS = 50;

/** Restores the expiries of a batch that took `elapsedMs`, on the target it went to. Returns keys fixed. */
export async function restoreExpiries(target: NodeConnection, result: MoveResult, elapsedMs: number): Promise<number> {
  if (result.expiries.length === 0 || elapsedMs < EXPIRY_DRIFT_TOLERANCE_MS) return 0;
  const args: RedisArg[] = ['EVAL', RESTORE_EXPIRY_SCRIPT, result.expiries.length];
  for (const { key } of result.expiries) args.push(key);
  args.push(Math.ceil(elapsedMs) + 5);
  for (const { at } of result.expiries) args.push(at);
  return Number(await target.send(args));
}

/**
 * Where MIGRATE should send keys for a node. For a Sentinel-managed node the url names the
 * sentinels, not the primary: ask the node itself (through our connection, which the client
 * library keeps on the current primary) which address it is listening on.
 */
export async function resolveMigrateTarget(url: string, connection: NodeConnection): Promise<MigrateTarget> {
  const sentinel = /^rediss?\+sentinel:\/\/[^/]*\/[^/]+(?:\/(\d+))?$/i.exec(url);
  if (sentinel === null) return migrateTarget(url);
  const info = replyText(await connection.send(['CLIENT', 'INFO']));
  const laddr = /(?:^|\s)laddr=(\S+):(\d+)/.exec(info);
  if (laddr === null) throw new Error('cannot tell the address of a Sentinel-managed node (CLIENT INFO has no laddr)');
  return { host: laddr[1]!.replace(/^\[|\]$/g, ''), port: Number(laddr[2]), db: Number(sentinel[1] ?? 0) };
}

/** Host, port and db of a node url (`redis://host:port/db`), as MIGRATE names its target. */
export function migrateTarget(url: string): MigrateTarget {
  const parsed = new URL(url);
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return { host, port: parsed.port === '' ? 6379 : Number(parsed.port), db: Number.isInteger(db) ? db : 0 };
}
