import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createClient } from 'redis';
import { createShardedClient, type ShardedClientType } from '../src/index.ts';
import { startCluster, type TestCluster } from './cluster.ts';

let cluster: TestCluster;
let client: ShardedClientType;

beforeAll(async () => {
  cluster = await startCluster('commands');
  client = await createShardedClient({ cluster: 'commands', seeds: [cluster.nodes[1]!.url] }).connect();
});
afterAll(async () => {
  await client?.close();
  await cluster?.stop();
});

/** Each key lives on its owner and nowhere else, as each node tells when asked directly. */
async function expectOnOwner(...keys: string[]): Promise<void> {
  for (const key of keys) expect({ key, holders: await cluster.holders(key) }).toEqual({ key, holders: [cluster.owner(key)] });
}

describe('typed commands of every data type land on the owner', () => {
  it('spreads keys over every node', () => {
    const owners = new Set(Array.from({ length: 30 }, (_, i) => cluster.owner(`user:${i}`)));
    expect(owners.size).toBe(3);
  });

  it('strings: set with options, get, incr, append, getDel', async () => {
    expect(await client.set('str:a', 'hello', { EX: 100 })).toBe('OK');
    expect(await client.set('str:a', 'other', { NX: true })).toBeNull();
    expect(await client.get('str:a')).toBe('hello');
    expect(await client.ttl('str:a')).toBeGreaterThan(90);
    expect(await client.incrBy('str:n', 5)).toBe(5);
    expect(await client.append('str:s', 'ab')).toBe(2);
    expect(await client.GET('str:n')).toBe('5');
    expect(await client.get('str:missing')).toBeNull();
    await expectOnOwner('str:a', 'str:n', 'str:s');
    expect(await client.getDel('str:s')).toBe('ab');
    expect(await cluster.holders('str:s')).toEqual([]);
    expectTypeOf(client.get).returns.resolves.toEqualTypeOf<string | null>();
  });

  it('hashes: hGetAll is an object, hIncrBy a number', async () => {
    expect(await client.hSet('hash:1', { name: 'ada', age: 36 })).toBe(2);
    expect(await client.hIncrBy('hash:1', 'age', 1)).toBe(37);
    const all = await client.hGetAll('hash:1');
    expect({ ...all }).toEqual({ name: 'ada', age: '37' });
    expect(await client.hGet('hash:1', 'name')).toBe('ada');
    expect(await client.hmGet('hash:1', ['age', 'nope'])).toEqual(['37', null]);
    await expectOnOwner('hash:1');
    expectTypeOf(all).toEqualTypeOf<Record<string, string>>();
  });

  it('lists, sets and sorted sets', async () => {
    expect(await client.rPush('list:1', ['a', 'b', 'c'])).toBe(3);
    expect(await client.lRange('list:1', 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await client.lPop('list:1')).toBe('a');
    expect(await client.sAdd('set:1', ['x', 'y', 'x'])).toBe(2);
    expect((await client.sMembers('set:1')).sort()).toEqual(['x', 'y']);
    expect(await client.sIsMember('set:1', 'y')).toBe(1);
    expect(await client.zAdd('zset:1', [{ score: 2, value: 'b' }, { score: 1.5, value: 'a' }])).toBe(2);
    expect(await client.zRangeWithScores('zset:1', 0, -1)).toEqual([{ value: 'a', score: 1.5 }, { value: 'b', score: 2 }]);
    expect(await client.zScore('zset:1', 'a')).toBe(1.5);
    await expectOnOwner('list:1', 'set:1', 'zset:1');
  });

  it('streams, geo, hyperloglog, bitmaps', async () => {
    const id = await client.xAdd('stream:1', '*', { field: 'value' });
    expect(await client.xRange('stream:1', '-', '+')).toEqual([{ id, message: { field: 'value' } }]);
    expect(await client.geoAdd('geo:1', [{ longitude: 13.4, latitude: 52.5, member: 'berlin' }, { longitude: 2.35, latitude: 48.85, member: 'paris' }])).toBe(2);
    expect(Number(await client.geoDist('geo:1', 'berlin', 'paris', 'km'))).toBeCloseTo(878, -1);
    expect(await client.pfAdd('hll:1', ['a', 'b', 'c'])).toBe(1);
    expect(await client.pfCount('hll:1')).toBe(3);
    expect(await client.setBit('bits:1', 7, 1)).toBe(0);
    expect(await client.bitCount('bits:1')).toBe(1);
    expect(await client.type('stream:1')).toBe('stream');
    await expectOnOwner('stream:1', 'geo:1', 'hll:1', 'bits:1');
  });

  it('replies exactly as plain node-redis does on one server', async () => {
    const reference = createClient({ url: cluster.reference.url });
    await reference.connect();
    type Client = typeof reference | ShardedClientType;
    // The same calls on both clients, in order; the replies must be deep-equal.
    const calls: Array<(c: Client) => Promise<unknown>> = [
      (c) => c.set('cmp:s', 'v', { PX: 50_000, GET: true }),
      (c) => c.setNX('cmp:s', 'w'),
      (c) => c.exists(['cmp:s', 'cmp:none']),
      (c) => c.expire('cmp:s', 100),
      (c) => c.incrByFloat('cmp:f', 1.5),
      (c) => c.hSet('cmp:h', { a: '1', b: '2' }),
      (c) => c.hGetAll('cmp:h'),
      (c) => c.hExists('cmp:h', 'a'),
      (c) => c.hRandField('cmp:h').then((field) => typeof field),
      (c) => c.lPush('cmp:l', ['1', '2', '3']),
      (c) => c.lPos('cmp:l', '2'),
      (c) => c.lMove('cmp:l', 'cmp:l', 'LEFT', 'RIGHT'),
      (c) => c.sAdd('cmp:set', ['a', 'b']),
      (c) => c.smIsMember('cmp:set', ['a', 'z']),
      (c) => c.zAdd('cmp:z', { score: 3, value: 'm' }),
      (c) => c.zIncrBy('cmp:z', 0.5, 'm'),
      (c) => c.zRank('cmp:z', 'm'),
      (c) => c.zRangeByScore('cmp:z', '-inf', '+inf'),
      (c) => c.zmScore('cmp:z', ['m', 'n']),
      (c) => c.pfAdd('cmp:hll', 'x'),
      (c) => c.xAdd('cmp:x', '1-1', { k: 'v' }),
      (c) => c.xLen('cmp:x'),
      (c) => c.xInfoStream('cmp:x').then((info) => Object.keys(info).sort()),
      (c) => c.objectEncoding('cmp:h'),
      (c) => c.getRange('cmp:s', 0, 0),
      (c) => c.copy('{cmp}a', '{cmp}b'),
      (c) => c.del(['cmp:s', 'cmp:f', 'cmp:h', 'cmp:l', 'cmp:set', 'cmp:z', 'cmp:hll', 'cmp:x']),
    ];
    try {
      for (const [i, call] of calls.entries()) expect({ i, reply: await call(client) }).toEqual({ i, reply: await call(reference) });
    } finally {
      await reference.close();
    }
  });

  it('keyless commands: per-node replies keyed by node id, summed and merged ones as one', async () => {
    const info = (await client.info('server')) as unknown as Record<string, string>;
    expect(Object.keys(info).sort()).toEqual(cluster.nodes.map((node) => node.id));
    for (const node of cluster.servers) expect(Object.values(info).some((text) => text.includes(`tcp_port:${node.port}`))).toBe(true);
    expect(await client.ping()).toBe('PONG');
    const keys = await client.keys('hash:*');
    expect(keys).toEqual(['hash:1']);
  });

  it('server errors reject with node-redis ErrorReply; connection-state commands with a typed error', async () => {
    const { ErrorReply } = await import('@redis/client');
    await client.set('str:wrong', 'x');
    const error = await client.lPush('str:wrong', 'y').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorReply);
    expect((error as Error).message).toMatch(/^WRONGTYPE/);
    // Bad arguments reject (node-redis's parseCommand throws) rather than throw at the call.
    await expect(client.mSet([])).rejects.toThrow('empty toSet Argument');
    await expect(client.sendCommand(['SELECT', '1'])).rejects.toMatchObject({ name: 'UnsupportedCommandError', command: 'SELECT' });
    await expect(client.sendCommand(['WATCH', 'str:a'])).rejects.toMatchObject({ name: 'UnsupportedCommandError' });
  });

  it('sendCommand returns the reply decoded but not transformed', async () => {
    await client.hSet('hash:raw', 'f', 'v');
    expect(await client.sendCommand(['HGETALL', 'hash:raw'])).toEqual(['f', 'v']);
    expect(await client.sendCommand(['EXISTS', 'hash:raw', 'str:a', 'nope'])).toBe(2);
  });
});
