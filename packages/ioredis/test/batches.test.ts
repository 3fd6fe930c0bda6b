import { CrossSlotError } from '@shardis/engine';
import { ReplyError } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ShardedRedis } from '../src/index.ts';
import { holders, startCluster, type TestCluster } from './cluster.ts';

let cluster: TestCluster;
let client: ShardedRedis;
beforeAll(async () => {
  cluster = await startCluster('batch');
  client = new ShardedRedis({ cluster: 'batch', seeds: cluster.seeds });
});
afterAll(async () => {
  await client?.quit();
  await cluster?.stop();
});
beforeEach(() => cluster.clear());

/** Two keys that live on different nodes. */
function apart(prefix: string): [string, string] {
  const first = `${prefix}0`;
  for (let i = 1; i < 100; i++) if (cluster.owner(`${prefix}${i}`) !== cluster.owner(first)) return [first, `${prefix}${i}`];
  throw new Error('no two keys on different nodes');
}

/** Reads the servers have processed (INFO stats): one per write a client's socket made, or fewer. */
async function reads(): Promise<number> {
  let total = 0;
  for (const redis of cluster.direct.values()) total += Number(/total_reads_processed:(\d+)/.exec(await redis.info('stats'))![1]);
  return total;
}

/** How many times each node has run `command` (INFO commandstats). */
async function calls(command: string): Promise<number> {
  let total = 0;
  for (const redis of cluster.direct.values()) {
    const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(await redis.info('commandstats'));
    total += Number(match?.[1] ?? 0);
  }
  return total;
}

describe('pipeline', () => {
  it('runs over several nodes and keeps results, transformed, in call order with an error in place', async () => {
    const [a, b] = apart('p:');
    await client.set('p:text', 'not a number');
    const results = await client.pipeline().set(a, '1').incr('p:text').hset(b, { f: 'v' }).hgetall(b).get(a).getBuffer(a).exec();
    expect(results).toHaveLength(6);
    expect(results![0]).toEqual([null, 'OK']);
    expect(results![1]![0]).toBeInstanceOf(ReplyError);
    expect((results![1]![0] as Error).message).toMatch(/not an integer/);
    expect(results!.slice(2)).toEqual([[null, 1], [null, { f: 'v' }], [null, '1'], [null, Buffer.from('1')]]);
    expect(await holders(cluster, a)).toEqual([cluster.owner(a)]);
    expect(await holders(cluster, b)).toEqual([cluster.owner(b)]);
  });

  it('accepts a batch of commands, reports length, and resolves per-command promises and callbacks', async () => {
    const pipeline = client.pipeline([['set', 'pb:k', 'v'], ['get', 'pb:k']]);
    let fromCallback: unknown;
    const get = pipeline.get('pb:k', (_error, value) => (fromCallback = value));
    expect(pipeline.length).toBe(3);
    expect(get).toBe(pipeline);
    expect(await pipeline.exec()).toEqual([[null, 'OK'], [null, 'v'], [null, 'v']]);
    expect(fromCallback).toBe('v');
    expect(await client.pipeline().exec()).toEqual([]);
  });

  it('splits multi-key commands inside a pipeline', async () => {
    const [a, b] = apart('pm:');
    expect(await client.pipeline().mset(a, '1', b, '2').mget(b, a, 'pm:none').exec()).toEqual([[null, 'OK'], [null, ['2', '1', null]]]);
  });

  it('with enableAutoPipelining, the commands of one tick reach each node in one write', async () => {
    const keys = Array.from({ length: 300 }, (_, i) => `ap:${i}`);
    const burst = async (redis: ShardedRedis, write: boolean): Promise<number> => {
      const before = await reads();
      const replies = await Promise.all(keys.map((key) => (write ? redis.set(key, key) : redis.get(key))));
      expect(replies).toEqual(keys.map((key) => (write ? 'OK' : key)));
      return (await reads()) - before;
    };
    const auto = new ShardedRedis({ cluster: 'batch', seeds: cluster.seeds, enableAutoPipelining: true });
    await auto.connect();
    await client.connect();
    // Connections to every node open before counting.
    await Promise.all(keys.slice(0, 30).map((key) => Promise.all([auto.exists(key), client.exists(key)])));
    // A burst costs each node one read of the burst, plus the INFO that counts it (3 nodes).
    const batched = [await burst(auto, true), await burst(auto, false)];
    for (const count of batched) expect(count).toBeLessThanOrEqual(2 * cluster.direct.size);
    // Without the option each command is its own write; the server reads at least several.
    expect(await burst(client, false)).toBeGreaterThan(Math.max(...batched));
    for (const key of keys.slice(0, 10)) expect(await holders(cluster, key)).toEqual([cluster.owner(key)]);
    await auto.quit();
  });
});

describe('multi', () => {
  it('runs on the node that owns a hash tag, with errors in place and results transformed', async () => {
    const results = await client.multi().set('{acct:1}:name', 'ann').incr('{acct:1}:name').hset('{acct:1}:h', 'f', 'v').hgetall('{acct:1}:h').get('{acct:1}:name').exec();
    expect(results![0]).toEqual([null, 'OK']);
    expect(results![1]![0]).toBeInstanceOf(ReplyError);
    expect(results!.slice(2)).toEqual([[null, 1], [null, { f: 'v' }], [null, 'ann']]);
    expect(await holders(cluster, '{acct:1}:h')).toEqual([cluster.owner('{acct:1}')]);
  });

  it('fails with CrossSlotError when keys live on different nodes, and sends nothing', async () => {
    const [a, b] = apart('mx:');
    await client.multi().set('{mx}:counted', '1').exec();
    const before = await calls('multi');
    expect(before).toBeGreaterThan(0);
    const transaction = client.multi().set(a, '1').set(b, '2');
    const error = await transaction.exec().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrossSlotError);
    expect(await calls('multi')).toBe(before);
    expect(await holders(cluster, a)).toEqual([]);
    expect(await holders(cluster, b)).toEqual([]);
  });

  it('rejects on EXECABORT, applying nothing', async () => {
    const error = await client.multi().set('{ab}:k', 'v').call('SET', '{ab}:x').exec().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplyError);
    expect((error as Error).message).toMatch(/^EXECABORT/);
    expect(await client.exists('{ab}:k')).toBe(0);
  });

  it('runs a script defined with defineCommand inside the transaction', async () => {
    client.defineCommand('getset2', { numberOfKeys: 1, lua: "local old = redis.call('GET', KEYS[1]); redis.call('SET', KEYS[1], ARGV[1]); return old" });
    const typed = client as unknown as { getset2(key: string, value: string): Promise<string | null> };
    await typed.getset2('{s}:k', 'one');
    const multi = client.multi() as unknown as { getset2(key: string, value: string): unknown; get(key: string): unknown; exec(): Promise<unknown> };
    multi.getset2('{s}:k', 'two');
    multi.get('{s}:k');
    expect(await multi.exec()).toEqual([[null, 'one'], [null, 'two']]);
  });
});
