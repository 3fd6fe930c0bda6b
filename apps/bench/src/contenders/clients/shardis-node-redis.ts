import { createShardedClient } from '@shardis/node-redis';
import type { ClientContender } from './contract.ts';

function shardisNodeRedis(nodes: 1 | 3): ClientContender {
  return {
    name: `@shardis/node-redis ×${nodes}`,
    target: nodes === 1 ? 'shardisSingle' : 'shardis',
    pipelining: 'auto',
    baseline: 'node-redis',
    async connect(environment) {
      const shardis = nodes === 1 ? environment.shardisSingle : environment.shardis;
      const client = createShardedClient({ cluster: shardis.cluster, seeds: [...shardis.seeds] });
      await client.connect();
      return { get: (key) => client.get(key), set: (key, value) => client.set(key, value), close: async () => void (await client.quit()) };
    },
  };
}

export const shardisNodeRedisContenders: readonly ClientContender[] = [shardisNodeRedis(1), shardisNodeRedis(3)];
