import type { ShardedRedis } from '@shardis/ioredis';

/** The demo's keys: several data types, each value derived from the key's number so it can be checked. */
export type KeyKind = 'string' | 'hash' | 'list' | 'set' | 'zset';

const KINDS: readonly KeyKind[] = ['string', 'string', 'string', 'string', 'string', 'string', 'hash', 'list', 'set', 'zset'];

export function kindOf(i: number): KeyKind {
  return KINDS[i % KINDS.length]!;
}

export function keyName(i: number): string {
  return `demo:${kindOf(i)}:${i}`;
}

const BATCH = 1000;

/** Writes keys 0…count-1 through the sharded client, a pipeline of 1,000 at a time. */
export async function writeDataset(redis: ShardedRedis, count: number, onProgress: (written: number) => void): Promise<void> {
  for (let start = 0; start < count; start += BATCH) {
    const pipeline = redis.pipeline();
    const end = Math.min(count, start + BATCH);
    for (let i = start; i < end; i++) {
      const key = keyName(i);
      switch (kindOf(i)) {
        case 'string':
          pipeline.set(key, `v${i}`);
          break;
        case 'hash':
          pipeline.hset(key, 'n', String(i), 'double', String(2 * i));
          break;
        case 'list':
          pipeline.rpush(key, String(i), String(i + 1));
          break;
        case 'set':
          pipeline.sadd(key, `a${i}`, `b${i}`);
          break;
        case 'zset':
          pipeline.zadd(key, i, `m${i}`);
          break;
      }
    }
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed !== undefined) throw failed[0];
    onProgress(end);
  }
}

/** Reads every key back and returns the numbers of those missing or wrong. */
export async function checkDataset(redis: ShardedRedis, count: number): Promise<number[]> {
  const bad: number[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const pipeline = redis.pipeline();
    const end = Math.min(count, start + BATCH);
    for (let i = start; i < end; i++) {
      const key = keyName(i);
      const kind = kindOf(i);
      if (kind === 'string') pipeline.get(key);
      else if (kind === 'hash') pipeline.hgetall(key);
      else if (kind === 'list') pipeline.lrange(key, 0, -1);
      else if (kind === 'set') pipeline.smembers(key);
      else pipeline.zrange(key, 0, -1, 'WITHSCORES');
    }
    const results = (await pipeline.exec()) ?? [];
    for (let i = start; i < end; i++) {
      const [error, value] = results[i - start] ?? [new Error('no reply'), null];
      if (error !== null || !matches(i, value)) bad.push(i);
    }
  }
  return bad;
}

function matches(i: number, value: unknown): boolean {
  switch (kindOf(i)) {
    case 'string':
      return value === `v${i}`;
    case 'hash': {
      const hash = value as Record<string, string>;
      return hash['n'] === String(i) && hash['double'] === String(2 * i);
    }
    case 'list':
      return JSON.stringify(value) === JSON.stringify([String(i), String(i + 1)]);
    case 'set':
      return Array.isArray(value) && value.length === 2 && value.includes(`a${i}`) && value.includes(`b${i}`);
    case 'zset':
      return JSON.stringify(value) === JSON.stringify([`m${i}`, String(i)]);
  }
}
