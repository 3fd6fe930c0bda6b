import type { CommandArgs, ConnectionEvent, ConnectionRole, NodeConnection, NodeEndpoint, RedisDriver, Reply, Subscription } from '@shardis/engine';
import { Command, Redis, ReplyError, type RedisOptions } from 'ioredis';

/**
 * A command whose reply reaches the engine as the parser made it: bulk strings as Buffers, arrays,
 * integers, nil, errors nested in place (EXEC). The name is upper-cased because ioredis keys its
 * global argument and reply transformers (hgetall → object) by the lower-case name.
 */
function rawCommand(args: CommandArgs): Command {
  return new Command(String(args[0]).toUpperCase(), args.slice(1) as Array<string | Buffer | number>, { replyEncoding: null });
}

/** The parts of ioredis's Redis that fail queued commands (internal, stable across 5.x). */
interface QueueInternals {
  flushQueue(error: Error, options?: unknown): void;
  readonly offlineQueue: { readonly length: number };
  readonly commandQueue: { readonly length: number };
}

export const isReplyError = (error: unknown): boolean => error instanceof (ReplyError as new () => Error);

/**
 * ioredis's "Reached the max retries per request limit" and "Connection is closed." (no retry
 * strategy) say that a command gave up, not why.
 */
const gaveUp = (error: unknown): boolean => error instanceof Error && (error.name === 'MaxRetriesPerRequestError' || error.message === 'Connection is closed.');

/**
 * `redis+sentinel://h1:26379,h2:26379/<masterName>[/<db>]`: a primary found through Sentinel.
 * Sentinel credentials and TLS come from the ioredis options (`sentinelPassword`…), like the rest.
 */
function sentinelOptions(url: string): RedisOptions | undefined {
  const match = /^redis\+sentinel:\/\/([^/]+)\/([^/]+)(?:\/(\d+))?$/i.exec(url);
  if (match === null) return undefined;
  const sentinels = match[1]!.split(',').map((address) => {
    const colon = address.lastIndexOf(':');
    return colon === -1 ? { host: address, port: 26379 } : { host: address.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(address.slice(colon + 1)) };
  });
  return { sentinels, name: decodeURIComponent(match[2]!), ...(match[3] === undefined ? {} : { db: Number(match[3]) }) };
}

class IoredisConnection implements NodeConnection {
  private readonly redis: Redis;
  private readonly listeners = new Set<(event: ConnectionEvent) => void>();
  /** The last connection error since the last `ready`: why commands that gave up failed (ECONNREFUSED, WRONGPASS…). */
  private lastError: Error | undefined;
  /** Closed by us: "Connection is closed." is then the whole truth. */
  private closing = false;
  /** Queue failures go through the engine's books (see `direct`). */
  private failuresBooked = false;
  private readonly explain = (error: unknown): never => {
    throw !this.closing && error instanceof Error ? this.explained(error) : error;
  };

  /** `enableAutoPipelining`: each tick's commands to this node leave in one write. */
  private readonly batchesTicks: boolean;
  private corked = false;

  constructor(redis: Redis, batchesTicks = false) {
    this.redis = redis;
    this.batchesTicks = batchesTicks;
    const emit = (event: ConnectionEvent) => {
      for (const listener of this.listeners) listener(event);
    };
    redis.on('ready', () => {
      this.lastError = undefined;
      emit({ type: 'ready' });
    });
    redis.on('reconnecting', (delayMs: unknown) => emit(typeof delayMs === 'number' ? { type: 'reconnecting', delayMs } : { type: 'reconnecting' }));
    redis.on('end', () => emit({ type: 'end' }));
    // Always listened to: the engine reports failures per command (node-error); without a listener
    // ioredis would print every failed reconnect to the console.
    redis.on('error', (error: Error) => emit({ type: 'error', error: (this.lastError = error) }));
  }

  /**
   * The node's ioredis client while it is ready, for the adapter's direct path, which sends the
   * caller's own Command on it with nothing wrapped around it (a closure per command cost about 5 %
   * of the throughput). The failures ioredis gives queued commands (connection lost, retries used
   * up) pass through `failure` instead, once per flush of the queue, explained as `send` explains
   * them. Commands that fail one by one (`commandTimeout`) need the adapter's own wrapper.
   */
  direct(node: string, failure: (node: string, error: Error) => Error): Redis | undefined {
    const redis = this.redis;
    if (redis.status !== 'ready') return undefined;
    if (!this.failuresBooked) this.bookQueueFailures(node, failure);
    if (this.batchesTicks) this.writeAtEndOfTick();
    return redis;
  }

  /**
   * ioredis's own auto-pipelining, done below the routing: the socket is corked until the end of
   * the tick, so every command written meanwhile (routed ones, the engine's, a drain's PING) goes
   * out in one write, in the order it was sent, which is the order ioredis expects the replies in.
   * A command never waits past the tick it was sent in.
   */
  private writeAtEndOfTick(): void {
    if (this.corked) return;
    const stream = (this.redis as unknown as { stream?: NodeJS.WritableStream & { cork(): void; uncork(): void } }).stream;
    if (stream === undefined) return;
    this.corked = true;
    stream.cork();
    process.nextTick(() => {
      this.corked = false;
      stream.uncork();
    });
  }

  private bookQueueFailures(node: string, failure: (node: string, error: Error) => Error): void {
    this.failuresBooked = true;
    const redis = this.redis as unknown as QueueInternals;
    const flush = redis.flushQueue;
    redis.flushQueue = (error: Error, options?: unknown) => {
      // An empty flush, or our own close, fails nothing a caller is waiting for: nothing to book.
      const waiting = redis.offlineQueue.length + redis.commandQueue.length > 0;
      flush.call(redis, waiting && !this.closing && !isReplyError(error) ? failure(node, this.explained(error)) : error, options);
    };
  }

  private explained(error: Error): Error {
    return gaveUp(error) && this.lastError !== undefined ? this.lastError : error;
  }

  get ready(): boolean {
    return this.redis.status === 'ready';
  }

  send(args: CommandArgs): Promise<Reply> {
    if (this.batchesTicks && this.redis.status === 'ready') this.writeAtEndOfTick();
    const reply = this.redis.sendCommand(rawCommand(args)) as Promise<Reply>;
    // Only a command queued while the connection is down can give up for lack of one; a ready
    // connection (the hot path) pays nothing for the explanation.
    return this.redis.status === 'ready' ? reply : reply.catch(this.explain);
  }

  async batch(commands: readonly CommandArgs[]): Promise<Array<Reply | Error>> {
    const pipeline = this.redis.pipeline();
    for (const args of commands) (pipeline as unknown as { sendCommand(command: Command): unknown }).sendCommand(rawCommand(args));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, reply]) => {
      // A timeout or a dropped connection is not an answer: the whole batch failed.
      if (error !== null && error !== undefined && !isReplyError(error)) this.explain(error);
      return error ?? (reply as Reply);
    });
  }

  async subscribe(channel: string, onMessage: (message: Buffer) => void): Promise<Subscription> {
    const listener = (from: Buffer, message: Buffer) => {
      if (from.toString('utf8') === channel) onMessage(message);
    };
    this.redis.on('messageBuffer', listener);
    try {
      await this.redis.subscribe(channel);
    } catch (error) {
      this.redis.off('messageBuffer', listener);
      throw error;
    }
    return {
      unsubscribe: async () => {
        this.redis.off('messageBuffer', listener);
        await this.redis.unsubscribe(channel);
      },
    };
  }

  onEvent(listener: (event: ConnectionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closing = true;
    // Only a live connection has replies due. ioredis never emits `end` for a quit() while
    // reconnecting, so anything else is simply dropped.
    if (this.redis.status !== 'ready') return this.disconnect();
    const ended = new Promise((resolve) => this.redis.once('end', resolve));
    await this.redis.quit();
    await ended;
  }

  disconnect(): void {
    this.closing = true;
    // Between reconnect attempts ioredis's disconnect() strands queued commands forever (ioredis
    // PR #2169); from `wait` it runs its own close path, which ends the connection and fails them.
    if (this.redis.status === 'reconnecting') this.redis.status = 'wait';
    this.redis.disconnect();
  }
}

/** The ready ioredis client behind a connection this driver made, for the adapter's direct path (see `IoredisConnection.direct`). */
export function directRedis(connection: NodeConnection, node: string, failure: (node: string, error: Error) => Error): Redis | undefined {
  return connection instanceof IoredisConnection ? connection.direct(node, failure) : undefined;
}

/**
 * Binds the engine to ioredis: one `Redis` per node, from the node url merged with `options`
 * (credentials, `tls`, `db`, timeouts, `retryStrategy`, `maxRetriesPerRequest`,
 * `enableOfflineQueue`…; the url's host, port, db and `rediss://` win over the options).
 *
 * - `keyPrefix` is not applied here: `ShardedRedis` applies it before routing, so the engine hashes
 *   the bytes Redis stores, and shardis's own keys are never prefixed.
 * - `redis+sentinel://` urls connect through Sentinel; there role `replica` reads from a replica
 *   (`role: 'slave'`). A plain url already names the server it reaches.
 * - `enableAutoPipelining` is applied per node data connection, below the routing: a tick's
 *   commands to a node leave in one write. ioredis's own auto-pipelining lives in its command
 *   methods, above the routing, so it is not passed to the node clients.
 * - A dead node fails its commands after one failed reconnect (`maxRetriesPerRequest` defaults to 1
 *   here, 0 for the short-lived control connections that read the topology from seeds), within
 *   ~4 s at worst, not after the ~10–40 s of ioredis's default 20: `autoEject` builds on that.
 *   Such a command fails with the connection's own error (ECONNREFUSED, a TLS or AUTH failure),
 *   not ioredis's "max retries per request" message, as the node-redis driver does.
 */
export function ioredisDriver(options: RedisOptions = {}): RedisDriver {
  const { keyPrefix: _keyPrefix, scripts: _scripts, enableAutoPipelining: _auto, ...nodeOptions } = options;
  return {
    name: 'ioredis',
    capabilities: { sentinel: true, replicaReads: true },
    connect(endpoint: NodeEndpoint, role: ConnectionRole, name?: string): NodeConnection {
      const sentinel = sentinelOptions(endpoint.url);
      const merged: RedisOptions = {
        ...nodeOptions,
        // `null` (retry forever) is the user's choice too, so only `undefined` takes the default.
        maxRetriesPerRequest: options.maxRetriesPerRequest !== undefined ? options.maxRetriesPerRequest : role === 'control' ? 0 : 1,
        ...(role === 'subscriber' ? { autoResubscribe: true } : {}),
        ...(role === 'replica' && sentinel !== undefined ? { role: 'slave' as const } : {}),
        // The engine's name ties the connection to this client's lease (workers fence by it); ioredis
        // sets it again on every reconnect.
        connectionName: name ?? options.connectionName ?? `shardis:${endpoint.id}:${role}`,
      };
      const redis = sentinel === undefined ? new Redis(endpoint.url, merged) : new Redis({ ...merged, ...sentinel });
      return new IoredisConnection(redis, role === 'data' && options.enableAutoPipelining === true);
    },
    isServerError: isReplyError,
  };
}
