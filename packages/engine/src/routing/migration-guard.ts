import { createHash } from 'node:crypto';
import type { RedisArg } from '../port.ts';
import type { ControlKeys } from '../topology/control-keys.ts';

/**
 * The migration rule, enforced by the source node itself: one Lua script checks whether the
 * command's keys are still on this node and runs the command in the same atomic step, so no
 * MIGRATE can slip between the check and the command (Redis Cluster answers the same question
 * with -ASK, but a client acts on that answer later). Only keys whose owner changes pay for it.
 *
 * KEYS = the command's keys. ARGV[1] = migration flag, ARGV[2] = uncertain set, ARGV[3] =
 * migration id, ARGV[4] = mode, then the command (or commands). The control keys travel in ARGV,
 * not KEYS: Redis ACLs take every declared key of EVAL as read-write, and the application user
 * may only read them (SECURITY.md); inside the script the reads are checked as reads.
 *
 * - Until the worker sets the flag to this migration's id (it does so only after every live client
 *   has acknowledged the migration), the source is authoritative for everything: run here.
 * - After that: all keys here → run here; none here → `SHARDISASK`, the client runs it on the
 *   target; some here → TRYAGAIN (a multi-key command whose keys are split by a batch, as in
 *   Redis Cluster). A key missing here whose last move failed half-way (in the uncertain set)
 *   also gets TRYAGAIN until the worker has reconciled it, so a stale copy on the target can
 *   never be read or written.
 *
 * Modes: `run` one command; `multi` a transaction (count, then each command as length + args,
 * replies in place like EXEC); `probe` nothing, just the verdict (`SOURCE`), for commands that
 * cannot run inside a script (blocking ones, FCALL): the caller waits until they have moved.
 */
export const GUARD_SCRIPT = `
local active = redis.call('GET', ARGV[1]) == ARGV[3]
if active then
  local present = 0
  for i = 1, #KEYS do
    if redis.call('EXISTS', KEYS[i]) == 1 then
      present = present + 1
    elseif redis.call('SISMEMBER', ARGV[2], KEYS[i]) == 1 then
      return redis.error_reply('TRYAGAIN key is being reconciled after an interrupted move')
    end
  end
  if present == 0 then return redis.error_reply('SHARDISASK keys have moved to the target') end
  if present < #KEYS then return redis.error_reply('TRYAGAIN keys are split between source and target during a move') end
end
local mode = ARGV[4]
if mode == 'run' then
  return redis.pcall(unpack(ARGV, 5))
elseif mode == 'multi' then
  local replies = {}
  local at = 6
  for c = 1, tonumber(ARGV[5]) do
    local n = tonumber(ARGV[at])
    replies[c] = redis.pcall(unpack(ARGV, at + 1, at + n))
    at = at + n + 1
  end
  return replies
elseif mode == 'probe' then
  if active then return 'SOURCE' end
  return 'INACTIVE'
end
return redis.error_reply('ERR shardis guard: unknown mode')
`;

export const GUARD_SHA = createHash('sha1').update(GUARD_SCRIPT).digest('hex');

/** The error code a guard answers with when the keys are no longer on the source (Redis needs a message after the code, or it prefixes ERR). */
export const ASK_REPLY = 'SHARDISASK';

export function guardRun(keys: ControlKeys, migrationId: number, commandKeys: readonly RedisArg[], command: readonly RedisArg[]): RedisArg[] {
  return ['EVALSHA', GUARD_SHA, commandKeys.length, ...commandKeys, keys.migrationFlag, keys.uncertain, migrationId, 'run', ...command];
}

export function guardMulti(
  keys: ControlKeys,
  migrationId: number,
  commandKeys: readonly RedisArg[],
  commands: readonly (readonly RedisArg[])[],
): RedisArg[] {
  const args: RedisArg[] = ['EVALSHA', GUARD_SHA, commandKeys.length, ...commandKeys, keys.migrationFlag, keys.uncertain, migrationId, 'multi', commands.length];
  for (const command of commands) args.push(command.length, ...command);
  return args;
}

export function guardProbe(keys: ControlKeys, migrationId: number, commandKeys: readonly RedisArg[]): RedisArg[] {
  return ['EVALSHA', GUARD_SHA, commandKeys.length, ...commandKeys, keys.migrationFlag, keys.uncertain, migrationId, 'probe'];
}

/** The same call with the script's body, for a node that does not have it cached (NOSCRIPT). */
export function withScriptBody(args: readonly RedisArg[]): RedisArg[] {
  return ['EVAL', GUARD_SCRIPT, ...args.slice(2)];
}

/**
 * A user's EVAL wrapped in the guard, so a script on moving keys is checked and run in one atomic
 * step like any other command. The user's KEYS and ARGV reach the script unchanged; the guard's own
 * names are embedded as string literals. A `#!` line (Redis 7 script flags) must stay first.
 */
export function wrapUserScript(body: string, keys: ControlKeys, migrationId: number): string {
  let shebang = '';
  let rest = body;
  if (body.startsWith('#!')) {
    const end = body.indexOf('\n');
    shebang = end === -1 ? body : body.slice(0, end + 1);
    rest = end === -1 ? '' : body.slice(end + 1);
  }
  return `${shebang}local __shardis_flag = redis.call('GET', ${luaString(keys.migrationFlag)}) == ${luaString(String(migrationId))}
if __shardis_flag then
  local present = 0
  for i = 1, #KEYS do
    if redis.call('EXISTS', KEYS[i]) == 1 then present = present + 1
    elseif redis.call('SISMEMBER', ${luaString(keys.uncertain)}, KEYS[i]) == 1 then
      return redis.error_reply('TRYAGAIN key is being reconciled after an interrupted move')
    end
  end
  if present == 0 then return redis.error_reply('SHARDISASK keys have moved to the target') end
  if present < #KEYS then return redis.error_reply('TRYAGAIN keys are split between source and target during a move') end
end
return (function()
${rest}
end)()
`;
}

function luaString(text: string): string {
  return `"${text.replace(/[\\"\n\r\0]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\0' ? '\\0' : `\\${c}`))}"`;
}
