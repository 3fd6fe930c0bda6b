import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandCatalog } from '../commands/command-catalog.ts';
import { CrossSlotError, TryAgainError, UnsupportedCommandError } from '../errors.ts';
import type { NodePool } from '../nodes/node-pool.ts';
import type { CommandArgs, Reply } from '../port.ts';
import { errorCode } from '../reply.ts';
import { ASK_REPLY, guardMulti, withScriptBody } from '../routing/migration-guard.ts';
import type { RoutingTable } from '../routing/routing-table.ts';
import type { ControlKeys } from '../topology/control-keys.ts';
import { frozenError, keyOf, planKeyed, planKeyless, planUnknown, type EngineReply, type Part, type Plan, type PlanContext } from './plan.ts';

export interface ExecutorContext {
  readonly pool: NodePool;
  readonly catalog: CommandCatalog;
  readonly keys: ControlKeys;
  /** The routing table in force now. */
  table(): RoutingTable;
  /** Throws when the client may not send commands (closed, lease lapsed). */
  checkUsable(): void;
  /** A healthy node for keyless commands. */
  anyNode(table: RoutingTable): string;
  /** How long a command may wait for a key in motion before failing with TryAgainError. */
  readonly retryTimeoutMs: number;
}

type Outcome = Reply | Error;

interface Slot {
  readonly part: Part;
  outcome: Outcome | undefined;
  /** Set when the part must be sent again, as a command of its own, after a pause. */
  retry: boolean;
}

/**
 * Runs commands, pipelines and transactions over the nodes of one routing table. Everything that
 * is not the hot path (one key, no migration) goes through the same planner, so a pipeline, a
 * split MGET and a single command obey one set of rules: per-node order is kept, a moving key is
 * checked on its source by the guard, and an answer of "moved" sends it on to its target in order.
 */
export class Executor {
  private readonly context: ExecutorContext;

  constructor(context: ExecutorContext) {
    this.context = context;
  }

  /**
   * One command. The hot path — keys that all live on one node, no migration under way — is
   * synchronous up to the send: no await between reading the routing table and handing the
   * command to the node's connection, so a topology switch can tell when it has drained by a
   * round trip on each connection (replies come back in order) instead of counting every command.
   */
  command(args: CommandArgs): Promise<EngineReply> {
    let owner: string | undefined;
    try {
      owner = this.route(args);
    } catch (error) {
      return Promise.reject(error);
    }
    if (owner !== undefined) return this.context.pool.send(owner, args);
    return this.pipeline([args], true).then(([result]) => {
      if (result instanceof Error) throw result;
      return result as EngineReply;
    });
  }

  /**
   * The one node a command goes to on the hot path — keys that all live on one node, none of them
   * possibly still on a source — or undefined when it needs the planner. Throws what the command
   * would fail with before anything is sent (closed client, lapsed lease, CROSSSLOT).
   */
  route(args: CommandArgs): string | undefined {
    const context = this.context;
    context.checkUsable();
    const table = context.table();
    const info = context.catalog.info(args);
    if (info === undefined || info.keyless.kind !== 'any') return undefined;
    const positions = context.catalog.keyPositions(info, args);
    if (!Array.isArray(positions) || positions.length === 0 || (positions.length > 1 && info.splittable)) return undefined;
    // During a move most keys stay where they are, and a moved key whose guard has said so once
    // is known to be on its target: only keys that may still be on their source need the guard
    // (and the planner). Keys on two nodes are left to the planner, which knows every rule.
    if (table.moving) return settledOwner(table, args, positions);
    const owner = table.owner(keyOf(args[positions[0]!]));
    for (let i = 1; i < positions.length; i++) {
      if (table.owner(keyOf(args[positions[i]!])) !== owner) throw crossSlot(table, args, positions);
    }
    return owner;
  }

  /** Sends commands as pipelines, one per node, in parallel; replies (or errors) in the caller's order. */
  async pipeline(commands: readonly CommandArgs[], single = false): Promise<Array<EngineReply | Error>> {
    const context = this.context;
    if (!single) context.checkUsable();
    const table = context.table();
    const plans = await Promise.all(commands.map((args) => this.plan(table, args).catch((error: unknown) => toError(error))));
    const slots: Slot[][] = plans.map((plan) => (plan instanceof Error ? [] : plan.parts.map((part) => ({ part, outcome: undefined, retry: false }))));
    table.begin();
    try {
      await this.sendRound(slots.flat().filter((slot) => slot.part.kind !== 'frozen'), (slot) => slot.part.args);
      const flat = slots.flat();
      for (const slot of flat) if (slot.part.kind === 'frozen') slot.retry = true;
      await this.resendScripts(flat);
      await this.followAsks(table, flat);
    } finally {
      table.end();
    }
    for (const slot of slots.flat()) if (slot.retry) slot.outcome = await this.retry(slot.part.original);
    return plans.map((plan, i) => (plan instanceof Error ? plan : plan.merge(slots[i]!.map((slot) => slot.outcome ?? null))));
  }

  /**
   * MULTI/EXEC on the one node that owns every key. While those keys move, the whole transaction
   * runs inside the guard on the source (atomic, like EXEC) or, once they are gone, on the target.
   */
  async transaction(commands: readonly CommandArgs[]): Promise<Outcome[]> {
    const context = this.context;
    context.checkUsable();
    const deadline = Date.now() + context.retryTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      const table = context.table();
      const route = await this.transactionRoute(table, commands);
      table.begin();
      let outcome: Outcome[] | 'retry';
      try {
        outcome = await this.runTransaction(table, route, commands);
      } finally {
        table.end();
      }
      if (outcome !== 'retry') return outcome;
      if (Date.now() >= deadline) throw new TryAgainError('transaction keys are still moving');
      await sleep(backoff(attempt));
    }
  }

  private async plan(table: RoutingTable, args: CommandArgs): Promise<Plan> {
    const context = this.context;
    const planContext: PlanContext = { table, keys: context.keys, anyNode: () => context.anyNode(table) };
    const info = context.catalog.info(args);
    if (info === undefined) return planUnknown(planContext, args);
    // Connection-state commands are refused even when they name keys (WATCH).
    if (info.keyless.kind === 'reject') throw new UnsupportedCommandError(info.spec.name.toUpperCase(), info.keyless.reason);
    const found = context.catalog.keyPositions(info, args);
    const positions = Array.isArray(found) ? found : await found;
    return positions.length === 0 ? planKeyless(planContext, info, args) : planKeyed(planContext, info, args, positions);
  }

  /** Sends the given slots grouped by node, each node's commands in order, all nodes at once. */
  private async sendRound(slots: readonly Slot[], argsOf: (slot: Slot) => CommandArgs, nodeOf: (slot: Slot) => string = (slot) => slot.part.node): Promise<void> {
    const byNode = new Map<string, Slot[]>();
    for (const slot of slots) {
      const node = nodeOf(slot);
      let list = byNode.get(node);
      if (list === undefined) byNode.set(node, (list = []));
      list.push(slot);
    }
    await Promise.all(
      [...byNode].map(async ([node, list]) => {
        let replies: Outcome[];
        try {
          replies = list.length === 1 ? [await this.context.pool.send(node, argsOf(list[0]!)).catch(toError)] : await this.context.pool.batch(node, list.map(argsOf));
        } catch (error) {
          replies = list.map(() => toError(error));
        }
        list.forEach((slot, i) => (slot.outcome = replies[i] ?? null));
      }),
    );
  }

  /** A node that lost the guard script (restart, SCRIPT FLUSH) gets it again with EVAL. */
  private async resendScripts(slots: readonly Slot[]): Promise<void> {
    const missing = slots.filter((slot) => slot.part.kind !== 'plain' && slot.outcome instanceof Error && errorCode(slot.outcome) === 'NOSCRIPT');
    if (missing.length > 0) await this.sendRound(missing, (slot) => withScriptBody(slot.part.args));
  }

  /** Guarded parts whose keys are gone from the source go on to the target, in their original order. */
  private async followAsks(table: RoutingTable, slots: readonly Slot[]): Promise<void> {
    const asked: Slot[] = [];
    for (const slot of slots) {
      if (slot.part.kind === 'plain' || slot.part.kind === 'frozen') continue;
      const outcome = slot.outcome;
      if (outcome instanceof Error) {
        if (errorCode(outcome) === ASK_REPLY) asked.push(slot);
        else if (errorCode(outcome) === 'TRYAGAIN') slot.retry = true;
      } else if (slot.part.kind === 'waitForMove') {
        // The keys are still on the source (or the move has not begun): wait for the worker.
        slot.retry = true;
      }
    }
    if (asked.length === 0) return;
    // Recorded on the table the parts were planned by: a newer one (an abort's) knows nothing of it.
    for (const slot of asked) {
      // The guard's KEYS: EVALSHA sha numkeys key…
      const args = slot.part.args;
      const count = Number(args[2]);
      for (let i = 3; i < 3 + count; i++) table.markArrived(keyOf(args[i]));
    }
    await this.sendRound(asked, (slot) => slot.part.original, (slot) => slot.part.target);
  }

  /** Sends a part again as a command of its own until it is no longer in motion, or time runs out. */
  private async retry(args: CommandArgs): Promise<Outcome> {
    const deadline = Date.now() + this.context.retryTimeoutMs;
    let last: Outcome = frozenError();
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      await sleep(backoff(attempt));
      const [outcome] = await this.pipelineOnce(args);
      last = outcome;
      if (!(outcome instanceof TryAgainError) && !(outcome instanceof Error && errorCode(outcome) === 'TRYAGAIN')) return outcome;
    }
    return last instanceof TryAgainError ? last : new TryAgainError(last instanceof Error ? last.message : 'keys are still moving', { cause: last });
  }

  /** One planning and sending pass for one command, reporting "still moving" as a TryAgainError. */
  private async pipelineOnce(args: CommandArgs): Promise<[Outcome]> {
    const table = this.context.table();
    let plan: Plan;
    try {
      plan = await this.plan(table, args);
    } catch (error) {
      return [toError(error)];
    }
    const slots: Slot[] = plan.parts.map((part) => ({ part, outcome: undefined, retry: false }));
    table.begin();
    try {
      await this.sendRound(slots.filter((slot) => slot.part.kind !== 'frozen'), (slot) => slot.part.args);
      for (const slot of slots) if (slot.part.kind === 'frozen') slot.retry = true;
      await this.resendScripts(slots);
      await this.followAsks(table, slots);
    } finally {
      table.end();
    }
    if (slots.some((slot) => slot.retry)) return [new TryAgainError('keys are still moving')];
    const merged = plan.merge(slots.map((slot) => slot.outcome ?? null));
    return [merged as Outcome];
  }

  private async transactionRoute(table: RoutingTable, commands: readonly CommandArgs[]): Promise<{ from: string; to: string; keys: CommandArgs }> {
    const catalog = this.context.catalog;
    let route: { from: string; to: string } | undefined;
    const keys: Array<CommandArgs[number]> = [];
    for (const args of commands) {
      const info = catalog.info(args);
      if (info === undefined) continue;
      const found = catalog.keyPositions(info, args);
      const positions = Array.isArray(found) ? found : await found;
      for (const position of positions) {
        const key = args[position]!;
        const next = table.route(keyOf(key));
        if (route !== undefined && (next.from !== route.from || next.to !== route.to)) {
          throw new CrossSlotError('MULTI', [...new Set([route.to, next.to])]);
        }
        route = next;
        keys.push(key);
      }
    }
    if (route === undefined) {
      const node = this.context.anyNode(table);
      return { from: node, to: node, keys };
    }
    return { ...route, keys };
  }

  private async runTransaction(table: RoutingTable, route: { from: string; to: string; keys: CommandArgs }, commands: readonly CommandArgs[]): Promise<Outcome[] | 'retry'> {
    const pool = this.context.pool;
    if (route.from !== route.to) {
      if (table.mode === 'frozen') return 'retry';
      const guarded = guardMulti(this.context.keys, table.migrationId, route.keys, commands);
      let reply: Outcome = await pool.send(route.from, guarded).catch(toError);
      if (reply instanceof Error && errorCode(reply) === 'NOSCRIPT') reply = await pool.send(route.from, withScriptBody(guarded)).catch(toError);
      if (reply instanceof Error) {
        if (errorCode(reply) === 'TRYAGAIN') return 'retry';
        if (errorCode(reply) !== ASK_REPLY) throw reply;
        return execOn(pool, route.to, commands);
      }
      return Array.isArray(reply) ? reply : [reply];
    }
    return execOn(pool, route.to, commands);
  }
}

async function execOn(pool: NodePool, node: string, commands: readonly CommandArgs[]): Promise<Outcome[]> {
  const replies = await pool.batch(node, [['MULTI'], ...commands, ['EXEC']]);
  const exec = replies[replies.length - 1];
  if (exec instanceof Error) {
    // EXECABORT: say which command was refused when it was queued.
    const refused = replies.slice(1, -1).findIndex((reply) => reply instanceof Error);
    if (refused !== -1) exec.message = `${exec.message} (command ${refused + 1}: ${(replies[refused + 1] as Error).message})`;
    throw exec;
  }
  return Array.isArray(exec) ? exec : [];
}

function crossSlot(table: RoutingTable, args: CommandArgs, positions: readonly number[]): CrossSlotError {
  const nodes = new Set(positions.map((position) => table.owner(keyOf(args[position]!))));
  return new CrossSlotError(String(args[0]).toUpperCase(), [...nodes]);
}

function backoff(attempt: number): number {
  return Math.min(10 * 2 ** attempt, 200);
}

export function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The node every key of a command is settled on during a move, or undefined if one may still be on its source or they differ. */
function settledOwner(table: RoutingTable, args: CommandArgs, positions: readonly number[]): string | undefined {
  let owner: string | undefined;
  for (let i = 0; i < positions.length; i++) {
    const to = table.settledOwner(keyOf(args[positions[i]!]));
    if (to === undefined || (owner !== undefined && to !== owner)) return undefined;
    owner = to;
  }
  return owner;
}
