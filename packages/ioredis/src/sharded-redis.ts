import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { Topology } from '@shardis/core';
import { ShardedEngine, type CommandArgs, type EngineEventMap, type EngineOptions, type EngineReply, type RedisArg, type ScanOptions } from '@shardis/engine';
import { ScanStream, type Callback, type ChainableCommander, type Command, type RedisCommander, type RedisOptions } from 'ioredis';
import { asCallback, Commander, settle, ShardedPipeline, type ScriptDefinition } from './commander.ts';
import { directRedis, ioredisDriver, isReplyError } from './driver.ts';

/** Where the topology comes from: Redis itself (`cluster` + `seeds`) or the caller (`topology`: no live updates). */
export type TopologySource = { readonly cluster: string; readonly seeds: readonly string[]; readonly topology?: never } | { readonly topology: Topology; readonly cluster?: never; readonly seeds?: never };

/** ioredis options (applied to every node) + where the topology comes from + the engine's settings. */
export type ShardedRedisOptions = RedisOptions & TopologySource & Omit<EngineOptions, 'driver' | 'cluster' | 'seeds' | 'topology'>;

export interface ShardedRedisEvents extends EngineEventMap {
  /** Connected: the topology is read and this client's lease is registered. */
  ready: [];
  /** Closed by `quit()` or `disconnect()`. */
  end: [];
}

const FORWARDED = ['topology', 'topology-rejected', 'node-error', 'node-ejected', 'node-restored', 'lease-lost', 'lease-restored'] as const;

/**
 * Many Redis servers used as one, with ioredis's API: every command method ioredis generates
 * (`get`, `getBuffer`, `hgetall` → object, callbacks, `call`, `defineCommand`…), `pipeline()`,
 * `multi()` (on the one node that owns its keys) and a cluster-wide `scanStream()`. Commands are
 * routed by the engine; see the README for the few commands a sharded client refuses.
 */
export class ShardedRedis extends Commander {
  /** The engine, for tools (topology, node connections); commands go through the methods. */
  readonly engine: ShardedEngine;
  status: 'wait' | 'ready' | 'end' = 'wait';
  private readonly luaBySha = new Map<string, string>();
  /** ioredis fails timed-out commands one by one, so with `commandTimeout` each direct command books its own failure. */
  private readonly timesOutEach: boolean;
  private readonly nodeFailure = (node: string, error: Error): Error => this.engine.directFailure(node, error);
  private connecting: Promise<void> | undefined;
  /** The options as given (`options` hides `enableAutoPipelining` from ioredis). */
  private readonly given: ShardedRedisOptions;

  constructor(options: ShardedRedisOptions) {
    super();
    EventEmitter.call(this as unknown as EventEmitter);
    // ioredis's auto-pipelining would queue commands above the routing, into one engine pipeline
    // per tick that waits for its slowest node; the driver batches each node's writes instead.
    this.options = { ...options, enableAutoPipelining: false };
    this.given = options;
    this.timesOutEach = options.commandTimeout !== undefined;
    // One object for both: the engine reads its own settings, ioredis ignores the options it does not know.
    // The topology key stays out of the per-node ioredis options (and out of every ioredis object).
    const { topologyKey: _key, ...nodeOptions } = options;
    this.engine = new ShardedEngine({ ...options, driver: ioredisDriver(nodeOptions as RedisOptions) } as EngineOptions);
    for (const name of FORWARDED) this.engine.on(name, (...args: unknown[]) => (this.emit as (event: string, ...rest: unknown[]) => boolean)(name, ...args));
    for (const [name, definition] of Object.entries(options.scripts ?? {})) this.defineCommand(name, definition);
  }

  /** Connects now (commands also connect on first use); emits `ready`. */
  connect(callback?: Callback<void>): Promise<void> {
    this.connecting ??= this.engine.connect().then(
      () => {
        this.status = 'ready';
        this.emit('ready');
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return asCallback(this.connecting, callback);
  }

  override defineCommand(name: string, definition: ScriptDefinition): void {
    super.defineCommand(name, definition);
    this.luaBySha.set(this.scriptsSet[name]!.sha, definition.lua);
  }

  /** Called by every generated method: routes the command and resolves it with the raw reply. */
  sendCommand(command: Command): Promise<unknown> {
    const args: RedisArg[] = [command.name, ...(command.args as RedisArg[])];
    if (this.status === 'ready' && command.name !== 'evalsha') {
      // Hot path: the engine picks the node, and ioredis sends this very Command there and shapes
      // its reply, as a plain Redis would — no second command object, no second conversion.
      let direct: ReturnType<ShardedEngine['directRoute']>;
      try {
        direct = this.engine.directRoute(args);
      } catch (error) {
        command.reject(error as Error);
        return command.promise;
      }
      const redis = direct === undefined ? undefined : directRedis(direct.connection, direct.node, this.nodeFailure);
      if (redis !== undefined) {
        if (this.timesOutEach) {
          const reject = command.reject;
          const node = direct!.node;
          command.reject = (error: Error) => reject(isReplyError(error) ? error : this.engine.directFailure(node, error));
        }
        return redis.sendCommand(command) as Promise<unknown>;
      }
    }
    // The common case goes straight to the engine: no async frame of our own on the hot path.
    const reply = this.status === 'ready' ? this.engine.command(args).catch((error: unknown) => this.retryScript(args, error)) : this.run(args);
    reply.then((value) => settle(command, value), (error: Error) => command.reject(error));
    return command.promise;
  }

  /** Commands run in parallel per node, each node's in order; `exec()` gives `[[err, result], …]` in call order. */
  pipeline(commands?: unknown[][]): ChainableCommander {
    return this.chain(false, commands);
  }

  /** MULTI/EXEC on the node that owns every key (use a {hash tag}); keys on several nodes: CrossSlotError, nothing sent. */
  multi(commands?: unknown[][]): ChainableCommander {
    return this.chain(true, commands);
  }

  /** Every key of the cluster exactly once, in arrays of strings, even while keys move between nodes. */
  scanStream(options: ScanOptions = {}): Readable {
    return this.clusterScan(options, (key) => key.toString('utf8'));
  }

  scanBufferStream(options: ScanOptions = {}): Readable {
    return this.clusterScan(options, (key) => key);
  }

  /** A new client with the same options (and its own client id and lease). */
  duplicate(override: Partial<ShardedRedisOptions> = {}): ShardedRedis {
    const { clientId: _clientId, ...options } = this.given;
    return new ShardedRedis({ ...options, ...override } as ShardedRedisOptions);
  }

  /** Closes gracefully: replies still due arrive first, this client's lease is removed. */
  async quit(callback?: Callback<'OK'>): Promise<'OK'> {
    return asCallback(this.engine.quit().then(() => this.ended()), callback);
  }

  /** Closes at once: commands under way fail. */
  disconnect(): void {
    this.engine.disconnect();
    this.ended();
  }

  private ended(): 'OK' {
    if (this.status !== 'end') this.emit('end');
    this.status = 'end';
    return 'OK';
  }

  private async run(args: CommandArgs): Promise<EngineReply> {
    if (this.status !== 'ready') await this.connect();
    return this.engine.command(args).catch((error: unknown) => this.retryScript(args, error));
  }

  /** A defineCommand script that a node has not cached yet (new node, restart): send its body. */
  private retryScript(args: CommandArgs, error: unknown): Promise<EngineReply> {
    const lua = this.scriptBody(args);
    if (lua === undefined || !(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) return Promise.reject(error);
    return this.engine.command(['eval', lua, ...args.slice(2)]);
  }

  private scriptBody(args: CommandArgs): string | undefined {
    return String(args[0]).toLowerCase() === 'evalsha' ? this.luaBySha.get(String(args[1])) : undefined;
  }

  private chain(transaction: boolean, commands: unknown[][] | undefined): ChainableCommander {
    const chain = new ShardedPipeline(this, async (queued) => {
      if (this.status !== 'ready') await this.connect();
      const args = queued.map((command): CommandArgs => {
        const args: CommandArgs = [command.name, ...(command.args as RedisArg[])];
        // Scripts go with their body: a NOSCRIPT amid a pipeline could not be retried in order.
        const lua = this.scriptBody(args);
        return lua === undefined ? args : ['eval', lua, ...args.slice(2)];
      });
      return transaction ? this.engine.transaction(args) : this.engine.pipeline(args);
    });
    for (const [name, ...args] of commands ?? []) (chain as unknown as Record<string, (...rest: unknown[]) => unknown>)[String(name)]!(...args);
    return chain;
  }

  private clusterScan(options: ScanOptions, convert: (key: Buffer) => string | Buffer): Readable {
    const client = this;
    return Readable.from(
      (async function* () {
        if (client.status !== 'ready') await client.connect();
        for await (const keys of client.engine.scan(options)) yield keys.map(convert);
      })(),
      { objectMode: true },
    );
  }
}

// Like ioredis's own Redis: a Commander with EventEmitter mixed in.
for (const name of Object.getOwnPropertyNames(EventEmitter.prototype)) {
  if (name !== 'constructor') Object.defineProperty(ShardedRedis.prototype, name, Object.getOwnPropertyDescriptor(EventEmitter.prototype, name)!);
}

// hscanStream, sscanBufferStream…: ioredis's own ScanStream over one key, which lives on one node.
for (const command of ['sscan', 'hscan', 'zscan', 'sscanBuffer', 'hscanBuffer', 'zscanBuffer']) {
  Object.defineProperty(ShardedRedis.prototype, `${command}Stream`, {
    value(this: ShardedRedis, key: string, options: ScanOptions = {}) {
      return new ScanStream({ ...options, objectMode: true, key, redis: this, command });
    },
    writable: true,
    configurable: true,
  });
}

type KeyScanStream = (key: string, options?: ScanOptions) => Readable;

/** Every ioredis command method, typed as ioredis types them, and typed events. */
export interface ShardedRedis extends RedisCommander, EventEmitter<ShardedRedisEvents> {
  sscanStream: KeyScanStream;
  sscanBufferStream: KeyScanStream;
  hscanStream: KeyScanStream;
  hscanBufferStream: KeyScanStream;
  zscanStream: KeyScanStream;
  zscanBufferStream: KeyScanStream;
}
