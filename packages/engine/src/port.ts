/**
 * The contract between the engine and a Redis client library. An adapter implements it in a few
 * dozen lines; everything else (routing, fan-out, topology, migration) is written once, here,
 * against this interface and nothing else. No client library type may appear in the engine.
 */

/** An argument as it goes on the wire. Numbers are sent as their decimal text. */
export type RedisArg = string | Buffer | number;

/** One command: name first, then its arguments, e.g. `['SET', 'k', 'v', 'PX', 1000]`. */
export type CommandArgs = readonly RedisArg[];

/**
 * A RESP2 reply as the engine sees it: bulk strings as `Buffer` (binary safe), status replies as
 * `string`, integers as `number`, arrays as arrays, nil as `null`. A server error is an `Error`:
 * rejected by `send`, in place in `batch`, and inside arrays where Redis nests one (EXEC).
 */
export type Reply = null | number | string | Buffer | Error | Reply[];

/** What a connection is for; adapters may tune options per role (e.g. no retry queue on subscribers). */
export type ConnectionRole = 'data' | 'replica' | 'subscriber' | 'control';

/** Where a node listens, as the topology names it (the url never carries credentials). */
export interface NodeEndpoint {
  readonly id: string;
  readonly url: string;
}

export type ConnectionEvent =
  | { readonly type: 'ready' }
  | { readonly type: 'reconnecting'; readonly delayMs?: number }
  | { readonly type: 'error'; readonly error: Error }
  | { readonly type: 'end' };

/** A live subscription; `unsubscribe` resolves once the server confirmed it. */
export interface Subscription {
  unsubscribe(): Promise<void>;
}

/** One connection (or pool, or Sentinel-managed connection) to one node. */
export interface NodeConnection {
  /**
   * Sends one command. Resolves with the raw reply; rejects with an `Error` whose message is the
   * server's error text (`"WRONGTYPE Operation…"`) or with the client library's connection error.
   */
  send(args: CommandArgs): Promise<Reply>;
  /**
   * Sends commands back to back in one pipeline (not a transaction). Per-command server errors
   * stay in place as `Error` values; a connection failure rejects the whole batch.
   */
  batch(commands: readonly CommandArgs[]): Promise<Array<Reply | Error>>;
  /**
   * Subscribes to a channel on a connection with role `subscriber`. The adapter keeps the
   * subscription across reconnects (both client libraries do this themselves) and reports
   * `ready` after each reconnect, so the engine can catch up on what it may have missed.
   */
  subscribe(channel: string, onMessage: (message: Buffer) => void): Promise<Subscription>;
  /** Listens to connection state changes; returns a function that removes the listener. */
  onEvent(listener: (event: ConnectionEvent) => void): () => void;
  /** True while commands can be sent without waiting for a (re)connect. */
  readonly ready: boolean;
  /** Graceful close: pending replies arrive first (QUIT). */
  close(): Promise<void>;
  /** Immediate close: pending commands fail. */
  disconnect(): void;
}

/** Feature flags instead of duck typing: what the client library can do. */
export interface DriverCapabilities {
  /** Connections can be made to a Sentinel-managed primary (`redis+sentinel://` urls). */
  readonly sentinel: boolean;
  /** Connections with role `replica` read from a replica. */
  readonly replicaReads: boolean;
}

/**
 * The one thing an adapter must provide: a way to connect to a node. Credentials, TLS, timeouts,
 * retry strategy and other client options are the adapter's (it closes over the user's options).
 */
export interface RedisDriver {
  /** The client library, e.g. `"ioredis"` or `"node-redis"`, for logs and errors. */
  readonly name: string;
  readonly capabilities: DriverCapabilities;
  /**
   * Opens a connection. `name`, when given, must be set as the connection's name on the server
   * (`CLIENT SETNAME`, e.g. ioredis `connectionName`, node-redis `name`) on every (re)connect:
   * migration workers use it to cut off clients whose lease has lapsed.
   */
  connect(endpoint: NodeEndpoint, role: ConnectionRole, name?: string): NodeConnection;
  /**
   * True for an error reply from the server (the client library's ReplyError / ErrorReply), as
   * opposed to a connection failure or timeout. Only the latter count against a node's health.
   */
  isServerError(error: unknown): boolean;
}
