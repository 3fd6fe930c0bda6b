import { ShardedRedis } from '@shardis/ioredis';
import type { ClientContender } from './contract.ts';

function shardisIoredis(pipelining: 'auto' | 'plain'): ClientContender {
  const suffix = pipelining === 'auto' ? ' (auto-pipelined)' : '';
  return {
    name: `@shardis/ioredis ×3${suffix}`,
    target: 'shardis',
    pipelining,
    baseline: `ioredis${suffix}`,
    async connect({ shardis }) {
      const redis = new ShardedRedis({ cluster: shardis.cluster, seeds: [...shardis.seeds], enableAutoPipelining: pipelining === 'auto' });
      await redis.connect();
      return { get: (key) => redis.get(key), set: (key, value) => redis.set(key, value), close: async () => void (await redis.quit()) };
    },
  };
}

export const shardisIoredisContenders: readonly ClientContender[] = [shardisIoredis('plain'), shardisIoredis('auto')];
