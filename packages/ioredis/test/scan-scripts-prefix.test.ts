import { CrossSlotError } from '@shardis/engine';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ShardedRedis } from '../src/index.ts';
import { holders, startCluster, type TestCluster } from './cluster.ts';

let cluster: TestCluster;
let client: ShardedRedis;
beforeAll(async () => {
  cluster = await startCluster('scan');
  client = new ShardedRedis({ cluster: 'scan', seeds: cluster.seeds });
});
afterAll(async () => {
  await client?.quit();
  await cluster?.stop();
});
beforeEach(() => cluster.clear());

async function collect<T>(stream: Readable): Promise<T[]> {
  const all: T[] = [];
  for await (const batch of stream) all.push(...(batch as T[]));
  return all;
}

describe('scanStream', () => {
  it('reports every key of every node exactly once, and never shardis keys', async () => {
    const keys = Array.from({ length: 600 }, (_, i) => `scan:${i}`);
    await client.mset(Object.fromEntries(keys.map((key) => [key, '1'])));
    for (const id of cluster.direct.keys()) expect(keys.some((key) => cluster.owner(key) === id)).toBe(true);
    const seen = await collect<string>(client.scanStream({ count: 50 }));
    expect(seen).toHaveLength(keys.length);
    expect(new Set(seen)).toEqual(new Set(keys));
  });

  it('filters by match and type, and has a Buffer variant for binary keys', async () => {
    await client.mset('f:a1', '1', 'f:a2', '1', 'f:b1', '1');
    await client.rpush('f:alist', 'x');
    const binary = Buffer.from([0x66, 0x3a, 0x61, 0xff, 0x00]);
    await client.set(binary, '1');
    expect((await collect<string>(client.scanStream({ match: 'f:a?' }))).sort()).toEqual(['f:a1', 'f:a2']);
    expect(await collect<string>(client.scanStream({ match: 'f:*', type: 'list' }))).toEqual(['f:alist']);
    const buffers = await collect<Buffer>(client.scanBufferStream({ match: 'f:a*' }));
    expect(buffers.some((key) => key.equals(binary))).toBe(true);
  });

  it('hscanStream, sscanStream and zscanStream walk one key on its owner', async () => {
    await client.hset('big:h', Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}`, `${i}`])));
    const pairs = await collect<string>(client.hscanStream('big:h', { count: 100 }));
    expect(pairs).toHaveLength(600);
    await client.sadd('big:s', ...Array.from({ length: 300 }, (_, i) => `m${i}`));
    expect(new Set(await collect<string>(client.sscanStream('big:s'))).size).toBe(300);
    await client.zadd('big:z', 1, 'a', 2, 'b');
    expect(await collect<string>(client.zscanStream('big:z'))).toEqual(['a', '1', 'b', '2']);
  });
});

describe('defineCommand', () => {
  const lua = "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1])";

  it('runs a Lua script on the node that owns its keys, loading it where it is missing', async () => {
    client.defineCommand('setget', { numberOfKeys: 1, lua });
    const scripted = client as unknown as { setget(key: string, value: string): Promise<string>; setgetBuffer(key: string, value: string): Promise<Buffer> };
    const keys = Array.from({ length: 20 }, (_, i) => `lua:${i}`);
    for (const key of keys) expect(await scripted.setget(key, `v${key}`)).toBe(`v${key}`);
    for (const key of keys) expect(await holders(cluster, key)).toEqual([cluster.owner(key)]);
    // A node that lost its script cache (restart, SCRIPT FLUSH) gets the body again.
    for (const redis of cluster.direct.values()) await redis.script('FLUSH');
    expect(await scripted.setgetBuffer('lua:0', 'again')).toEqual(Buffer.from('again'));
  });

  it('refuses a script whose keys live on different nodes', async () => {
    client.defineCommand('copy2', { numberOfKeys: 2, lua: "return redis.call('COPY', KEYS[1], KEYS[2])" });
    const scripted = client as unknown as { copy2(a: string, b: string): Promise<number> };
    const a = 'copy:0';
    const b = Array.from({ length: 50 }, (_, i) => `copy:${i}`).find((key) => cluster.owner(key) !== cluster.owner(a))!;
    await expect(scripted.copy2(a, b)).rejects.toBeInstanceOf(CrossSlotError);
    await client.set('{c}:a', 'v');
    expect(await scripted.copy2('{c}:a', '{c}:b')).toBe(1);
  });

  it('takes scripts from the scripts option, like ioredis', async () => {
    const other = new ShardedRedis({ cluster: 'scan', seeds: cluster.seeds, scripts: { twice: { numberOfKeys: 0, lua: 'return ARGV[1] .. ARGV[1]' } } });
    expect(await (other as unknown as { twice(value: string): Promise<string> }).twice('ab')).toBe('abab');
    await other.quit();
  });
});

describe('keyPrefix', () => {
  it('is applied before routing, so keys live where their prefixed name hashes', async () => {
    const prefixed = new ShardedRedis({ cluster: 'scan', seeds: cluster.seeds, keyPrefix: 'app:' });
    const keys = Array.from({ length: 40 }, (_, i) => `pk${i}`);
    // Some keys must route differently with and without the prefix, or the test proves nothing.
    expect(keys.some((key) => cluster.owner(key) !== cluster.owner(`app:${key}`))).toBe(true);
    await prefixed.mset(Object.fromEntries(keys.map((key) => [key, key])));
    for (const key of keys) expect(await holders(cluster, `app:${key}`)).toEqual([cluster.owner(`app:${key}`)]);
    expect(await holders(cluster, keys[0]!)).toEqual([]);
    expect(await prefixed.mget(keys)).toEqual(keys);
    expect(await client.get(`app:${keys[1]}`)).toBe(keys[1]);
    expect(await prefixed.pipeline().get(keys[2]!).exec()).toEqual([[null, keys[2]]]);
    expect(await prefixed.multi().set('{t}x', '1').get('{t}x').exec()).toEqual([[null, 'OK'], [null, '1']]);
    expect(await holders(cluster, 'app:{t}x')).toEqual([cluster.owner('{t}')]);
    prefixed.defineCommand('readkey', { numberOfKeys: 1, lua: "return redis.call('GET', KEYS[1])" });
    expect(await (prefixed as unknown as { readkey(key: string): Promise<string> }).readkey(keys[3]!)).toBe(keys[3]);
    // Like ioredis, scanStream neither adds the prefix to MATCH nor strips it from the keys.
    expect((await collect<string>(prefixed.scanStream({ match: 'app:pk1*' }))).sort()).toEqual(keys.filter((key) => key.startsWith('pk1')).map((key) => `app:${key}`).sort());
    await prefixed.quit();
  });
});
