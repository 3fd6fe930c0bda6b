import { startRedis, type RedisServer } from '@shardis/testkit';
import type { ClientEnvironment } from '../../contenders/clients/index.ts';
import { startRedisCluster, type RedisCluster } from '../../servers/redis-cluster.ts';
import { startShardisServers, type ShardisServers } from '../../servers/shardis-cluster.ts';

export interface RunningEnvironment {
  readonly environment: ClientEnvironment;
  stop(): Promise<void>;
}

/**
 * Starts one plain server, three shardis nodes, a one-node shardis cluster and a three-master Redis Cluster, all on free
 * ports. `stop` stops every one of them; a failure half-way stops what had started.
 */
export async function startClientEnvironment(): Promise<RunningEnvironment> {
  let single: RedisServer | undefined;
  let shardis: ShardisServers | undefined;
  let shardisSingle: ShardisServers | undefined;
  let cluster: RedisCluster | undefined;
  const stop = async () => {
    await Promise.all([single?.stop(), shardis?.stop(), shardisSingle?.stop(), cluster?.stop()]);
  };
  try {
    single = await startRedis();
    shardis = await startShardisServers(3);
    shardisSingle = await startShardisServers(1);
    cluster = await startRedisCluster(3);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    environment: {
      single: { host: single.host, port: single.port, url: single.url },
      shardis: { cluster: shardis.cluster, seeds: shardis.seeds },
      shardisSingle: { cluster: shardisSingle.cluster, seeds: shardisSingle.seeds },
      redisCluster: { nodes: cluster.nodes },
    },
    stop,
  };
}
