import { CrossSlotError, UnsupportedCommandError, type ClusterState } from '@shardis/engine';
import { ReplyError } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { ShardedRedis } from '../src/index.ts';
import { holders, startCluster, type TestCluster } from './cluster.ts';

let cluster: TestCluster;
let client: ShardedRedis;
beforeAll(async () => {
  cluster = await startCluster('cmds');
  client = new ShardedRedis({ cluster: 'cmds', seeds: cluster.seeds });
});
afterAll(async () => {
  await client?.quit();
  await cluster?.stop();
});
beforeEach(() => cluster.clear());

/** `count` keys named `prefix<i>`, spread so that every node owns at least one. */
function keysOnEveryNode(prefix: string, count: number): string[] {
  const keys = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  expect(new Set(keys.map((key) => cluster.owner(key))).size).toBe(cluster.servers.length);
  return keys;
}

describe('typed commands land on the owner', () => {
  it('of every data type', async () => {
    await client.set('t:string', 'v');
    await client.rpush('t:list', 'a', 'b');
    await client.hset('t:hash', 'f', 'v');
    await client.sadd('t:set', 'm');
    await client.zadd('t:zset', 1, 'm');
    await client.xadd('t:stream', '*', 'f', 'v');
    await client.pfadd('t:hll', 'a', 'b');
    await client.setbit('t:bits', 7, 1);
    await client.geoadd('t:geo', 13.361389, 38.115556, 'Palermo');
    const expected: Record<string, string> = { 't:string': 'string', 't:list': 'list', 't:hash': 'hash', 't:set': 'set', 't:zset': 'zset', 't:stream': 'stream', 't:hll': 'string', 't:bits': 'string', 't:geo': 'zset' };
    for (const [key, type] of Object.entries(expected)) {
      expect(await holders(cluster, key), key).toEqual([cluster.owner(key)]);
      expect(await cluster.direct.get(cluster.owner(key))!.type(key)).toBe(type);
    }
    expect(new Set(Object.keys(expected).map((key) => cluster.owner(key))).size).toBeGreaterThan(1);
  });

  it("with ioredis's method types", () => {
    expectTypeOf(client.get).returns.toEqualTypeOf<Promise<string | null>>();
    expectTypeOf(client.getBuffer).returns.toEqualTypeOf<Promise<Buffer | null>>();
    expectTypeOf(client.hgetall).returns.toEqualTypeOf<Promise<Record<string, string>>>();
    expectTypeOf(client.mget).returns.toEqualTypeOf<Promise<Array<string | null>>>();
    expectTypeOf(client.pipeline().set('k', 'v').exec).returns.toEqualTypeOf<Promise<Array<[error: Error | null, result: unknown]> | null>>();
    const listener = (state: ClusterState, previous: ClusterState | undefined) => {
      expectTypeOf(state.revision).toBeNumber();
      expectTypeOf(previous).toEqualTypeOf<ClusterState | undefined>();
    };
    client.on('topology', listener).off('topology', listener);
    const wrongListener = () =>
      // @ts-expect-error: a topology listener gets a ClusterState, not a string
      client.on('topology', (state: string) => state);
    expect(typeof wrongListener).toBe('function');
  });

  it("with ioredis's reply shapes", async () => {
    expect(await client.set('s:k', 'v')).toBe('OK');
    expect(await client.get('s:k')).toBe('v');
    expect(await client.get('s:missing')).toBeNull();
    expect(await client.incrby('s:n', 5)).toBe(5);
    expect(await client.hset('s:h', { a: '1', b: '2' })).toBe(2);
    expect(await client.hset('s:h2', new Map([['c', '3']]))).toBe(1);
    expect(await client.hgetall('s:h')).toEqual({ a: '1', b: '2' });
    expect(await client.hgetall('s:none')).toEqual({});
    // ioredis flattens array arguments at run time (its types only allow some shapes).
    await (client.rpush as (...args: unknown[]) => Promise<number>)('s:l', ['x', 'y'], 'z');
    expect(await client.lrange('s:l', 0, -1)).toEqual(['x', 'y', 'z']);
    await client.zadd('s:z', 1, 'one', 2, 'two');
    expect(await client.zrange('s:z', 0, -1, 'WITHSCORES')).toEqual(['one', '1', 'two', '2']);
    expect(await client.exists('s:k', 's:h', 's:missing')).toBe(2);
  });

  it('Buffer variants, binary keys and values', async () => {
    const key = Buffer.from([0xde, 0xad, 0x00, 0xbe, 0xef]);
    const value = Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a, 0xc3]);
    expect(await client.set(key, value)).toBe('OK');
    expect(await client.getBuffer(key)).toEqual(value);
    expect(await holders(cluster, key)).toEqual([cluster.owner(key)]);
    expect(await cluster.direct.get(cluster.owner(key))!.getBuffer(key)).toEqual(value);
    await client.hset('b:h', 'f', value);
    expect(await client.hgetallBuffer('b:h')).toEqual({ f: value });
    expect(await client.lrangeBuffer('b:none', 0, -1)).toEqual([]);
  });

  it('call and callBuffer send any command', async () => {
    expect(await client.call('SET', 'c:k', 'v')).toBe('OK');
    expect(await client.call('get', ['c:k'])).toBe('v');
    expect(await client.callBuffer('GET', 'c:k')).toEqual(Buffer.from('v'));
  });

  it('callbacks get (error, result) like ioredis', async () => {
    await client.set('cb:s', 'text');
    const result = await new Promise((resolve, reject) => client.get('cb:s', (error, value) => (error ? reject(error) : resolve(value))));
    expect(result).toBe('text');
    const error = await new Promise((resolve) => client.incr('cb:s', (e) => resolve(e)));
    expect(error).toBeInstanceOf(ReplyError);
  });
});

describe('multi-key commands across nodes', () => {
  it('mset, mget, exists, del and unlink in the caller order', async () => {
    const keys = keysOnEveryNode('m:', 30);
    expect(await client.mset(Object.fromEntries(keys.map((key) => [key, `v-${key}`])))).toBe('OK');
    for (const key of keys) expect(await holders(cluster, key)).toEqual([cluster.owner(key)]);
    const asked = [...keys].reverse().concat(['m:missing']);
    expect(await client.mget(asked)).toEqual([...asked.slice(0, -1).map((key) => `v-${key}`), null]);
    expect(await client.exists(...keys, 'm:missing')).toBe(keys.length);
    expect(await client.del(keys.slice(0, 6))).toBe(6);
    expect(await client.unlink(...keys.slice(6), 'm:missing')).toBe(keys.length - 6);
    expect(await client.mget(keys)).toEqual(keys.map(() => null));
  });

  it('commands that must run on one node fail with CrossSlotError unless the keys share a hash tag', async () => {
    const keys = keysOnEveryNode('x:', 30);
    const a = keys[0]!;
    const b = keys.find((key) => cluster.owner(key) !== cluster.owner(a))!;
    await client.set(a, 'v');
    await expect(client.rename(a, b)).rejects.toBeInstanceOf(CrossSlotError);
    expect(await client.get(a)).toBe('v');
    await client.set('{user:1}:a', 'v');
    expect(await client.rename('{user:1}:a', '{user:1}:b')).toBe('OK');
    expect(await holders(cluster, '{user:1}:b')).toEqual([cluster.owner('{user:1}')]);
  });
});

describe('keyless commands', () => {
  it('per-node replies come back keyed by node id, as strings or as Buffers', async () => {
    const info = (await client.info('server')) as unknown as Record<string, string>;
    expect(Object.keys(info).sort()).toEqual(['n1', 'n2', 'n3']);
    cluster.servers.forEach((server, i) => expect(info[`n${i + 1}`]).toContain(`tcp_port:${server.port}`));
    const raw = (await client.callBuffer('INFO', 'server')) as Record<string, Buffer>;
    expect(Buffer.isBuffer(raw['n1'])).toBe(true);
  });

  it('dbsize sums every node; keys covers the whole cluster without shardis keys', async () => {
    const keys = keysOnEveryNode('k:', 30);
    await client.mset(Object.fromEntries(keys.map((key) => [key, '1'])));
    let total = 0;
    for (const redis of cluster.direct.values()) total += await redis.dbsize();
    // DBSIZE is the servers' own count: it includes shardis's topology hash and client leases.
    expect(await client.dbsize()).toBe(total);
    expect(total).toBeGreaterThan(keys.length);
    expect((await client.keys('*')).sort()).toEqual([...keys].sort());
  });

  it('flushdb empties every node and the client keeps working', async () => {
    await client.mset(Object.fromEntries(keysOnEveryNode('f:', 30).map((key) => [key, '1'])));
    expect(await client.flushdb()).toBe('OK');
    expect(await client.keys('*')).toEqual([]);
    expect(await client.set('f:after', 'v')).toBe('OK');
    expect(await client.get('f:after')).toBe('v');
  });

  it('refuses commands that change the state of one shared connection, saying why', async () => {
    for (const attempt of [() => client.select(1), () => client.watch('k'), () => client.subscribe('ch'), () => client.call('MULTI')]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedCommandError);
    }
    await expect(client.select(1)).rejects.toThrow(/db/);
  });
});

describe('client lifecycle', () => {
  it('re-emits engine events and reports ready', async () => {
    const other = new ShardedRedis({ cluster: 'cmds', seeds: cluster.seeds, pollIntervalMs: 60_000 });
    const ready = new Promise<void>((resolve) => other.once('ready', resolve));
    await other.connect();
    await ready;
    expect(other.status).toBe('ready');
    const seen = new Promise<ClusterState>((resolve) => other.once('topology', (state) => resolve(state)));
    // A new revision of the same placement, written as the operator CLI would.
    const { StateStore } = await import('@shardis/engine');
    const driver = (await import('../src/index.ts')).ioredisDriver();
    const connections = new Map(cluster.topology.nodes.map((node) => [node.id, driver.connect(node, 'control')]));
    await new StateStore({ cluster: 'cmds' }).write(connections, 1, { mode: 'stable', topology: cluster.topology });
    await Promise.all([...connections.values()].map((connection) => connection.close()));
    expect((await seen).revision).toBe(2);
    const ended = new Promise<void>((resolve) => other.once('end', resolve));
    expect(await other.quit()).toBe('OK');
    await ended;
    expect(other.status).toBe('end');
  });

  it('duplicate() makes a client of its own (own id and lease) with the same options', async () => {
    const named = new ShardedRedis({ cluster: 'cmds', seeds: cluster.seeds, clientId: 'named', keyPrefix: 'dup:' });
    const copy = named.duplicate();
    await copy.set('k', 'v');
    expect(await client.get('dup:k')).toBe('v');
    expect(named.engine.clientId).toBe('named');
    expect(copy.engine.clientId).not.toBe('named');
    await Promise.all([named.quit(), copy.quit()]);
  });

  it("names its connections after its client id on every node, so migration workers can fence it", async () => {
    await client.ping();
    for (const redis of cluster.direct.values()) expect(await redis.client('LIST')).toContain(`name=shardis-client:${client.engine.clientId} `);
  });

  it('works with an explicit topology and no topology store', async () => {
    const fixed = new ShardedRedis({ topology: cluster.topology });
    await fixed.set('fixed:k', 'v');
    expect(await holders(cluster, 'fixed:k')).toEqual([cluster.owner('fixed:k')]);
    expect(await client.get('fixed:k')).toBe('v');
    await fixed.quit();
  });
});
