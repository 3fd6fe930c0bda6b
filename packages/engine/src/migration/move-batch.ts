import type { NodeConnection, RedisArg } from '../port.ts';
import { replyText } from '../reply.ts';
import type { ControlKeys } from '../topology/control-keys.ts';

/**
 * Moves a batch of keys with one `MIGRATE … KEYS …` run inside a Lua script on the source. MIGRATE
 * is atomic from the source's side (a key leaves only once the target has stored it), and running
 * it in a script adds one thing: if it fails half-way (the target timed out or refused), the keys
 * still here are put into the uncertain set in the same atomic step. The target may hold copies
 * of them that clients must never see; the guard keeps clients off those keys until the worker
 * has reconciled them (see `reconcile`).
 *
 * The script first checks that this node's migration flag still names this migration: an abort
 * deletes the flag before it reverses anything, so a worker that has not noticed the abort yet
 * can never move a key the wrong way afterwards.
 *
 * KEYS = the keys to move. ARGV = uncertain set, flag key, migration id, host, port, db,
 * timeout ms, replace ('1'/'0'), then optional auth words (`AUTH pass` or `AUTH2 user pass`).
 * Returns MIGRATE's reply (`OK` or `NOKEY`), or its error after recording the uncertain keys.
 */
export const MOVE_SCRIPT = `
if redis.call('GET', ARGV[2]) ~= ARGV[3] then
  return redis.error_reply('SHARDISSTALE this node is not moving keys for migration ' .. ARGV[3])
end
local args = {'MIGRATE', ARGV[4], ARGV[5], '', ARGV[6], ARGV[7]}
if ARGV[8] == '1' then args[#args + 1] = 'REPLACE' end
for i = 9, #ARGV do args[#args + 1] = ARGV[i] end
args[#args + 1] = 'KEYS'
for i = 1, #KEYS do args[#args + 1] = KEYS[i] end
local reply = redis.pcall(unpack(args))
if type(reply) == 'table' and reply.err then
  for i = 1, #KEYS do
    if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('SADD', ARGV[1], KEYS[i]) end
  end
  return reply
end
if ARGV[8] == '1' then
  for i = 1, #KEYS do redis.call('SREM', ARGV[1], KEYS[i]) end
end
return reply
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
}

export function moveBatchArgs(batch: MoveBatch): RedisArg[] {
  const { keys, control, target, auth } = batch;
  const args: RedisArg[] = [
    'EVAL', MOVE_SCRIPT, keys.length, ...keys,
    control.uncertain, control.migrationFlag, batch.migrationId,
    target.host, target.port, target.db, Math.ceil(batch.timeoutMs), batch.replace ? '1' : '0',
  ];
  if (auth !== undefined) {
    if (auth.username !== undefined) args.push('AUTH2', auth.username, auth.password);
    else args.push('AUTH', auth.password);
  }
  return args;
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
