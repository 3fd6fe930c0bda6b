import { createTopology, type AlgorithmName } from '@shardis/core';
import { ClusterAdmin } from '@shardis/engine';
import { ioredisDriver } from '@shardis/ioredis';
import { startRedisServers, stopAll, type RedisServer } from '@shardis/testkit';

/** redis-server processes holding one shardis cluster, as the operator CLI would set it up. */
export interface ShardisServers {
  readonly cluster: string;
  readonly servers: readonly RedisServer[];
  /** Seeds a client is given: the nodes of the first topology. */
  readonly seeds: readonly string[];
  /** Kept open for topology changes (the migration suite); closed by `stop`. */
  readonly admin: ClusterAdmin;
  stop(): Promise<void>;
}

let counter = 0;

/** Starts `total` servers; the first `initial` (default all) form the first topology, `n0`…, placed by jump unless told. */
export async function startShardisServers(total: number, options: { initial?: number; algorithm?: AlgorithmName } = {}): Promise<ShardisServers> {
  const servers = await startRedisServers(total);
  const initial = servers.slice(0, options.initial ?? total);
  const cluster = `bench${process.pid}x${++counter}`;
  const seeds = initial.map((server) => server.url);
  const admin = new ClusterAdmin({ driver: ioredisDriver(), cluster, seeds });
  try {
    const nodes = initial.map((server, i) => ({ id: `n${i}`, url: server.url }));
    await admin.init(createTopology({ cluster, nodes, algorithm: options.algorithm ?? 'jump' }));
  } catch (error) {
    await admin.close().catch(() => undefined);
    await stopAll(servers);
    throw error;
  }
  return {
    cluster,
    servers,
    seeds,
    admin,
    stop: async () => {
      await admin.close().catch(() => undefined);
      await stopAll(servers);
    },
  };
}
