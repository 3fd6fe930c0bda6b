import { createShardedClient } from '@shardis/node-redis';
import type { ClientContender } from './contract.ts';

export const shardisNodeRedisContender: ClientContender = {
  name: '@shardis/node-redis ×3',
  target: 'shardis',
  pipelining: 'auto',
  baseline: 'node-redis',
  async connect({ shardis }) {
    const client = createShardedClient({ cluster: shardis.cluster, seeds: [...shardis.seeds] });
    await client.connect();
    return { get: (key) => client.get(key), set: (key, value) => client.set(key, value), close: async () => void (await client.quit()) };
  },
};
