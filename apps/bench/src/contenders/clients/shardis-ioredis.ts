import { ShardedRedis } from '@shardis/ioredis';
import type { ClientContender } from './contract.ts';

function shardisIoredis(pipelining: 'auto' | 'plain', nodes: 1 | 3): ClientContender {
  const suffix = pipelining === 'auto' ? ' (auto-pipelined)' : '';
  return {
    name: `@shardis/ioredis ×${nodes}${suffix}`,
    target: nodes === 1 ? 'shardisSingle' : 'shardis',
    pipelining,
    baseline: `ioredis${suffix}`,
    async connect(environment) {
      const shardis = nodes === 1 ? environment.shardisSingle : environment.shardis;
      const redis = new ShardedRedis({ cluster: shardis.cluster, seeds: [...shardis.seeds], enableAutoPipelining: pipelining === 'auto' });
      await redis.connect();
      return { get: (key) => redis.get(key), set: (key, value) => redis.set(key, value), close: async () => void (await redis.quit()) };
    },
  };
}

export const shardisIoredisContenders: readonly ClientContender[] = [shardisIoredis('plain', 1), shardisIoredis('auto', 1), shardisIoredis('plain', 3), shardisIoredis('auto', 3)];
