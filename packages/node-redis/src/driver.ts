import { ClientOfflineError, createClient, createSentinel, ErrorReply, RESP_TYPES, type RedisClientOptions } from '@redis/client';
import type { CommandOptions } from '@redis/client/dist/lib/client/commands-queue.js';
import type { CommandArgs, ConnectionEvent, ConnectionRole, NodeConnection, NodeEndpoint, RedisDriver, Reply } from '@shardis/engine';

/**
 * node-redis options applied to every node: credentials, `socket` (TLS, `connectTimeout`,
 * `reconnectStrategy`…), `database`, `disableOfflineQueue`, `commandOptions.timeout`… The node's
 * address comes from the topology; the protocol is RESP2 and replies are decoded raw, because the
 * engine merges replies from many nodes before the client shapes them.
 */
export type NodeRedisDriverOptions = Omit<RedisClientOptions, 'url' | 'RESP' | 'modules' | 'functions' | 'scripts' | 'clientSideCache' | 'unstableResp3'>;

/** Bulk strings as Buffer (binary safe); status replies stay strings, integers numbers. */
const RAW = { [RESP_TYPES.BLOB_STRING]: Buffer };

/** The node-redis calls a connection makes; a client has them all, a Sentinel-managed client too. */
interface Target {
  sendCommand(args: Array<string | Buffer>, options: CommandOptions): Promise<unknown>;
  subscribe(channel: string, listener: (message: Buffer | string) => void, bufferMode: true): Promise<unknown>;
  unsubscribe(channel: string, listener: (message: Buffer | string) => void, bufferMode: true): Promise<unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- node-redis's own listener type
  on(event: string, listener: (...args: any[]) => void): unknown;
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): unknown;
  readonly isOpen: boolean;
  readonly isReady: boolean;
}

const SENTINEL_URL = /^redis\+sentinel:\/\/([^/?#]+)\/([^/?#]+)(?:\/(\d+))?$/;

function nodeOptions(options: NodeRedisDriverOptions): RedisClientOptions {
  // Replies are typed per command (`RAW`): a type mapping here would also reach node-redis's own
  // commands, e.g. the Sentinel client's address lookups.
  const { typeMapping, ...commandOptions } = options.commandOptions ?? {};
  // Without an offline queue, a command for a node that is down fails at once (NodeUnavailableError)
  // instead of waiting for it, as lease renewals and fan-outs must. parseURL writes host and port
  // into `socket`: each node needs its own copy.
  return { disableOfflineQueue: true, ...options, socket: { ...options.socket }, RESP: 2, commandOptions } as RedisClientOptions;
}

/** `redis+sentinel://h1:26379,h2:26379/<master>[/<db>]`; role `replica` reads from a replica. */
function sentinelTarget(options: NodeRedisDriverOptions, match: RegExpExecArray, role: ConnectionRole): Target {
  const sentinelRootNodes = match[1]!.split(',').map((address) => {
    const url = new URL(`redis://${address}`);
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 26379) };
  });
  const { socket, database, ...rest } = nodeOptions(options);
  const readonly = role === 'replica';
  const sentinel = createSentinel({
    name: decodeURIComponent(match[2]!),
    sentinelRootNodes,
    nodeClientOptions: { ...rest, socket: { ...socket }, database: match[3] === undefined ? database : Number(match[3]) },
    sentinelClientOptions: { ...rest, socket: { ...socket } },
    replicaPoolSize: readonly ? 1 : 0,
  } as Parameters<typeof createSentinel>[0]);
  // The same calls as a client's, except that each command says whether a replica may answer it.
  return Object.assign(Object.create(sentinel) as Target, {
    sendCommand: (args: Array<string | Buffer>, options: CommandOptions) => sentinel.sendCommand(readonly, args, options),
    on: sentinel.on.bind(sentinel),
  });
}

function connectNode(options: NodeRedisDriverOptions, endpoint: NodeEndpoint, role: ConnectionRole): NodeConnection {
  const sentinelUrl = SENTINEL_URL.exec(endpoint.url);
  const target: Target = sentinelUrl === null ? createClient({ ...nodeOptions(options), url: endpoint.url }) : sentinelTarget(options, sentinelUrl, role);
  const listeners = new Set<(event: ConnectionEvent) => void>();
  const emit = (event: ConnectionEvent) => listeners.forEach((listener) => listener(event));
  // node-redis throws on an `error` event nobody listens to: this listener is always there.
  let lastError: Error | undefined;
  target.on('error', (error: Error) => emit({ type: 'error', error: (lastError = error) }));
  target.on('ready', () => {
    lastError = undefined;
    emit({ type: 'ready' });
  });
  target.on('reconnecting', () => emit({ type: 'reconnecting' }));
  target.on('end', () => emit({ type: 'end' }));
  // Sentinel-managed: a new master is a reconnect as far as the engine cares (it catches up).
  target.on('topology-change', (change: { type: string }) => change.type === 'MASTER_CHANGE' && emit({ type: 'ready' }));
  // Commands wait for the first attempt to connect, so `disableOfflineQueue: true` fails fast on
  // a node that is down without failing the commands sent while the client starts.
  let starting: Promise<void> | undefined = new Promise<void>((resolve) => {
    target.on('error', () => resolve());
    target.connect().then(() => resolve(), () => resolve());
  }).then(() => void (starting = undefined));
  // "The client is offline" says less than why: ECONNREFUSED, or the server's WRONGPASS.
  const offline = (error: unknown) => Promise.reject(error instanceof ClientOfflineError && lastError !== undefined ? lastError : error);
  const now = (args: CommandArgs) => target.sendCommand(args.map((arg) => (typeof arg === 'number' ? String(arg) : arg)), { typeMapping: RAW }).catch(offline) as Promise<Reply>;
  const send = (args: CommandArgs) => (starting === undefined ? now(args) : starting.then(() => now(args)));
  const connection: NodeConnection = {
    send,
    async batch(commands) {
      // Commands issued in one tick go out in one write: node-redis pipelines them itself.
      const settled = await Promise.allSettled(commands.map(send));
      const broken = settled.find((result) => result.status === 'rejected' && !(result.reason instanceof ErrorReply));
      if (broken !== undefined) throw (broken as PromiseRejectedResult).reason;
      return settled.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error)));
    },
    async subscribe(channel, onMessage) {
      const listener = (message: Buffer | string) => onMessage(Buffer.isBuffer(message) ? message : Buffer.from(message));
      await starting;
      const subscribed = target.subscribe(channel, listener, true);
      // node-redis subscribes once the node is back (and again after every reconnect): wait only if it is up.
      if (target.isReady) await subscribed;
      else subscribed.catch(() => undefined);
      return { unsubscribe: async () => void (await target.unsubscribe(channel, listener, true)) };
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    get ready() {
      return target.isReady;
    },
    async close() {
      // Nothing pending can arrive on a connection that is not up: close it at once.
      if (!target.isReady) return void (target.isOpen && target.destroy());
      await target.close();
    },
    disconnect() {
      if (target.isOpen) target.destroy();
    },
  };
  natives.set(connection, target);
  return connection;
}

/** The node-redis client behind each connection this driver made, for the adapter's direct path. */
const natives = new WeakMap<NodeConnection, Target>();

/**
 * The node's node-redis client when it is ready, so the sharded client can send a command with
 * the user's own type mapping and let node-redis decode it (no raw Buffers to convert again).
 */
export function nativeClient(connection: NodeConnection): Pick<Target, 'sendCommand'> | undefined {
  const target = natives.get(connection);
  return target !== undefined && target.isReady ? target : undefined;
}

/** Binds `@shardis/engine` to node-redis v5: one node-redis client per node and role. */
export function nodeRedisDriver(options: NodeRedisDriverOptions = {}): RedisDriver {
  return {
    name: 'node-redis',
    capabilities: { sentinel: true, replicaReads: true },
    // node-redis sends `name` as CLIENT SETNAME on every (re)connect, as the engine's fencing needs.
    connect: (endpoint, role, name) => connectNode(name === undefined ? options : { ...options, name }, endpoint, role),
    isServerError: (error) => error instanceof ErrorReply,
  };
}
