import { ErrorReply, MultiErrorReply, RESP_TYPES } from '@redis/client';
import { BasicCommandParser } from '@redis/client/dist/lib/client/parser.js';
import { attachConfig, functionArgumentsPrefix, getTransformReply, scriptArgumentsPrefix } from '@redis/client/dist/lib/commander.js';
import * as commandsModule from '@redis/client/dist/lib/commands/index.js';
import type { RedisClientExtensions } from '@redis/client/dist/lib/client/index.js';
import type { RedisClientMultiCommandType } from '@redis/client/dist/lib/client/multi-command.js';
import type { ScanOptions } from '@redis/client/dist/lib/commands/SCAN.js';
import type { MULTI_MODE, MultiMode } from '@redis/client/dist/lib/multi-command.js';
import type { ArrayReply, BlobStringReply, Command, CommanderConfig, RedisArgument, RedisFunctions, RedisModules, RedisScript, RedisScripts, ReplyWithTypeMapping, TransformReply, TypeMapping } from '@redis/client/dist/lib/RESP/types.js';
import { ShardedEngine, type EngineEventMap, type EngineOptions, type EngineReply, type Reply } from '@shardis/engine';
import { nativeClient, nodeRedisDriver, type NodeRedisDriverOptions } from './driver.ts';

type AnyCommands = typeof commandsModule.default;
// Node's ESM loader hands over the CommonJS `exports` object as the default; bundlers unwrap it.
const loaded = commandsModule.default as AnyCommands & { __esModule?: boolean; default?: AnyCommands };
const COMMANDS: AnyCommands = loaded.__esModule === true && loaded.default !== undefined ? loaded.default : loaded;

export interface ShardedClientOptions<M extends RedisModules = RedisModules, F extends RedisFunctions = RedisFunctions, S extends RedisScripts = RedisScripts, TYPE_MAPPING extends TypeMapping = TypeMapping>
  extends Omit<EngineOptions, 'driver'>, Omit<CommanderConfig<M, F, S, 2>, 'RESP' | 'unstableResp3'> {
  /** node-redis client options for every node connection: credentials, TLS, timeouts, reconnect strategy… */
  readonly defaults?: NodeRedisDriverOptions;
  /** As node-redis's: `typeMapping` decides how replies are shaped (e.g. `{ [RESP_TYPES.BLOB_STRING]: Buffer }`). */
  readonly commandOptions?: { readonly typeMapping?: TYPE_MAPPING };
}

export type ShardedClientType<M extends RedisModules = {}, F extends RedisFunctions = {}, S extends RedisScripts = {}, TYPE_MAPPING extends TypeMapping = {}> = ShardedClient<M, F, S, TYPE_MAPPING> &
  RedisClientExtensions<M, F, S, 2, TYPE_MAPPING>;

type Shape = (reply: EngineReply, transform: TransformReply | undefined, preserve: unknown) => unknown;
type Sink = (target: never, args: RedisArgument[], transform: TransformReply | undefined, preserve: unknown, script?: RedisScript) => unknown;

/** A script the node does not have yet goes again with its body, as node-redis does. */
const withBody = (script: RedisScript, args: RedisArgument[]): RedisArgument[] => ['EVAL', script.SCRIPT, ...args.slice(2)];

/** Replies arrive raw (RESP2, bulk strings as Buffer); decode them as node-redis would with `mapping`. */
function decode(reply: Reply, mapping: Record<number, unknown>): unknown {
  if (Buffer.isBuffer(reply)) return mapping[RESP_TYPES.BLOB_STRING] === Buffer ? reply : reply.toString();
  if (typeof reply === 'string') return mapping[RESP_TYPES.SIMPLE_STRING] === Buffer ? Buffer.from(reply) : reply;
  if (typeof reply === 'number') return mapping[RESP_TYPES.NUMBER] === String ? String(reply) : reply;
  return Array.isArray(reply) ? reply.map((item) => decode(item, mapping)) : reply;
}

const isPerNode = (reply: EngineReply): reply is Record<string, Reply> =>
  reply !== null && typeof reply === 'object' && !Array.isArray(reply) && !Buffer.isBuffer(reply) && !(reply instanceof Error);

/** node-redis's own commander: every command of its table, parsed by its `parseCommand`, handed to `sink`. */
function withCommands(BaseClass: new (...args: never[]) => object, config: CommanderConfig<RedisModules, RedisFunctions, RedisScripts, 2>, sink: Sink, async: boolean) {
  const build = (command: Command, prefix: RedisArgument[], self: (target: { _self?: unknown }) => unknown, script?: RedisScript) => {
    // Every node speaks RESP2 to the engine, so the RESP2 transforms apply.
    const transform = getTransformReply(command, 2);
    const call = function (this: { _self?: unknown }, ...args: unknown[]) {
      const parser = new BasicCommandParser();
      parser.push(...prefix);
      (command.parseCommand as (parser: BasicCommandParser, ...args: unknown[]) => void)(parser, ...args);
      return sink(self(this) as never, parser.redisArgs, transform, parser.preserve, script);
    };
    // A client's command rejects on bad arguments, as node-redis's do; a multi()'s throws at once.
    if (!async) return call;
    return function (this: { _self?: unknown }, ...args: unknown[]) {
      try {
        return call.apply(this, args);
      } catch (error) {
        return Promise.reject(error);
      }
    };
  };
  return attachConfig({
    BaseClass,
    commands: COMMANDS,
    config: { ...config, RESP: 2 },
    createCommand: (command) => build(command, [], (target) => target),
    createModuleCommand: (command) => build(command, [], (target) => target._self),
    createFunctionCommand: (name, fn) => build(fn, functionArgumentsPrefix(name, fn), (target) => target._self),
    createScriptCommand: (script) => build(script, scriptArgumentsPrefix(script), (target) => target, script),
  }) as new (...args: unknown[]) => object;
}

/** `multi()`: `exec()` is MULTI/EXEC on the node that owns every key, `execAsPipeline()` a sharded pipeline. */
class ShardedMulti {
  private readonly queue: Array<{ args: RedisArgument[]; transform: TransformReply | undefined; preserve: unknown }> = [];
  private readonly engine: ShardedEngine;
  private readonly shape: Shape;

  constructor(engine: ShardedEngine, shape: Shape) {
    this.engine = engine;
    this.shape = shape;
  }

  addCommand(args: readonly RedisArgument[], transform?: TransformReply, preserve?: unknown): this {
    this.queue.push({ args: [...args], transform, preserve });
    return this;
  }

  sendCommand = (args: readonly RedisArgument[]): this => this.addCommand(args);
  exec = (execAsPipeline = false): Promise<unknown[]> => (execAsPipeline ? this.execAsPipeline() : this.finish(this.engine.transaction(this.queue.map((queued) => queued.args))));
  execAsPipeline = async (): Promise<unknown[]> => (this.queue.length === 0 ? [] : this.finish(this.engine.pipeline(this.queue.map((queued) => queued.args))));
  EXEC = this.exec;
  execTyped = this.exec;
  execAsPipelineTyped = this.execAsPipeline;

  /** Errors stay in place; any error makes node-redis's MultiErrorReply (`.replies`, `.errorIndexes`). */
  private async finish(pending: Promise<Array<EngineReply | Error>>): Promise<unknown[]> {
    const replies = (await pending).map((reply, i) => (reply instanceof Error ? reply : this.shape(reply, this.queue[i]!.transform, this.queue[i]!.preserve)));
    const errorIndexes = replies.flatMap((reply, i) => (reply instanceof Error ? [i] : []));
    if (errorIndexes.length > 0) throw new MultiErrorReply(replies as never[], errorIndexes);
    return replies;
  }
}

/** Many Redis servers behind node-redis's API: the commands, replies and types of a node-redis v5 client. */
export class ShardedClient<M extends RedisModules = {}, F extends RedisFunctions = {}, S extends RedisScripts = {}, TYPE_MAPPING extends TypeMapping = {}> {
  readonly engine: ShardedEngine;
  private typeMapping: TypeMapping;
  private readonly Multi: new (engine: ShardedEngine, shape: Shape) => object;

  /** @internal Use `createShardedClient()`. */
  constructor(engine: ShardedEngine, typeMapping: TypeMapping, Multi: new (engine: ShardedEngine, shape: Shape) => object) {
    this.engine = engine;
    this.typeMapping = typeMapping;
    this.Multi = Multi;
  }

  /** Reads the topology and connects to every node. */
  async connect(): Promise<this> {
    await this.engine.connect();
    return this;
  }

  /** A view of this client whose replies follow `typeMapping` (e.g. bulk strings as Buffer). */
  withTypeMapping<T extends TypeMapping>(typeMapping: T): ShardedClientType<M, F, S, T> {
    const proxy = Object.create(this) as ShardedClient<M, F, S, TYPE_MAPPING>;
    proxy.typeMapping = typeMapping;
    return proxy as unknown as ShardedClientType<M, F, S, T>;
  }

  /** A raw command, routed by its keys; the reply is decoded with the type mapping but not transformed. */
  sendCommand(args: readonly RedisArgument[]): Promise<unknown> {
    return this.run([...args], undefined, undefined);
  }

  MULTI<isTyped extends MultiMode = MULTI_MODE['TYPED']>(): RedisClientMultiCommandType<isTyped, [], M, F, S, 2, TYPE_MAPPING> {
    const shape: Shape = (reply, transform, preserve) => this.shape(reply, transform, preserve);
    return new this.Multi(this.engine, shape) as RedisClientMultiCommandType<isTyped, [], M, F, S, 2, TYPE_MAPPING>;
  }

  multi = this.MULTI;

  /** Every key of every node, once each (also while keys move), in batches as node-redis yields them. */
  async *scanIterator(options: ScanOptions = {}): AsyncGenerator<ReplyWithTypeMapping<ArrayReply<BlobStringReply>, TYPE_MAPPING>> {
    const scan = { ...(options.MATCH === undefined ? {} : { match: options.MATCH }), ...(options.COUNT === undefined ? {} : { count: options.COUNT }), ...(options.TYPE === undefined ? {} : { type: String(options.TYPE) }) };
    for await (const keys of this.engine.scan(scan)) yield decode(keys, this.typeMapping) as ReplyWithTypeMapping<ArrayReply<BlobStringReply>, TYPE_MAPPING>;
  }

  on<E extends keyof EngineEventMap>(event: E, listener: (...args: EngineEventMap[E]) => void): this {
    this.engine.on(event, listener as never);
    return this;
  }

  off<E extends keyof EngineEventMap>(event: E, listener: (...args: EngineEventMap[E]) => void): this {
    this.engine.off(event, listener as never);
    return this;
  }

  /** Closes every connection once the replies under way have arrived. */
  close(): Promise<void> {
    return this.engine.quit();
  }

  /** Closes every connection now; commands under way fail. */
  destroy(): void {
    this.engine.disconnect();
  }

  /** @deprecated use `close()`, as in node-redis v5 */
  QUIT = this.close;
  /** @deprecated use `close()`, as in node-redis v5 */
  quit = this.close;

  /** No async frame of its own: this runs for every command. */
  private run(args: RedisArgument[], transform: TransformReply | undefined, preserve: unknown, script?: RedisScript): Promise<unknown> {
    if (script === undefined) {
      // Hot path: the engine picks the node, node-redis sends and decodes with the user's type
      // mapping as a plain client would; only the transform is ours to apply.
      let direct: ReturnType<ShardedEngine['directRoute']>;
      try {
        direct = this.engine.directRoute(args);
      } catch (error) {
        return Promise.reject(error);
      }
      const client = direct === undefined ? undefined : nativeClient(direct.connection);
      if (client !== undefined) {
        const typeMapping = this.typeMapping as TypeMapping;
        return client.sendCommand(args as Array<string | Buffer>, { typeMapping }).then(
          (reply) => (transform === undefined ? reply : transform(reply as never, preserve, typeMapping)),
          (error: unknown) => {
            throw error instanceof ErrorReply ? error : this.engine.directFailure(direct!.node, error);
          },
        );
      }
    }
    return this.engine.command(args).then(
      (reply) => this.shape(reply, transform, preserve),
      (error: unknown) => {
        if (script === undefined || !(error instanceof ErrorReply) || !error.message.startsWith('NOSCRIPT')) throw error;
        return this.engine.command(withBody(script, args)).then((reply) => this.shape(reply, transform, preserve));
      },
    );
  }

  /** Decodes and transforms a reply; a reply from every node (INFO…) becomes an object keyed by node id. */
  private shape(reply: EngineReply, transform: TransformReply | undefined, preserve: unknown): unknown {
    if (isPerNode(reply)) return Object.fromEntries(Object.entries(reply).map(([node, value]) => [node, this.shape(value, transform, preserve)]));
    const value = decode(reply, this.typeMapping as Record<number, unknown>);
    return transform === undefined ? value : transform(value, preserve, this.typeMapping);
  }
}

/**
 * A node-redis v5 style client over many Redis servers: `await createShardedClient({ cluster, seeds }).connect()`.
 * Commands, argument parsing, reply transforms and types are node-redis's own.
 */
export function createShardedClient<M extends RedisModules = {}, F extends RedisFunctions = {}, S extends RedisScripts = {}, TYPE_MAPPING extends TypeMapping = {}>(
  options: ShardedClientOptions<M, F, S, TYPE_MAPPING>,
): ShardedClientType<M, F, S, TYPE_MAPPING> {
  const { defaults, commandOptions, modules, functions, scripts, ...engineOptions } = options;
  const config = { modules, functions, scripts } as CommanderConfig<M, F, S, 2>;
  const Client = withCommands(ShardedClient, config, (client: ShardedClient, args, transform, preserve, script) => client['run'](args, transform, preserve, script), true);
  const Multi = withCommands(ShardedMulti, config, (multi: ShardedMulti, args, transform, preserve, script) => multi.addCommand(script === undefined ? args : withBody(script, args), transform, preserve), false);
  const engine = new ShardedEngine({ ...engineOptions, driver: nodeRedisDriver(defaults) });
  return new Client(engine, commandOptions?.typeMapping ?? {}, Multi) as ShardedClientType<M, F, S, TYPE_MAPPING>;
}
