import { createTopology, topologyPlacement, type AlgorithmName } from '@shardis/core';
import { ClusterAdmin, MigrationWorker, type NodeConnection, type TopologyChange, type WorkerEvent, type WorkerOptions } from '@shardis/engine';
import { ioredisDriver } from '@shardis/ioredis';
import { startRedisServers, type RedisServer } from '@shardis/testkit';
import { checkHistory, type CheckReport } from './checker.ts';
import { ioredisClient, nodeRedisClient, type ClientSettings } from './clients.ts';
import { runWorkload, type Op, type WorkloadClient } from './workload.ts';

export interface ClusterUnderTest {
  readonly cluster: string;
  readonly servers: readonly RedisServer[];
  readonly seeds: readonly string[];
  readonly admin: ClusterAdmin;
  nodeUrl(index: number): string;
  /** Direct control connections per node id (for checks and fault injection). */
  connections(): Promise<Map<string, NodeConnection>>;
  stop(): Promise<void>;
}

let clusterCounter = 0;

/** Starts `total` servers; the first `initial` form the cluster's first topology. */
export async function startCluster(total: number, initial: number, algorithm: AlgorithmName = 'ring'): Promise<ClusterUnderTest> {
  const servers = await startRedisServers(total);
  const cluster = `history${++clusterCounter}`;
  const seeds = servers.slice(0, initial).map((server) => server.url);
  const admin = new ClusterAdmin({ driver: ioredisDriver(), cluster, seeds });
  await admin.init(createTopology({ cluster, algorithm, nodes: servers.slice(0, initial).map((server, i) => ({ id: `n${i}`, url: server.url })) }));
  return {
    cluster,
    servers,
    seeds,
    admin,
    nodeUrl: (index) => servers[index]!.url,
    connections: async () => {
      const state = await admin.access.require();
      return admin.access.connectionsFor(state);
    },
    stop: async () => {
      await admin.close();
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}

/**
 * Fills the cluster with `count` plain keys through a client, so that moves take long enough for
 * the workload to race them (the interesting part of the history).
 */
export async function preload(client: WorkloadClient & { redis?: { pipeline(): { set(k: string, v: string): unknown; exec(): Promise<unknown> } } }, count: number): Promise<void> {
  const redis = client.redis;
  if (redis === undefined) throw new Error('preload needs an ioredis workload client');
  for (let start = 0; start < count; start += 1000) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(count, start + 1000); i++) pipeline.set(`fill:${i}`, 'x'.repeat(32));
    await pipeline.exec();
  }
}

/** 8 clients: 4 over ioredis, 4 over node-redis. */
export async function startClients(cut: ClusterUnderTest, count = 8, overrides: Partial<ClientSettings> = {}): Promise<WorkloadClient[]> {
  const settings: ClientSettings = { cluster: cut.cluster, seeds: cut.seeds, ...overrides };
  return Promise.all(Array.from({ length: count }, (_, i) => (i % 2 === 0 ? ioredisClient(`io${i}`, settings) : nodeRedisClient(`nr${i}`, settings))));
}

export interface Run {
  readonly history: Op[];
  readonly events: WorkerEvent[];
  stopWorkload(): Promise<void>;
}

export function startWorkload(clients: readonly WorkloadClient[]): Run {
  const history: Op[] = [];
  const stop = new AbortController();
  const loops = clients.map((client) => runWorkload(client, history, stop.signal));
  return {
    history,
    events: [],
    stopWorkload: async () => {
      stop.abort();
      await Promise.all(loops);
    },
  };
}

export function worker(cut: ClusterUnderTest, run: Run | undefined, options: Partial<WorkerOptions> = {}): MigrationWorker {
  return new MigrationWorker({
    driver: ioredisDriver(),
    cluster: cut.cluster,
    seeds: cut.seeds,
    onEvent: (event) => run?.events.push(event),
    ...options,
  });
}

/** Applies each change and runs a worker until the cluster is stable again. */
export async function applyChanges(cut: ClusterUnderTest, changes: readonly TopologyChange[], run: Run, options: Partial<WorkerOptions> = {}): Promise<void> {
  const mover = worker(cut, run, options);
  try {
    for (const change of changes) {
      await cut.admin.change(change);
      await mover.runUntilStable();
    }
  } finally {
    await mover.close();
  }
}

/** Stops the workload, waits for clients to quit, and checks the history against every node. */
export async function finish(cut: ClusterUnderTest, clients: readonly WorkloadClient[], run: Run): Promise<CheckReport> {
  await run.stopWorkload();
  await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
  const state = await cut.admin.access.require();
  const connections = cut.admin.access.connectionsFor(state);
  // Nodes removed from the topology must be empty too: check every server we started.
  const all = new Map(connections);
  for (const [i, server] of cut.servers.entries()) if (![...connections.keys()].some((id) => id === `n${i}`)) all.set(`n${i}`, cut.admin.access.connectionsFor({ ...state, topology: { ...state.topology, nodes: [{ id: `n${i}`, url: server.url, weight: 1 }] } }).get(`n${i}`)!);
  return checkHistory(run.history, all, topologyPlacement(state.topology));
}

/** A short human summary for assertion messages. */
export function summarize(report: CheckReport): string {
  const list = (name: string, items: readonly { key: string; problem: string }[]) => (items.length === 0 ? '' : `\n${name} (${items.length}): ${items.slice(0, 5).map((v) => `${v.key}: ${v.problem}`).join('; ')}`);
  return `keys ${report.keys}, acknowledged ${report.acknowledged}, not applied ${report.notApplied}, unknown ${report.unknown}` +
    list('lost', report.lost) + list('duplicated', report.duplicated) + list('misplaced', report.misplaced) + list('phantom', report.phantom) + list('ttl', report.ttl);
}
