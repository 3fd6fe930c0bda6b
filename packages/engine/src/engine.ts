import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { InvalidArgumentError, isPinned } from '@shardis/core';
import { CommandCatalog } from './commands/command-catalog.ts';
import { resolveEngineOptions, type EngineOptions, type ResolvedEngineOptions } from './engine-options.ts';
import { ClientClosedError, LeaseExpiredError, NodeUnavailableError, TopologyNotFoundError, TopologyRejectedError, UnsupportedCommandError } from './errors.ts';
import { Executor } from './execution/executor.ts';
import type { EngineReply } from './execution/plan.ts';
import { scanCluster, scanCommand, type ScanOptions } from './execution/scan.ts';
import { ClientLease } from './membership/client-lease.ts';
import { NodePool, type DirectRoute } from './nodes/node-pool.ts';
import type { CommandArgs, NodeConnection, NodeEndpoint, Reply, Subscription } from './port.ts';
import { argText } from './reply.ts';
import { GUARD_SCRIPT } from './routing/migration-guard.ts';
import { RoutingTable } from './routing/routing-table.ts';
import { stateToFields, type ClusterState } from './topology/cluster-state.ts';
import { StateStore } from './topology/state-store.ts';
import { PinStore, type StatePins } from './topology/pin-store.ts';
import { clientConnectionName } from './membership/connection-names.ts';
import { CheckScheduler } from './topology/watcher.ts';

export interface EngineEventMap {
  /** A new topology revision is in force. */
  topology: [state: ClusterState, previous: ClusterState | undefined];
  /** A topology update was refused; the last good one stays in force. */
  'topology-rejected': [error: TopologyRejectedError];
  'node-error': [event: { node: string; error: Error }];
  'node-ejected': [event: { node: string; until: number }];
  'node-restored': [event: { node: string }];
  /** This client's lease lapsed: it refuses commands until it has read the topology again. */
  'lease-lost': [];
  'lease-restored': [];
}

/**
 * Many Redis servers used as one. Routes every command by Redis's own key specs, splits and merges
 * multi-key commands, keeps the topology from Redis current (pub/sub + polling), and follows the
 * migration protocol while keys move. Adapters wrap it in their client library's API.
 */
export class ShardedEngine extends EventEmitter<EngineEventMap> {
  readonly clientId: string;
  private readonly options: Omit<EngineOptions, 'topologyKey'>;
  private readonly settings: ResolvedEngineOptions;
  private readonly pool: NodePool;
  private readonly catalog: CommandCatalog;
  private readonly executor: Executor;
  private readonly store: StateStore | undefined;
  /** Pin sets named by the states this client applies, loaded and verified before a state is used. */
  private readonly pins: PinStore;
  private readonly lease: ClientLease | undefined;
  private readonly scheduler: CheckScheduler | undefined;
  private current: RoutingTable | undefined;
  private subscriber: { connection: NodeConnection; subscription: Subscription | undefined; node: string } | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private acknowledging: Promise<void> = Promise.resolve();
  private leaseLapsed = false;
  private recovering: Promise<void> | undefined;
  private closed = false;
  private connecting: Promise<void> | undefined;
  private anyCursor = 0;
  /** Node → the stamp (revision and writer) of the state it refused: not read or reported again until it changes. */
  private readonly refused = new Map<string, string>();

  constructor(options: EngineOptions) {
    super();
    if (options === null || typeof options !== 'object' || options.driver === undefined) throw new InvalidArgumentError('options.driver', 'an engine needs a driver (use an adapter package)');
    const managed = options.seeds !== undefined;
    if (managed === (options.topology !== undefined)) throw new InvalidArgumentError('options', 'give either `seeds` (with `cluster`) or an explicit `topology`');
    if (managed && (typeof options.cluster !== 'string' || options.cluster.length === 0)) throw new InvalidArgumentError('options.cluster', 'a cluster name is needed to read the topology from the seeds');
    if (managed && (!Array.isArray(options.seeds) || options.seeds.length === 0)) throw new InvalidArgumentError('options.seeds', 'give at least one redis:// url');
    // The key goes to the state store alone: `options` may be inspected or logged.
    const { topologyKey, ...kept } = options;
    this.options = kept;
    this.settings = resolveEngineOptions(options);
    this.clientId = options.clientId ?? randomUUID();
    this.pool = new NodePool(options.driver, {
      nodeError: (node, error) => this.emit('node-error', { node, error }),
      nodeEjected: (node, until) => this.emit('node-ejected', { node, until }),
      nodeRestored: (node) => this.emit('node-restored', { node }),
    }, options.autoEject, options.seeds === undefined ? undefined : clientConnectionName(this.clientId));
    const store = new StateStore({
      cluster: options.cluster ?? options.topology?.cluster ?? 'default',
      ...(options.hashers === undefined ? {} : { hashers: options.hashers }),
      topologyKey,
      verify: options.verifyTopology,
      sign: options.signTopology,
    });
    this.pins = new PinStore(store.keys);
    this.catalog = new CommandCatalog((args) => this.sendAny(args));
    this.executor = new Executor({
      pool: this.pool,
      catalog: this.catalog,
      keys: store.keys,
      table: () => this.table,
      checkUsable: () => this.checkUsable(),
      anyNode: (table) => this.anyNode(table),
      retryTimeoutMs: this.settings.retryTimeoutMs,
    });
    if (managed) {
      this.store = store;
      this.lease = new ClientLease({
        keyPrefix: store.keys.clientLeasePrefix,
        clientId: this.clientId,
        driver: options.driver.name,
        leaseMs: this.settings.leaseMs,
        write: (key, value, ms) => this.writeEverywhere(['SET', key, value, 'PX', ms]),
      });
      this.scheduler = new CheckScheduler(() => this.check(), this.settings.pollIntervalMs, () => undefined);
    }
  }

  /** The state in force, once connected. */
  get state(): ClusterState | undefined {
    return this.current?.state;
  }

  get table(): RoutingTable {
    if (this.current === undefined) throw new ClientClosedError();
    return this.current;
  }

  /** Connects, reads the topology, registers this client's lease and starts following updates. */
  connect(): Promise<void> {
    this.connecting ??= this.doConnect().catch(async (error: unknown) => {
      const closedByCaller = this.closed;
      await this.shutdown(false);
      // A failed connect (servers not up yet) leaves the client as new, so a later command tries
      // again; only quit()/disconnect() close it for good.
      if (!closedByCaller) {
        this.closed = false;
        this.current = undefined;
      }
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  command(args: CommandArgs): Promise<EngineReply> {
    if (this.current === undefined || !this.catalog.loaded) return this.connect().then(() => this.command(args));
    // SCAN and FLUSHDB/FLUSHALL have cluster-wide meanings of their own; the name's length is
    // checked first so that other commands never pay for lower-casing theirs.
    const length = typeof args[0] === 'string' ? args[0].length : -1;
    if (length === 4 || length === 7 || length === 8 || length === -1) {
      const name = argText(args[0]).toLowerCase();
      if (name === 'scan') return scanCommand(this.pool, this.table, argText(args[1] ?? '0'), args.slice(2).map((arg) => argText(arg)));
      if (name === 'flushdb' || name === 'flushall') return this.flush(args);
    }
    return this.executor.command(args);
  }

  /**
   * For adapters: when `args` is a plain one-node command under a stable topology and its node is
   * healthy, the node's id and connection, so the adapter can send its client library's own
   * command object on it (one command object, replies shaped by the library itself). A failure
   * must go through `directFailure`. Undefined when the command needs `command()`. Throws, before
   * anything is sent, what the command would fail with (closed, lapsed lease, CROSSSLOT).
   */
  directRoute(args: CommandArgs): DirectRoute | undefined {
    // SCAN and FLUSHDB/FLUSHALL, which `command()` treats apart, name no keys: never routed here.
    if (this.current === undefined || !this.catalog.loaded) return undefined;
    const node = this.executor.route(args);
    return node === undefined ? undefined : this.pool.healthyRoute(node);
  }

  /** Books a failure of a command sent through `directRoute`; returns the error to give the caller. */
  directFailure(node: string, error: unknown): Error {
    return this.pool.failure(node, error);
  }

  async pipeline(commands: readonly CommandArgs[]): Promise<Array<EngineReply | Error>> {
    if (this.current === undefined) await this.connect();
    return this.executor.pipeline(commands);
  }

  async transaction(commands: readonly CommandArgs[]): Promise<Array<Reply>> {
    if (this.current === undefined) await this.connect();
    return this.executor.transaction(commands);
  }

  /** Every key of the cluster, in batches; see `scanCluster` for the guarantee across migrations. */
  async *scan(options: ScanOptions = {}): AsyncGenerator<Buffer[]> {
    if (this.current === undefined) await this.connect();
    this.checkUsable();
    yield* scanCluster(this.pool, () => this.table, options);
  }

  /** Checks Redis for a newer topology now (tests and tools; clients also do it on their own). */
  async refresh(): Promise<void> {
    await this.scheduler?.trigger();
  }

  /** The data connection to one node, for tools that must talk to a node directly. */
  nodeConnection(id: string): NodeConnection {
    return this.pool.connection(id);
  }

  /** Ids of the nodes this client is connected to. */
  nodeIds(): string[] {
    return this.pool.ids();
  }

  /** Closes gracefully: replies still due arrive first. */
  async quit(): Promise<void> {
    await this.shutdown(true);
  }

  /** Closes at once: commands under way fail. */
  disconnect(): void {
    void this.shutdown(false);
  }

  private async doConnect(): Promise<void> {
    if (this.closed) throw new ClientClosedError();
    if (this.options.topology !== undefined) {
      this.install(new RoutingTable({ revision: 0, mode: 'stable', topology: this.options.topology, updatedAt: Date.now() }, this.options.hashers));
      await this.catalog.load();
      return;
    }
    const store = this.store!;
    const seeds = new Map<string, NodeConnection>(this.options.seeds!.map((url, i) => [`seed${i}`, this.options.driver.connect({ id: `seed${i}`, url }, 'control')]));
    let first: ClusterState | undefined;
    let firstPins: StatePins = {};
    try {
      const reading = await store.read(seeds);
      first = reading.state;
      if (first === undefined) {
        const errors = [...reading.byNode.values()].flatMap((r) => ('error' in r ? [r.error.message] : []));
        throw new TopologyNotFoundError(store.keys.topology.split(':')[1] ?? '', errors.length > 0 ? errors.join('; ') : 'run `shardis init` first');
      }
      firstPins = await this.pins.forState(first, [...seeds.values()]);
    } finally {
      await Promise.all([...seeds.values()].map((c) => c.close().catch(() => c.disconnect())));
    }
    this.install(new RoutingTable(first, this.options.hashers, firstPins));
    // Register before reading again: a migration that starts from now on waits for this client.
    if (!(await this.lease!.renew(0))) throw new NodeUnavailableError('*', 'could not register this client on any node');
    await this.check();
    await this.acknowledging;
    if (this.lease!.acknowledged < this.table.revision) await this.lease!.renew(this.table.revision);
    await this.catalog.load();
    await this.subscribe();
    this.scheduler!.start();
    this.heartbeat = setInterval(() => void this.beat(), Math.max(100, this.settings.leaseMs / 3));
    this.heartbeat.unref();
  }

  /**
   * Reads the revision every node holds and applies the newest trusted state newer than ours. A
   * node whose state is refused (unsigned, forged, malformed) is skipped for the next one, so a
   * bogus high revision on one node cannot hide a good state on the others.
   */
  private async check(): Promise<void> {
    const table = this.current;
    const store = this.store;
    if (table === undefined || store === undefined || this.closed) return;
    const ids = [...table.endpoints.keys()];
    // A node that cannot answer within a poll interval (black-holed) is skipped this round.
    const stamps = await Promise.all(ids.map((id) => within(store.stampOf(this.pool.connection(id)), this.settings.pollIntervalMs, { revision: -1, writer: '' })));
    const newest = Math.max(...stamps.map((stamp) => stamp.revision));
    if (newest > 0 && newest < table.revision) {
      this.refuse('*', String(newest), new TopologyRejectedError(`every node that answers holds revision ${newest} or older, behind revision ${table.revision} in force (a rolled-back or replayed state); revision ${table.revision} stays`, { kind: 'replay' }));
    }
    const candidates = ids
      .map((id, i) => ({ id, revision: stamps[i]!.revision, stamp: `${stamps[i]!.revision}/${stamps[i]!.writer}` }))
      .filter(({ id, revision, stamp }) => revision > table.revision && this.refused.get(id) !== stamp)
      .sort((a, b) => b.revision - a.revision);
    for (const { id, stamp } of candidates) {
      let fields: Record<string, string>;
      try {
        fields = await store.fetch(this.pool.connection(id));
      } catch {
        continue; // unreachable now: the next check looks again
      }
      try {
        const state = store.decode(fields);
        if (state !== undefined && state.revision > table.revision) {
          // A state is usable only with the pin sets it names: loaded from this node or another,
          // whole and verified. A failure is reported, not remembered: the next check tries again.
          let pins: StatePins;
          try {
            pins = await this.pins.forState(state, [this.pool.connection(id), ...ids.filter((other) => other !== id).map((other) => this.pool.connection(other))]);
          } catch (error) {
            this.emit('topology-rejected', error instanceof TopologyRejectedError ? error : new TopologyRejectedError(String(error), { cause: error }));
            return;
          }
          return this.apply(state, pins);
        }
      } catch (error) {
        this.refuse(id, stamp, error instanceof TopologyRejectedError ? error : new TopologyRejectedError(String(error), { cause: error }));
      }
    }
  }

  /** Reports a refused state once per node and stamp. */
  private refuse(node: string, stamp: string, error: TopologyRejectedError): void {
    if (this.refused.get(node) === stamp) return;
    this.refused.set(node, stamp);
    this.emit('topology-rejected', error);
  }

  private apply(state: ClusterState, pins: StatePins): void {
    const previous = this.current;
    if (previous !== undefined && state.revision <= previous.revision) return;
    let table: RoutingTable;
    try {
      table = new RoutingTable(state, this.options.hashers, pins);
    } catch (error) {
      this.emit('topology-rejected', new TopologyRejectedError(error instanceof Error ? error.message : String(error), { cause: error }));
      return;
    }
    this.install(table);
    if (table.moving) {
      for (const id of table.endpoints.keys()) void this.pool.send(id, ['SCRIPT', 'LOAD', GUARD_SCRIPT]).catch(() => undefined);
    }
    this.emit('topology', state, previous?.state);
    // Acknowledge only once every command routed by an older revision has finished.
    const revision = state.revision;
    this.acknowledging = this.acknowledging
      .then(() => previous?.drained())
      // Single commands are not counted (the hot path stays lean): a round trip on every
      // connection proves that everything written before the switch has been answered.
      .then(() => this.pool.flush())
      .then(async () => {
        await this.lease?.renew(revision);
        if (this.current === table) await this.pool.retain(new Set(table.endpoints.keys()));
      })
      .catch(() => undefined);
  }

  private install(table: RoutingTable): void {
    this.pool.ensure([...table.endpoints.values()].map((endpoint) => this.mapEndpoint(endpoint)));
    this.current = table;
  }

  private mapEndpoint(endpoint: NodeEndpoint): NodeEndpoint {
    const map = this.options.mapNodeUrl;
    return map === undefined ? endpoint : { id: endpoint.id, url: map(endpoint) };
  }

  private checkUsable(): void {
    if (this.closed) throw new ClientClosedError();
    const lease = this.lease;
    if (lease === undefined) return;
    if (this.leaseLapsed || !lease.isValid()) {
      this.leaseLost();
      void this.recover();
      throw new LeaseExpiredError(`client ${this.clientId} could not renew its lease in Redis in time; it will serve again once it has re-read the topology`);
    }
  }

  /**
   * The lease lapsed: a migration may go ahead without this client. Its connections are dropped at
   * once, so no command still sitting in a socket buffer can reach a node later by an old route.
   */
  private leaseLost(): void {
    if (this.leaseLapsed) return;
    this.leaseLapsed = true;
    this.emit('lease-lost');
    this.pool.disconnectAll();
    if (this.current !== undefined) this.install(this.current);
  }

  /** After a lapse: renew first, then re-read (a migration may have begun without us), then serve. */
  private recover(): Promise<void> {
    this.recovering ??= (async () => {
      try {
        if (!(await this.lease!.renew())) return;
        await this.check();
        await this.acknowledging;
        this.leaseLapsed = false;
        this.emit('lease-restored');
      } finally {
        this.recovering = undefined;
      }
    })().catch(() => undefined);
    return this.recovering;
  }

  private async beat(): Promise<void> {
    if (this.closed || this.lease === undefined) return;
    if (this.leaseLapsed || !this.lease.isValid()) {
      this.leaseLost();
      await this.recover();
      return;
    }
    await this.lease.renew().catch(() => false);
  }

  private async writeEverywhere(args: CommandArgs): Promise<boolean[]> {
    const table = this.current;
    if (table === undefined) return [];
    // A write not confirmed within a heartbeat counts as failed: a black-holed node must not hold up the lease.
    return Promise.all([...table.endpoints.keys()].map((id) => within(this.pool.send(id, args).then(() => true), this.settings.leaseMs / 3, false)));
  }

  private async subscribe(): Promise<void> {
    const table = this.table;
    const nodes = table.targetNodes;
    // Spread subscribers over the nodes; every writer publishes on every node.
    const node = nodes[hashText(this.clientId) % nodes.length]!;
    const connection = this.options.driver.connect(this.mapEndpoint(table.endpoints.get(node)!), 'subscriber', clientConnectionName(this.clientId));
    this.subscriber = { connection, subscription: undefined, node };
    connection.onEvent((event) => {
      if (event.type === 'ready') void this.scheduler?.trigger();
    });
    try {
      // Only a hint to read Redis, and only one newer than ours (and signed, with a key).
      const store = this.store!;
      this.subscriber.subscription = await connection.subscribe(store.keys.channel, (payload) => {
        if (store.readAnnouncement(payload, this.current?.revision ?? 0) !== undefined) this.scheduler?.hint();
      });
    } catch {
      // Polling covers a subscriber that cannot subscribe yet; the adapter retries on reconnect.
    }
  }

  /** For the command catalog: when a node cannot be reached, the next one is asked. */
  private async sendAny(args: CommandArgs): Promise<Reply> {
    const table = this.table;
    let failure: unknown;
    for (let i = 0; i < table.targetNodes.length; i++) {
      try {
        return await this.pool.send(this.anyNode(table), args);
      } catch (error) {
        if (!(error instanceof NodeUnavailableError)) throw error;
        failure = error;
      }
    }
    throw failure;
  }

  private anyNode(table: RoutingTable): string {
    const nodes = table.targetNodes;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[(this.anyCursor + i) % nodes.length]!;
      if (!this.pool.isEjected(node)) {
        this.anyCursor = (this.anyCursor + i + 1) % nodes.length;
        return node;
      }
    }
    return nodes[0]!;
  }

  /** FLUSHDB/FLUSHALL on every node, then the cluster's own state written back as it was. */
  private async flush(args: CommandArgs): Promise<EngineReply> {
    const table = this.table;
    if (table.mode !== 'stable') throw new UnsupportedCommandError(argText(args[0]).toUpperCase(), 'not while keys are moving between nodes');
    const reply = await this.executor.command(args);
    if (this.store !== undefined) {
      const connections = new Map([...table.endpoints.keys()].map((id) => [id, this.pool.connection(id)]));
      const reading = await this.store.read(connections);
      if (reading.state === undefined) await this.restoreState(connections, table.state);
      await this.lease?.renew();
    }
    return reply;
  }

  private async restoreState(connections: Map<string, NodeConnection>, state: ClusterState): Promise<void> {
    const fields = this.store!.sign(stateToFields(state));
    // The pin set went with the flush too: the state names it, so it comes back first.
    const target = this.current?.target;
    if (target !== undefined && isPinned(target)) await this.pins.write(connections, target.pins, state.revision).catch(() => undefined);
    await Promise.all([...connections.values()].map((c) => c.send(['HSET', this.store!.keys.topology, ...Object.entries(fields).flat()]).catch(() => undefined)));
  }

  private async shutdown(graceful: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler?.stop();
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (this.lease !== undefined && this.current !== undefined && graceful) {
      await this.writeEverywhere(['DEL', this.lease.key]).catch(() => undefined);
    }
    if (subscriber !== undefined) {
      if (graceful) await subscriber.connection.close().catch(() => subscriber.connection.disconnect());
      else subscriber.connection.disconnect();
    }
    if (graceful) await this.pool.closeAll();
    else this.pool.disconnectAll();
  }
}

/** `promise`'s value, or `fallback` if it fails or has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([promise.catch(() => fallback), late]).finally(() => clearTimeout(timer));
}

function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
