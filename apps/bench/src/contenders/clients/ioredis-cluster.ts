import { Cluster } from 'ioredis';
import type { ClientContender } from './contract.ts';

function ioredisCluster(pipelining: 'auto' | 'plain'): ClientContender {
  return {
    name: `ioredis Cluster ×3${pipelining === 'auto' ? ' (auto-pipelined)' : ''}`,
    target: 'redisCluster',
    pipelining,
    async connect({ redisCluster }) {
      const cluster = new Cluster(
        redisCluster.nodes.map(({ host, port }) => ({ host, port })),
        { enableAutoPipelining: pipelining === 'auto', lazyConnect: true },
      );
      await cluster.connect();
      return { get: (key) => cluster.get(key), set: (key, value) => cluster.set(key, value), close: async () => void (await cluster.quit()) };
    },
  };
}

export const ioredisClusterContenders: readonly ClientContender[] = [ioredisCluster('plain'), ioredisCluster('auto')];
