import { Redis } from 'ioredis';
import type { ClientContender } from './contract.ts';

function rawIoredis(pipelining: 'auto' | 'plain'): ClientContender {
  return {
    name: `ioredis${pipelining === 'auto' ? ' (auto-pipelined)' : ''}`,
    target: 'single',
    pipelining,
    async connect({ single }) {
      const redis = new Redis({ host: single.host, port: single.port, enableAutoPipelining: pipelining === 'auto', lazyConnect: true });
      await redis.connect();
      return { get: (key) => redis.get(key), set: (key, value) => redis.set(key, value), close: async () => void (await redis.quit()) };
    },
  };
}

export const ioredisContenders: readonly ClientContender[] = [rawIoredis('plain'), rawIoredis('auto')];
