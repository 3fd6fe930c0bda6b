import { createCluster } from 'redis';
import type { ClientContender } from './contract.ts';

export const nodeRedisClusterContender: ClientContender = {
  name: 'node-redis createCluster ×3',
  target: 'redisCluster',
  pipelining: 'auto',
  async connect({ redisCluster }) {
    const cluster = createCluster({ rootNodes: redisCluster.nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })) });
    await cluster.connect();
    return { get: (key) => cluster.get(key), set: (key, value) => cluster.set(key, value), close: async () => void (await cluster.quit()) };
  },
};
