import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { planMove, type MovePlan } from '@shardis/core';
import type { TopologyRejectedError } from '../errors.ts';
import type { NodeConnection } from '../port.ts';
import { replyInteger, replyText } from '../reply.ts';
import type { ClusterState } from '../topology/cluster-state.ts';
import { PinStore, placementWithPins } from '../topology/pin-store.ts';
import { fenceLapsedClients, waitForAcknowledgements, type LeaseView } from './barrier.ts';
import { ClusterAccess, type ClusterAccessOptions } from './cluster-access.ts';
import { KeyRate } from './key-rate.ts';
import type { MigrateAuth } from './move-batch.ts';
import { killStaleMigrateConnections } from './reconcile.ts';
import { moveSource, progressKey, type MoverEvent, type MoverOptions, type MoverProgress } from './source-mover.ts';
import { atEpoch } from './topology-change.ts';

export type WorkerEvent =
  | MoverEvent
  | { readonly type: 'state'; readonly state: ClusterState }
  | { readonly type: 'waiting-for-clients'; readonly revision: number; readonly behind: readonly string[] }
  | { readonly type: 'moving'; readonly migrationId: number; readonly sources: readonly string[] }
  | { readonly type: 'committed'; readonly state: ClusterState }
  | { readonly type: 'reversing'; readonly state: ClusterState }
  /** Connections of clients whose lease lapsed were closed before the move went on. */
  | { readonly type: 'fenced'; readonly connections: number }
  /** A node holds a state that was refused (unsigned, forged, malformed…); it is treated as holding none. */
  | { readonly type: 'topology-rejected'; readonly node: string; readonly error: TopologyRejectedError };

export interface WorkerOptions extends ClusterAccessOptions, Partial<Omit<MoverOptions, 'auth'>> {
  /** Credentials MIGRATE passes to targets (`AUTH2`), when nodes require them. */
  readonly migrateAuth?: MigrateAuth;
  readonly workerId?: string;
  /** Lease of a worker on a source node; another worker takes over after it expires. @default 10000 */
  readonly workerLeaseMs?: number;
  /** How often an idle or waiting worker looks again, ms. @default 500 */
  readonly pollMs?: number;
  /**
   * Throttle: keys a second, shared by the sources moving at once, taken before each MIGRATE batch.
   * Leases renew between pages: keep `batchSize` ≤ ~rate × workerLeaseMs / 4000 / sources. @default none
   */
  readonly maxKeysPerSecond?: number;
  readonly onEvent?: (event: WorkerEvent) => void;
}

/** Compare-and-renew (or take) a worker lease; 1 when held by us afterwards. */
const LEASE_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`;

/** Deletes a key only if it still holds the given value (flags of finished migrations). */
const DELETE_IF_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Runs migrations to completion. Stateless: everything it knows is in Redis (the state hash, the
 * per-node flag, progress checkpoints, uncertain sets), so it can be killed at any instant and
 * started again, and several workers can share the sources of one migration through leases.
 */
export class MigrationWorker {
  readonly id: string;
  readonly access: ClusterAccess;
  private readonly options: Omit<WorkerOptions, 'topologyKey'>;
  private readonly mover: MoverOptions;
  private readonly pinStore: PinStore;
  private readonly rate: KeyRate | undefined;
  /** The last change this worker committed: cleaning up needs its nodes, removed ones included. */
  private committed: { readonly revision: number; readonly change: ClusterState } | undefined;

  constructor(options: WorkerOptions) {
    const { topologyKey: _key, ...kept } = options;
    this.options = kept;
    this.id = options.workerId ?? randomUUID();
    this.access = new ClusterAccess({
      ...options,
      onTopologyRejected: (node, error) => {
        options.onTopologyRejected?.(node, error);
        this.emit({ type: 'topology-rejected', node, error });
      },
    });
    this.pinStore = new PinStore(this.access.keys);
    this.rate = options.maxKeysPerSecond === undefined ? undefined : new KeyRate(options.maxKeysPerSecond);
    this.mover = {
      batchSize: options.batchSize ?? 1000,
      scanCount: options.scanCount ?? 1000,
      timeoutMs: options.timeoutMs ?? 10_000,
      bigKeyBytes: options.bigKeyBytes ?? 10 * 1024 * 1024,
      bigKeyTimeoutMs: options.bigKeyTimeoutMs ?? 120_000,
      auth: options.migrateAuth,
    };
  }

  /** Works until the cluster is stable (or `signal` aborts); returns the stable state. */
  async runUntilStable(signal?: AbortSignal): Promise<ClusterState> {
    for (;;) {
      signal?.throwIfAborted();
      const state = await this.access.require();
      this.emit({ type: 'state', state });
      if (state.mode === 'stable') {
        await this.cleanUp(state, signal);
        return state;
      }
      if (state.mode === 'frozen') await this.reverse(state, signal);
      else await this.migrate(state, signal);
    }
  }

  /** Daemon mode: waits for the next change, runs it, and waits again, until `signal` aborts. */
  async runForever(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.runUntilStable(signal);
      await sleep(this.options.pollMs ?? 500, undefined, { signal }).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.access.close();
  }

  private emit(event: WorkerEvent): void {
    this.options.onEvent?.(event);
  }

  /**
   * Source and target placements with their pins. With pins on either side the plan is the
   * algorithms' plan (ranges where they allow) with the pinned fields as exceptions, so a pin
   * change scans only the nodes that pinned keys leave.
   */
  private async plan(state: ClusterState): Promise<MovePlan> {
    const hashers = this.options.hashers;
    const pins = await this.pinStore.forState(state, [...this.access.connectionsFor(state).values()]);
    return planMove(placementWithPins(state.source!, hashers, pins.source), placementWithPins(state.topology, hashers, pins.target));
  }

  /** Waits until every live client routes by `state`'s revision. */
  private async barrier(state: ClusterState, connections: ReadonlyMap<string, NodeConnection>, signal?: AbortSignal): Promise<LeaseView> {
    const view = await waitForAcknowledgements(connections, this.access.keys, state.revision, {
      pollMs: 25,
      ...(signal === undefined ? {} : { signal }),
      onWait: async (view) => {
        this.emit({ type: 'waiting-for-clients', revision: state.revision, behind: view.behind });
        // A client that missed the announcement will poll; re-announcing makes it quicker.
        await this.access.store.announce(connections, state.revision);
      },
    });
    const fenced = await fenceLapsedClients(connections, view.clients);
    if (fenced > 0) this.emit({ type: 'fenced', connections: fenced });
    return view;
  }

  private async migrate(state: ClusterState, signal?: AbortSignal): Promise<void> {
    const connections = this.access.connectionsFor(state);
    const id = state.topology.epoch;
    const keys = this.access.keys;
    const flags = await Promise.all([...connections.values()].map((c) => c.send(['GET', keys.migrationFlag]).then(replyText, () => '')));
    if (!flags.includes(String(id))) {
      // The rule switches from "the source decides alone" to "missing here means moved" only
      // once no client can still be routing by the previous revision.
      await this.barrier(state, connections, signal);
    }
    await Promise.all([...connections.values()].map((c) => c.send(['SET', keys.migrationFlag, id])));
    const plan = await this.plan(state);
    const sources = plan.kind === 'keys' ? state.source!.nodes.map((node) => node.id) : plan.sources();
    this.emit({ type: 'moving', migrationId: id, sources });
    const urls = new Map([...state.topology.nodes, ...state.source!.nodes].map((node) => [node.id, node.url]));
    const scanCounts = this.scanCounts(plan, sources);
    const results = await Promise.all(sources.map((source) => this.moveOne(state, source, plan, connections, urls, scanCounts.get(source)!, signal)));
    if (!results.every((progress) => progress?.done === true)) {
      // Another worker holds a source, or the state changed: look again shortly.
      await sleep(this.options.pollMs ?? 500);
      return;
    }
    try {
      const committed = await this.access.write(state, { mode: 'stable', topology: state.topology });
      this.committed = { revision: committed.revision, change: state };
      this.emit({ type: 'committed', state: committed });
    } catch {
      // Someone else committed or aborted first: the loop reads the state again.
    }
  }

  /**
   * SCAN COUNT per source, so that a page yields about one full MIGRATE batch: when a quarter of
   * a node's keys leave, scanning 1,000 keys a page would make batches of 250. The share is
   * estimated on sample keys (exact enough: it only sizes pages).
   */
  private scanCounts(plan: MovePlan, sources: readonly string[]): Map<string, number> {
    const owned = new Map<string, number>();
    const leaving = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const key = `sample:${i}`;
      const from = plan.from.locate(key);
      owned.set(from, (owned.get(from) ?? 0) + 1);
      if (plan.moveOf(key) !== undefined) leaving.set(from, (leaving.get(from) ?? 0) + 1);
    }
    const counts = new Map<string, number>();
    for (const source of sources) {
      const share = (leaving.get(source) ?? 0) / Math.max(1, owned.get(source) ?? 0);
      const count = Math.ceil(this.mover.batchSize / Math.max(share, 0.01));
      counts.set(source, Math.min(20_000, Math.max(this.mover.scanCount, count)));
    }
    return counts;
  }

  private async moveOne(
    state: ClusterState,
    source: string,
    plan: MovePlan,
    connections: ReadonlyMap<string, NodeConnection>,
    urls: ReadonlyMap<string, string>,
    scanCount: number,
    signal?: AbortSignal,
  ): Promise<MoverProgress | undefined> {
    const node = connections.get(source)!;
    const leaseKey = `${this.access.keys.migrationPrefix}worker:${source}`;
    const holder = `${this.id}:${state.topology.epoch}`;
    const leaseMs = this.options.workerLeaseMs ?? 10_000;
    const hold = async () => replyInteger(await node.send(['EVAL', LEASE_SCRIPT, 1, leaseKey, holder, leaseMs])) === 1;
    const done = replyText(await node.send(['HGET', progressKey(this.access.keys, state.topology.epoch), 'done']));
    if (done === '1') return { source, moved: 0, bytes: 0, scanned: 0, cursor: '0', done: true };
    if (!(await hold())) return undefined;
    try {
      return await moveSource({
        migrationId: state.topology.epoch,
        source,
        connections,
        urls,
        plan,
        keys: this.access.keys,
        options: { ...this.mover, scanCount },
        onEvent: (event) => this.emit(event),
        rate: this.rate,
        keepGoing: async () => {
          if (signal?.aborted) return false;
          const revision = replyInteger(await node.send(['HGET', this.access.keys.topology, 'revision']));
          return revision === state.revision && (await hold());
        },
      });
    } finally {
      await node.send(['EVAL', DELETE_IF_SCRIPT, 1, leaseKey, holder]).catch(() => undefined);
    }
  }

  /**
   * The second half of an abort. Every client has stopped touching moving keys (frozen); the
   * forward move is switched off on every node, its half-failed batches are undone, and the
   * reverse move is switched on before it is announced, so no client ever sees it inactive.
   */
  private async reverse(state: ClusterState, signal?: AbortSignal): Promise<void> {
    const connections = this.access.connectionsFor(state);
    const keys = this.access.keys;
    await this.barrier(state, connections, signal);
    const forwardId = String(state.topology.epoch);
    await Promise.all([...connections.values()].map((c) => c.send(['EVAL', DELETE_IF_SCRIPT, 1, keys.migrationFlag, forwardId])));
    await this.undoUncertain(state, connections);
    const rollback = atEpoch(state.source!, state.topology.epoch + 1, this.options.hashers);
    await Promise.all([...connections.values()].map((c) => c.send(['SET', keys.migrationFlag, rollback.epoch])));
    const next = await this.access.write(state, { mode: 'migrating', source: state.topology, topology: rollback });
    this.emit({ type: 'reversing', state: next });
  }

  /** Forward batches that failed half-way: the source copy stays, stale target copies go. */
  private async undoUncertain(state: ClusterState, connections: ReadonlyMap<string, NodeConnection>): Promise<void> {
    const plan = await this.plan(state);
    const keys = this.access.keys;
    for (const [id, node] of connections) {
      const members = await node.send(['SMEMBERS', keys.uncertain]);
      const list = (Array.isArray(members) ? members : []) as Buffer[];
      if (list.length === 0) continue;
      for (const key of list) {
        const move = plan.moveOf(key);
        const target = move === undefined ? undefined : connections.get(move.to);
        if (target !== undefined && move!.from === id) {
          await killStaleMigrateConnections(target);
          await target.send(['DEL', key]);
        }
        await node.send(['SREM', keys.uncertain, key]);
      }
    }
  }

  /**
   * After a commit, once every client routes by the stable revision, the move's traces go: the
   * flag (only if it still names the finished move), checkpoints, uncertain sets, and pin sets
   * that only older states named; also on the nodes the change removed if this worker committed
   * it (best effort: they may be gone). Their copy of the state stays: a client seeded with one
   * still finds the cluster.
   */
  private async cleanUp(state: ClusterState, signal?: AbortSignal): Promise<void> {
    const connections = this.access.connectionsFor(state);
    const change = this.committed?.revision === state.revision ? this.committed.change : undefined;
    const all = change === undefined ? connections : this.access.connectionsFor(state, change);
    const keys = this.access.keys;
    const flags = await Promise.all([...all.values()].map((c) => c.send(['GET', keys.migrationFlag]).then(replyText, () => '')));
    if (flags.every((flag) => flag === '')) return;
    await this.barrier(state, connections, signal);
    await Promise.all(
      [...all].map(async ([id, c]) => {
        try {
          const flag = replyText(await c.send(['GET', keys.migrationFlag]));
          if (flag === '' || Number(flag) > state.topology.epoch) return;
          await c.send(['EVAL', DELETE_IF_SCRIPT, 1, keys.migrationFlag, flag]);
          await c.send(['DEL', progressKey(keys, Number(flag)), keys.uncertain]);
          await this.pinStore.collect(c, state.revision, state.topology.pins === undefined ? [] : [state.topology.pins.digest]);
        } catch (error) {
          if (connections.has(id)) throw error;
        }
      }),
    );
  }
}
