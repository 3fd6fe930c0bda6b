import type { EngineReply, PerNodeReplies } from '@shardis/engine';
import { Redis, type Callback, type ChainableCommander, type Command, type RedisOptions } from 'ioredis';

export type ScriptDefinition = { lua: string; numberOfKeys?: number | undefined; readOnly?: boolean | undefined };

/** What ioredis's `Commander` (the class that generates every command method) gives a subclass. */
export interface CommanderBase {
  options: RedisOptions;
  scriptsSet: Record<string, { readonly sha: string; readonly lua: string }>;
  addedBuiltinSet: Set<string>;
  defineCommand(name: string, definition: ScriptDefinition): void;
}

// `Commander` is not in ioredis's public entry point, but `Redis` extends it in every 5.x release:
// reaching it through the prototype chain works the same from ESM and CommonJS.
export const Commander = Object.getPrototypeOf(Redis) as new () => CommanderBase;
if (typeof Commander.prototype.defineCommand !== 'function') throw new Error('@shardis/ioredis: this ioredis has no Commander base class; use ioredis ^5.9');

export function asCallback<T>(promise: Promise<T>, callback: Callback<T> | undefined): Promise<T> {
  if (callback !== undefined) promise.then((value) => callback(null, value), (error: Error) => callback(error));
  return promise;
}

/** Hands a reply to its ioredis `Command`, which converts Buffers and applies its transformer as for a plain `Redis`. */
export function settle(command: Command, reply: EngineReply | Error): void {
  if (reply instanceof Error) return command.reject(reply);
  if (reply !== null && typeof reply === 'object' && !Array.isArray(reply) && !Buffer.isBuffer(reply)) {
    // Per-node replies (INFO…): each node's reply converted as ioredis converts a reply of its own.
    reply = Object.fromEntries(Object.entries(reply).map(([node, value]) => [node, command.transformReply(value as Buffer)])) as PerNodeReplies;
  }
  command.resolve(reply);
}

type Results = Array<[error: Error | null, result: unknown]>;

/** `pipeline()` / `multi()`: queues ioredis Commands and sends them in one engine call on `exec()`. */
export class ShardedPipeline extends Commander {
  /** Read by ioredis: no auto-pipelining inside a pipeline. */
  readonly isPipeline = true;
  private queue: Command[] = [];
  private readonly send: (commands: readonly Command[]) => Promise<Array<EngineReply | Error>>;

  constructor(client: CommanderBase, send: (commands: readonly Command[]) => Promise<Array<EngineReply | Error>>) {
    super();
    this.send = send;
    this.options = client.options;
    const self = this as unknown as Record<string, unknown>;
    const source = client as unknown as Record<string, unknown>;
    // Scripts from defineCommand, as ioredis's Pipeline copies them.
    for (const name of [...Object.keys(client.scriptsSet), ...client.addedBuiltinSet]) {
      self[name] = source[name];
      self[`${name}Buffer`] = source[`${name}Buffer`];
    }
  }

  get length(): number {
    return this.queue.length;
  }

  sendCommand(command: Command): this {
    this.queue.push(command);
    return this;
  }

  /** `[[error, result], …]` in call order, results transformed as ioredis transforms them. */
  exec(callback?: Callback<Results | null>): Promise<Results | null> {
    const commands = this.queue;
    this.queue = [];
    // Handlers first, so a command's rejection is never reported as unhandled.
    const results = commands.map((command) => (command.promise as Promise<unknown>).then((value): [null, unknown] => [null, value], (error: Error) => [error] as unknown as [Error, unknown]));
    const run = async (): Promise<Results> => {
      try {
        const replies = commands.length === 0 ? [] : await this.send(commands);
        commands.forEach((command, i) => settle(command, replies[i] ?? null));
      } catch (error) {
        for (const command of commands) command.reject(error as Error);
        throw error;
      }
      return Promise.all(results);
    };
    return asCallback(run(), callback);
  }
}

export interface ShardedPipeline extends ChainableCommander {}
