import { connect as connectTcp, type Socket } from 'node:net';
import type { CommandArgs, ConnectionEvent, ConnectionRole, NodeConnection, NodeEndpoint, RedisDriver, Reply, Subscription } from '@shardis/engine';
import { encodeCommand, RespParser, RespServerError } from './resp-parser.ts';

export interface RespDriverOptions {
  readonly username?: string;
  readonly password?: string;
  /** How long a (re)connect, including AUTH, may take before it counts as failed. @default 2000 */
  readonly connectTimeoutMs?: number;
  /** How long a reply may take; a stalled connection is then closed and reconnected. @default 5000 */
  readonly commandTimeoutMs?: number;
}

/** The connection failed or was closed under a command (not an answer from the server). */
export class RespConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RespConnectionError';
  }
}

interface Pending {
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

/**
 * The smallest complete `RedisDriver`: RESP2 over `node:net`, one socket per connection,
 * reconnecting with backoff and failing fast while a node is down (no offline queue). It lets
 * testkit and the engine run against real servers without a client library; adapters bring
 * their own drivers.
 */
export function createRespDriver(options: RespDriverOptions = {}): RedisDriver {
  return {
    name: 'resp',
    capabilities: { sentinel: false, replicaReads: false },
    connect: (endpoint: NodeEndpoint, role: ConnectionRole): NodeConnection => new RespConnection(endpoint, role, options),
    isServerError: (error: unknown) => error instanceof RespServerError,
  };
}

class RespConnection implements NodeConnection {
  private readonly host: string;
  private readonly port: number;
  private readonly handshake: CommandArgs[] = [];
  private readonly listeners = new Set<(event: ConnectionEvent) => void>();
  private readonly channels = new Map<string, (message: Buffer) => void>();
  private socket: Socket | undefined;
  private state: 'connecting' | 'ready' | 'down' | 'closed' = 'connecting';
  private pending: Pending[] = [];
  private waiting: Array<{ args: CommandArgs } & Pending> = [];
  private attempts = 0;
  private timer: NodeJS.Timeout | undefined;

  private readonly role: ConnectionRole;
  private readonly options: RespDriverOptions;

  constructor(endpoint: NodeEndpoint, role: ConnectionRole, options: RespDriverOptions) {
    this.role = role;
    this.options = options;
    const url = new URL(endpoint.url);
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port || 6379);
    if (options.password !== undefined) this.handshake.push(options.username === undefined ? ['AUTH', options.password] : ['AUTH', options.username, options.password]);
    const db = url.pathname.slice(1);
    if (db !== '' && db !== '0') this.handshake.push(['SELECT', db]);
    this.open();
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  send(args: CommandArgs): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      if (this.state === 'closed') return reject(new RespConnectionError('connection is closed'));
      if (this.state === 'down') return reject(new RespConnectionError(`${this.host}:${this.port} is down (reconnecting)`));
      if (this.state === 'connecting') return void this.waiting.push({ args, resolve, reject });
      this.write(args, { resolve, reject });
    }).then((reply) => {
      if (reply instanceof Error) throw reply;
      return reply;
    });
  }

  async batch(commands: readonly CommandArgs[]): Promise<Array<Reply | Error>> {
    // All written back to back before the first reply is read: one round trip.
    return Promise.all(commands.map((args) => this.send(args).catch((error: unknown) => {
      if (error instanceof RespServerError) return error;
      throw error;
    })));
  }

  async subscribe(channel: string, onMessage: (message: Buffer) => void): Promise<Subscription> {
    this.channels.set(channel, onMessage);
    await this.send(['SUBSCRIBE', channel]);
    return {
      unsubscribe: async () => {
        this.channels.delete(channel);
        if (this.state === 'ready') await this.send(['UNSUBSCRIBE', channel]);
      },
    };
  }

  onEvent(listener: (event: ConnectionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    if (this.state === 'ready') await this.send(['QUIT']).catch(() => undefined);
    this.disconnect();
  }

  disconnect(): void {
    this.state = 'closed';
    clearTimeout(this.timer);
    this.socket?.destroy();
    this.fail(new RespConnectionError('connection closed by the client'));
    this.emit({ type: 'end' });
  }

  private emit(event: ConnectionEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private write(args: CommandArgs, pending: Pending): void {
    this.pending.push(pending);
    this.socket!.write(encodeCommand(args));
    this.armTimer();
  }

  /** One timer for the oldest reply due: replies come in order, so it is the one that stalls. */
  private armTimer(): void {
    if (this.timer !== undefined || this.pending.length === 0) return;
    const limit = this.state === 'ready' ? (this.options.commandTimeoutMs ?? 5000) : (this.options.connectTimeoutMs ?? 2000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.socket?.destroy(new RespConnectionError(`no reply from ${this.host}:${this.port} within ${limit} ms`));
    }, limit);
  }

  private open(): void {
    const parser = new RespParser();
    const socket = connectTcp({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    this.socket = socket;
    this.state = 'connecting';
    const connectTimer = setTimeout(() => socket.destroy(new RespConnectionError(`connect to ${this.host}:${this.port} timed out`)), this.options.connectTimeoutMs ?? 2000);
    socket.on('connect', () => {
      clearTimeout(connectTimer);
      void this.greet();
    });
    socket.on('data', (chunk: Buffer) => {
      parser.push(chunk);
      for (let reply = parser.next(); reply !== undefined; reply = parser.next()) this.dispatch(reply);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(connectTimer);
      if (this.socket !== socket) return;
      this.lost(new RespConnectionError(`connection to ${this.host}:${this.port} lost`));
    });
  }

  /** AUTH, SELECT and the subscriptions again, then the commands that waited for the connection. */
  private async greet(): Promise<void> {
    try {
      const channels = [...this.channels.keys()];
      const steps: CommandArgs[] = [...this.handshake, ...channels.map((channel) => ['SUBSCRIBE', channel])];
      for (const args of steps) {
        const reply = await new Promise<Reply>((resolve, reject) => this.write(args, { resolve, reject }));
        if (reply instanceof Error) throw reply;
      }
    } catch (error) {
      // A refused AUTH is final for the commands waiting, and retried like any connect failure.
      this.fail(error instanceof Error ? error : new RespConnectionError(String(error)));
      this.socket?.destroy();
      return;
    }
    this.state = 'ready';
    this.attempts = 0;
    const waiting = this.waiting;
    this.waiting = [];
    for (const item of waiting) this.write(item.args, item);
    this.emit({ type: 'ready' });
  }

  private dispatch(reply: Reply): void {
    if (this.role === 'subscriber' && Array.isArray(reply) && reply.length === 3 && String(reply[0]) === 'message') {
      this.channels.get(String(reply[1]))?.(Buffer.isBuffer(reply[2]) ? reply[2] : Buffer.from(String(reply[2])));
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.shift()?.resolve(reply);
    this.armTimer();
  }

  private fail(error: Error): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const all = [...this.pending, ...this.waiting];
    this.pending = [];
    this.waiting = [];
    for (const item of all) item.reject(error);
  }

  private lost(error: Error): void {
    this.fail(error);
    if (this.state === 'closed') return;
    this.state = 'down';
    this.emit({ type: 'error', error });
    const delayMs = Math.min(50 * 2 ** this.attempts++, 1000);
    this.emit({ type: 'reconnecting', delayMs });
    setTimeout(() => {
      if (this.state !== 'closed') this.open();
    }, delayMs).unref();
  }
}
