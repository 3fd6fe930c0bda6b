import { ErrorReply, MultiErrorReply } from '@redis/client';
import { CrossSlotError } from '@shardis/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShardedClient, type ShardedClientType } from '../src/index.ts';
import { startCluster, type TestCluster } from './cluster.ts';

let cluster: TestCluster;
let client: ShardedClientType;

beforeAll(async () => {
  cluster = await startCluster('multikey');
  client = await createShardedClient({ cluster: 'multikey', seeds: cluster.nodes.map((node) => node.url) }).connect();
});
afterAll(async () => {
  await client?.close();
  await cluster?.stop();
});

/** Keys named `${prefix}${i}` until there are some on every node. */
function keysOnEveryNode(prefix: string, count = 12): string[] {
  const keys = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  expect(new Set(keys.map((key) => cluster.owner(key))).size).toBe(3);
  return keys;
}

/** How many times each node ran `command` (INFO commandstats), to prove that nothing was sent. */
async function calls(command: string): Promise<number[]> {
  return Promise.all(
    cluster.nodes.map(async (node) => {
      const stats = await cluster.direct.get(node.id)!.info('commandstats');
      return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    }),
  );
}

describe('multi-key commands split over nodes', () => {
  it('mSet writes each key on its owner; mGet answers in the caller order', async () => {
    const keys = keysOnEveryNode('mk:');
    expect(await client.mSet(Object.fromEntries(keys.map((key) => [key, `value of ${key}`])))).toBe('OK');
    for (const key of keys) expect(await cluster.holders(key)).toEqual([cluster.owner(key)]);
    const order = [...keys].reverse().concat('mk:missing');
    expect(await client.mGet(order)).toEqual([...keys.map((key) => `value of ${key}`).reverse(), null]);
  });

  it('exists, touch, del and unlink count over every node', async () => {
    const keys = keysOnEveryNode('cnt:');
    await client.mSet(Object.fromEntries(keys.map((key) => [key, '1'])));
    expect(await client.exists([...keys, 'cnt:none'])).toBe(keys.length);
    expect(await client.touch(keys)).toBe(keys.length);
    expect(await client.del(keys.slice(0, 6))).toBe(6);
    expect(await client.unlink([...keys, 'cnt:none'])).toBe(keys.length - 6);
    for (const key of keys) expect(await cluster.holders(key)).toEqual([]);
  });
});

describe('multi()', () => {
  it('execAsPipeline runs over every node; an error mid-way stays in place and the rest is applied', async () => {
    const keys = keysOnEveryNode('pipe:');
    await client.set('pipe:text', 'not a number');
    const pipeline = client.multi().set(keys[0]!, 'a').incr('pipe:text').set(keys[1]!, 'b').get(keys[0]!);
    for (const key of keys.slice(2)) pipeline.incr(key);
    const error = (await pipeline.execAsPipeline().catch((e: unknown) => e)) as MultiErrorReply;
    expect(error).toBeInstanceOf(MultiErrorReply);
    expect(error.errorIndexes).toEqual([1]);
    expect(error.replies[1]).toBeInstanceOf(ErrorReply);
    expect((error.replies[1] as Error).message).toMatch(/not an integer/);
    expect(error.replies.filter((_, i) => i !== 1)).toEqual(['OK', 'OK', 'a', ...keys.slice(2).map(() => 1)]);
    expect(await client.mGet(keys)).toEqual(['a', 'b', ...keys.slice(2).map(() => '1')]);
    expect(await client.multi().execAsPipeline()).toEqual([]);
  });

  it('exec with hash tags is one transaction on the owner, replies transformed', async () => {
    const replies = await client.multi().hSet('{user:7}:profile', { name: 'x' }).incr('{user:7}:visits').hGetAll('{user:7}:profile').exists(['{user:7}:visits', '{user:7}:none']).exec();
    expect(replies).toEqual([1, 1, Object.assign(Object.create(null), { name: 'x' }), 1]);
    const owner = cluster.owner('{user:7}:profile');
    expect(cluster.owner('{user:7}:visits')).toBe(owner);
    expect(await cluster.holders('{user:7}:profile')).toEqual([owner]);
    expect(await cluster.holders('{user:7}:visits')).toEqual([owner]);
  });

  it('exec keeps an EXEC error in place as node-redis does (MultiErrorReply)', async () => {
    await client.set('{tx}:text', 'abc');
    const error = (await client.multi().incr('{tx}:text').set('{tx}:other', '1').exec().catch((e: unknown) => e)) as MultiErrorReply;
    expect(error).toBeInstanceOf(MultiErrorReply);
    expect(error.errorIndexes).toEqual([0]);
    expect(error.replies[1]).toBe('OK');
  });

  it('exec over keys of different nodes fails with CrossSlotError before anything is sent', async () => {
    const keys = keysOnEveryNode('tx:');
    const a = keys[0]!;
    const b = keys.find((key) => cluster.owner(key) !== cluster.owner(a))!;
    const before = await calls('multi');
    const error = await client.multi().set(a, '1').set(b, '2').exec().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrossSlotError);
    expect(error).toMatchObject({ name: 'CrossSlotError', command: 'MULTI' });
    expect(await calls('multi')).toEqual(before);
    expect([...(await cluster.holders(a)), ...(await cluster.holders(b))]).toEqual([]);
  });
});

describe('scanIterator', () => {
  it('yields arrays of keys; every key of the cluster exactly once, none of shardis own', async () => {
    await client.flushAll();
    const keys = Array.from({ length: 600 }, (_, i) => `scan:${i}`);
    await client.mSet(Object.fromEntries(keys.map((key) => [key, 'v'])));
    await client.sAdd('scan:set', 'm');
    const seen: string[] = [];
    for await (const batch of client.scanIterator({ COUNT: 50 })) {
      expect(Array.isArray(batch)).toBe(true);
      seen.push(...batch);
    }
    expect(seen.length).toBe(keys.length + 1);
    expect(new Set(seen)).toEqual(new Set([...keys, 'scan:set']));
    const sets: string[] = [];
    for await (const batch of client.scanIterator({ TYPE: 'set', MATCH: 'scan:*' })) sets.push(...batch);
    expect(sets).toEqual(['scan:set']);
    const matched: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: 'scan:1?' })) matched.push(...batch);
    expect(matched.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `scan:1${i}`).sort());
  });
});
