import type { CommandInfo } from '../commands/command-catalog.ts';
import { CrossSlotError, TryAgainError, UnsupportedCommandError } from '../errors.ts';
import type { CommandArgs, RedisArg, Reply } from '../port.ts';
import { argText } from '../reply.ts';
import { guardProbe, guardRun } from '../routing/migration-guard.ts';
import type { RoutingTable } from '../routing/routing-table.ts';
import type { ControlKeys } from '../topology/control-keys.ts';
import { combineReplies, type PerNodeReplies } from './combine.ts';

export type EngineReply = Reply | PerNodeReplies;

/**
 * One command sent to one node. A `guarded` part runs through the migration guard on the key's
 * source node; when the guard answers that the keys are gone, `original` is sent to `target`.
 * A `waitForMove` part (blocking commands, FCALL on moving keys) only probes, and goes to the
 * target once the keys have moved. A `frozen` part is not sent: its keys are between owners.
 */
export interface Part {
  readonly node: string;
  readonly args: CommandArgs;
  /** The part as a command of its own, for retries and for the target after an ASK. */
  readonly original: CommandArgs;
  readonly kind: 'plain' | 'guarded' | 'waitForMove' | 'frozen';
  readonly target: string;
}

/** A user command turned into parts, and how to put their replies back together. */
export interface Plan {
  readonly parts: readonly Part[];
  merge(replies: ReadonlyArray<Reply | Error>): EngineReply | Error;
}

export interface PlanContext {
  readonly table: RoutingTable;
  readonly keys: ControlKeys;
  /** A node to send a keyless command to (healthy, spread over calls). */
  anyNode(): string;
}

export function keyOf(arg: RedisArg | undefined): string | Buffer {
  if (arg === undefined) return '';
  return typeof arg === 'number' ? String(arg) : arg;
}

const first = (replies: ReadonlyArray<Reply | Error>): Reply | Error => replies[0] ?? null;

/** A part for a command whose keys all route alike (`from` → `to`). */
function routedPart(context: PlanContext, info: CommandInfo, args: CommandArgs, keyArgs: readonly RedisArg[], from: string, to: string): Part {
  if (from === to) return { node: to, args, original: args, kind: 'plain', target: to };
  const { table } = context;
  if (table.mode === 'frozen') return { node: from, args, original: args, kind: 'frozen', target: to };
  if (info.blocking || info.script || info.spec.flags.has('noscript')) {
    return { node: from, args: guardProbe(context.keys, table.migrationId, keyArgs), original: args, kind: 'waitForMove', target: to };
  }
  return { node: from, args: guardRun(context.keys, table.migrationId, keyArgs, args), original: args, kind: 'guarded', target: to };
}

/** Plans a command that names keys. Throws typed errors (CROSSSLOT…) before anything is sent. */
export function planKeyed(context: PlanContext, info: CommandInfo, args: CommandArgs, positions: readonly number[]): Plan {
  const { table } = context;
  const name = info.spec.name;
  let from = '';
  let to = '';
  let split = false;
  for (let i = 0; i < positions.length; i++) {
    const route = table.route(keyOf(args[positions[i]!]));
    if (i === 0) {
      from = route.from;
      to = route.to;
    } else if (route.from !== from || route.to !== to) {
      split = true;
      break;
    }
  }
  if (!split) {
    // Keys the source's guard has already answered "moved" for are on their target for good. Only
    // when every key has: keys of one {tag} split by a batch must stay one guarded part (TRYAGAIN
    // until they meet on the target), never look like a cross-node command.
    if (from !== to && positions.every((position) => table.hasArrived(keyOf(args[position]!)))) from = to;
    const keyArgs = positions.map((position) => args[position]!);
    return { parts: [routedPart(context, info, args, keyArgs, from, to)], merge: first };
  }
  if (!info.splittable) {
    const nodes = new Set(positions.map((position) => table.route(keyOf(args[position]!)).to));
    throw new CrossSlotError(name.toUpperCase(), [...nodes]);
  }
  return planSplit(context, info, args, positions);
}

/**
 * MGET, MSET, DEL, UNLINK, EXISTS, TOUCH over several nodes: one sub-command per node (per key
 * while it moves), answers merged in the caller's order. Not atomic across nodes, like Redis
 * Cluster's clients: MSET may be applied on some nodes and fail on another.
 */
function planSplit(context: PlanContext, info: CommandInfo, args: CommandArgs, positions: readonly number[]): Plan {
  const { table } = context;
  const step = positions.length > 1 ? positions[1]! - positions[0]! : 1;
  const groups = new Map<string, { from: string; to: string; units: number[] }>();
  const parts: Part[] = [];
  const unitsOfPart: number[][] = [];
  for (let unit = 0; unit < positions.length; unit++) {
    const key = keyOf(args[positions[unit]!]);
    let route = table.route(key);
    if (route.from !== route.to && table.hasArrived(key)) route = { from: route.to, to: route.to };
    if (route.from !== route.to) {
      // A moving key is checked on its own: its neighbours may already have moved.
      const sub = [args[0]!, ...args.slice(positions[unit]!, positions[unit]! + step)];
      parts.push(routedPart(context, info, sub, [args[positions[unit]!]!], route.from, route.to));
      unitsOfPart.push([unit]);
      continue;
    }
    let group = groups.get(route.to);
    if (group === undefined) groups.set(route.to, (group = { from: route.from, to: route.to, units: [] }));
    group.units.push(unit);
  }
  for (const group of groups.values()) {
    const sub: RedisArg[] = [args[0]!];
    for (const unit of group.units) for (let j = 0; j < step; j++) sub.push(args[positions[unit]! + j]!);
    parts.push({ node: group.to, args: sub, original: sub, kind: 'plain', target: group.to });
    unitsOfPart.push(group.units);
  }
  const name = info.spec.name;
  return {
    parts,
    merge(replies) {
      const failure = replies.find((reply): reply is Error => reply instanceof Error);
      if (failure !== undefined) return failure;
      if (name === 'mset') return 'OK';
      if (name !== 'mget') return (replies as Reply[]).reduce<number>((sum, reply) => sum + (typeof reply === 'number' ? reply : 0), 0);
      const result: Reply[] = new Array<Reply>(positions.length).fill(null);
      unitsOfPart.forEach((units, p) => {
        const reply = replies[p];
        if (Array.isArray(reply)) units.forEach((unit, i) => (result[unit] = reply[i] ?? null));
      });
      return result;
    },
  };
}

/** Plans a command without keys, by the server's own request/response policy. */
export function planKeyless(context: PlanContext, info: CommandInfo, args: CommandArgs): Plan {
  const policy = info.keyless;
  if (policy.kind === 'reject') throw new UnsupportedCommandError(argText(args[0]).toUpperCase(), policy.reason);
  if (policy.kind === 'any') {
    const node = context.anyNode();
    return { parts: [{ node, args, original: args, kind: 'plain', target: node }], merge: first };
  }
  // Every node that may hold keys: during a migration that includes nodes being emptied.
  const nodes = [...context.table.endpoints.keys()];
  const combine = policy.combine;
  return {
    parts: nodes.map((node) => ({ node, args, original: args, kind: 'plain' as const, target: node })),
    merge: (replies) => combineReplies(combine, nodes, replies),
  };
}

/** A command the server does not know: any node gives the right error ("unknown command"). */
export function planUnknown(context: PlanContext, args: CommandArgs): Plan {
  const node = context.anyNode();
  return { parts: [{ node, args, original: args, kind: 'plain', target: node }], merge: first };
}

export function frozenError(): TryAgainError {
  return new TryAgainError('keys are frozen while a migration is being aborted');
}
