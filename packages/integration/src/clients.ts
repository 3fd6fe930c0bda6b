import { ShardedRedis } from '@shardis/ioredis';
import { createShardedClient, type ShardedClientType } from '@shardis/node-redis';
import type { WorkloadClient } from './workload.ts';

export interface ClientSettings {
  readonly cluster: string;
  readonly seeds: readonly string[];
  readonly pollIntervalMs?: number;
  readonly leaseMs?: number;
  readonly retryTimeoutMs?: number;
  readonly clientId?: string;
  /** Reach nodes by other addresses (a proxy per node, to partition this client alone). */
  readonly mapNodeUrl?: (node: { id: string; url: string }) => string;
}

function engineOptions(settings: ClientSettings) {
  return {
    cluster: settings.cluster,
    seeds: [...settings.seeds],
    pollIntervalMs: settings.pollIntervalMs ?? 250,
    leaseMs: settings.leaseMs ?? 4000,
    retryTimeoutMs: settings.retryTimeoutMs ?? 15_000,
    ...(settings.clientId === undefined ? {} : { clientId: settings.clientId }),
    ...(settings.mapNodeUrl === undefined ? {} : { mapNodeUrl: settings.mapNodeUrl }),
  };
}

/** A workload client over `@shardis/ioredis`, through ioredis's own command methods. */
export async function ioredisClient(name: string, settings: ClientSettings): Promise<WorkloadClient & { redis: ShardedRedis }> {
  const redis = new ShardedRedis({ ...engineOptions(settings), maxRetriesPerRequest: 2 });
  await redis.connect();
  return {
    name,
    redis,
    incr: (key) => redis.incr(key),
    rpush: (key, value) => redis.rpush(key, value),
    set: (key, value, px) => (px === undefined ? redis.set(key, value) : redis.set(key, value, 'PX', px)),
    hset: (key, field, value) => redis.hset(key, field, value),
    sadd: (key, member) => redis.sadd(key, member),
    zadd: (key, score, member) => redis.zadd(key, score, member),
    xadd: async (key, field, value) => (await redis.xadd(key, '*', field, value)) ?? '',
    multiIncr: async (keys) => {
      const chain = redis.multi();
      for (const key of keys) chain.incr(key);
      const results = await chain.exec();
      const failed = results?.find(([error]) => error !== null);
      if (failed !== undefined) throw failed[0];
      return results;
    },
    quit: async () => {
      await redis.quit();
    },
  };
}

/** A workload client over `@shardis/node-redis`, through node-redis's own command methods. */
export async function nodeRedisClient(name: string, settings: ClientSettings): Promise<WorkloadClient & { client: ShardedClientType }> {
  const client = createShardedClient(engineOptions(settings));
  await client.connect();
  return {
    name,
    client,
    incr: (key) => client.incr(key),
    rpush: (key, value) => client.rPush(key, value),
    set: (key, value, px) => (px === undefined ? client.set(key, value) : client.set(key, value, { PX: px })),
    hset: (key, field, value) => client.hSet(key, field, value),
    sadd: (key, member) => client.sAdd(key, member),
    zadd: (key, score, member) => client.zAdd(key, { score, value: member }),
    xadd: async (key, field, value) => String(await client.xAdd(key, '*', { [field]: value })),
    multiIncr: async (keys) => {
      const chain = client.multi();
      for (const key of keys) chain.incr(key);
      return chain.exec();
    },
    quit: async () => {
      await client.quit();
    },
  };
}
