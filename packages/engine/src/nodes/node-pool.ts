import { NodeUnavailableError } from '../errors.ts';
import type { CommandArgs, NodeConnection, NodeEndpoint, RedisDriver, Reply } from '../port.ts';

export interface AutoEjectOptions {
  /** Consecutive connection failures after which a node is ejected. @default 2 (twemproxy's server_failure_limit) */
  readonly failures?: number;
  /** How long an ejected node fails fast before one command probes it again. @default 30_000 (twemproxy's server_retry_timeout) */
  readonly retryAfterMs?: number;
}

export interface NodePoolEvents {
  nodeError(node: string, error: Error): void;
  nodeEjected(node: string, until: number): void;
  nodeRestored(node: string): void;
}

interface NodeState {
  readonly endpoint: NodeEndpoint;
  readonly connection: NodeConnection;
  failures: number;
  ejectedUntil: number;
  /** Set while the one probe allowed after `ejectedUntil` is under way. */
  probing: boolean;
  /** What `healthyRoute` hands out, made once: the direct path allocates nothing per command. */
  readonly route: DirectRoute;
}

/** A node and its data connection, for an adapter's direct path. */
export interface DirectRoute {
  readonly node: string;
  readonly connection: NodeConnection;
}

/**
 * One data connection per node, opened on first use, plus the node's health. Only connection
 * failures count against a node: a server error (WRONGTYPE…) is an answer, and proves it is up.
 * With auto-eject on, a node that failed `failures` times in a row fails fast with
 * `NodeUnavailableError` for `retryAfterMs` instead of making every caller wait for a timeout.
 */
export class NodePool {
  private readonly nodes = new Map<string, NodeState>();
  private readonly driver: RedisDriver;
  private readonly events: NodePoolEvents;
  private readonly ejectAfter: number;
  private readonly retryAfterMs: number;

  private readonly connectionName: string | undefined;

  constructor(driver: RedisDriver, events: NodePoolEvents, autoEject: AutoEjectOptions | false | undefined, connectionName?: string) {
    this.driver = driver;
    this.connectionName = connectionName;
    this.events = events;
    this.ejectAfter = autoEject === false || autoEject === undefined ? Infinity : (autoEject.failures ?? 2);
    this.retryAfterMs = autoEject === false || autoEject === undefined ? 0 : (autoEject.retryAfterMs ?? 30_000);
  }

  /** Makes sure every endpoint has a connection (new nodes connect now, in the background). */
  ensure(endpoints: Iterable<NodeEndpoint>): void {
    for (const endpoint of endpoints) this.state(endpoint);
  }

  /** Closes connections to nodes that are no longer in `keep`. */
  async retain(keep: ReadonlySet<string>): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [id, node] of this.nodes) {
      if (keep.has(id)) continue;
      this.nodes.delete(id);
      closing.push(node.connection.close().catch(() => undefined));
    }
    await Promise.all(closing);
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  ids(): string[] {
    return [...this.nodes.keys()];
  }

  connection(id: string): NodeConnection {
    const node = this.nodes.get(id);
    if (node === undefined) throw new NodeUnavailableError(id, 'not part of the topology this client knows');
    return node.connection;
  }

  /**
   * The route to a node in good health (no failure since its last success), for an adapter
   * that sends its client library's own command object on it; undefined otherwise, and the
   * adapter goes through `send`, which keeps the books on failures and probes.
   */
  healthyRoute(id: string): DirectRoute | undefined {
    const node = this.nodes.get(id);
    return node !== undefined && node.failures === 0 && node.ejectedUntil === 0 ? node.route : undefined;
  }

  /** A failure of a command sent through `healthyRoute`: counted, and the error to surface. */
  failure(id: string, error: unknown): Error {
    const node = this.nodes.get(id);
    if (node === undefined) return error instanceof Error ? error : new Error(String(error));
    try {
      return this.failed(node, error);
    } catch (surfaced) {
      return surfaced as Error;
    }
  }

  isEjected(id: string): boolean {
    const node = this.nodes.get(id);
    return node !== undefined && node.ejectedUntil > Date.now();
  }

  /** Never throws: a node that is unknown or ejected gives a rejected promise, like any failure. */
  send(id: string, args: CommandArgs): Promise<Reply> {
    let node: NodeState;
    try {
      node = this.admit(id);
    } catch (error) {
      return Promise.reject(error);
    }
    if (node.failures === 0 && !node.probing) return node.connection.send(args).catch((error: unknown) => this.failed(node, error));
    return node.connection.send(args).then(
      (reply) => {
        this.succeeded(node);
        return reply;
      },
      (error: unknown) => this.failed(node, error),
    );
  }

  batch(id: string, commands: readonly CommandArgs[]): Promise<Array<Reply | Error>> {
    let node: NodeState;
    try {
      node = this.admit(id);
    } catch (error) {
      return Promise.reject(error);
    }
    return node.connection.batch(commands).then(
      (replies) => {
        this.succeeded(node);
        return replies;
      },
      (error: unknown) => this.failed(node, error),
    );
  }

  /**
   * Resolves once every command written to any node before this call has been answered: a PING
   * queued behind them on each connection comes back last, because replies keep their order.
   */
  async flush(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((node) => node.connection.send(['PING']).catch(() => undefined)));
  }

  async closeAll(): Promise<void> {
    const nodes = [...this.nodes.values()];
    this.nodes.clear();
    await Promise.all(nodes.map((node) => node.connection.close().catch(() => node.connection.disconnect())));
  }

  disconnectAll(): void {
    for (const node of this.nodes.values()) node.connection.disconnect();
    this.nodes.clear();
  }

  private state(endpoint: NodeEndpoint): NodeState {
    let node = this.nodes.get(endpoint.id);
    if (node !== undefined && node.endpoint.url !== endpoint.url) {
      // The node moved to another address: reconnect there.
      const old = node.connection;
      void old.close().catch(() => old.disconnect());
      node = undefined;
    }
    if (node === undefined) {
      const connection = this.driver.connect(endpoint, 'data', this.connectionName);
      node = { endpoint, connection, failures: 0, ejectedUntil: 0, probing: false, route: { node: endpoint.id, connection } };
      this.nodes.set(endpoint.id, node);
    }
    return node;
  }

  private admit(id: string): NodeState {
    const node = this.nodes.get(id);
    if (node === undefined) throw new NodeUnavailableError(id, 'not part of the topology this client knows');
    if (node.ejectedUntil !== 0) {
      if (Date.now() < node.ejectedUntil || node.probing) {
        throw new NodeUnavailableError(id, `ejected after ${node.failures} consecutive failures; retrying after ${new Date(node.ejectedUntil).toISOString()}`);
      }
      node.probing = true;
    }
    return node;
  }

  private succeeded(node: NodeState): void {
    const wasEjected = node.ejectedUntil !== 0;
    node.failures = 0;
    node.ejectedUntil = 0;
    node.probing = false;
    if (wasEjected) this.events.nodeRestored(node.endpoint.id);
  }

  private failed(node: NodeState, error: unknown): never {
    if (this.driver.isServerError(error)) {
      this.succeeded(node);
      throw error;
    }
    // Already booked: an adapter's direct path books a lost connection once for every command
    // queued on it (see `failure`), engine commands among them.
    if (error instanceof NodeUnavailableError && error.node === node.endpoint.id) throw error;
    const cause = error instanceof Error ? error : new Error(String(error));
    node.failures++;
    node.probing = false;
    this.events.nodeError(node.endpoint.id, cause);
    if (node.failures >= this.ejectAfter) {
      node.ejectedUntil = Date.now() + this.retryAfterMs;
      this.events.nodeEjected(node.endpoint.id, node.ejectedUntil);
    }
    throw new NodeUnavailableError(node.endpoint.id, cause.message, { cause });
  }
}
