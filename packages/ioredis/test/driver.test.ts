import type { ConnectionEvent, ConnectionRole, NodeConnection } from '@shardis/engine';
import { freePort, startRedis, startSentinelGroup, waitFor, type RedisServer, type SentinelGroup } from '@shardis/testkit';
import { Redis, ReplyError } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ioredisDriver } from '../src/index.ts';

let server: RedisServer;
let direct: Redis;
const driver = ioredisDriver();
const opened: NodeConnection[] = [];
const open = (role: ConnectionRole = 'data', d = driver, url = server.url) => {
  const connection = d.connect({ id: 'a', url }, role);
  opened.push(connection);
  return connection;
};

beforeAll(async () => {
  server = await startRedis();
  direct = new Redis(server.url);
});
afterAll(async () => {
  for (const connection of opened) connection.disconnect();
  direct?.disconnect();
  await server?.stop();
});

describe('send: raw replies, as the engine expects them', () => {
  it('bulk strings as Buffers, integers as numbers, nil as null, arrays as arrays', async () => {
    const connection = open();
    expect(String(await connection.send(['SET', 'raw:k', 'v']))).toBe('OK');
    expect(await connection.send(['GET', 'raw:k'])).toEqual(Buffer.from('v'));
    expect(await connection.send(['INCR', 'raw:n'])).toBe(1);
    expect(await connection.send(['INCRBY', 'raw:n', 41])).toBe(42);
    expect(await connection.send(['GET', 'raw:missing'])).toBeNull();
    await connection.send(['RPUSH', 'raw:l', 'a', 'b']);
    expect(await connection.send(['LRANGE', 'raw:l', 0, -1])).toEqual([Buffer.from('a'), Buffer.from('b')]);
  });

  it("bypasses ioredis's reply transformers: HGETALL stays a flat array whatever the case of its name", async () => {
    const connection = open();
    await connection.send(['HSET', 'raw:h', 'f', 'v']);
    expect(await connection.send(['hgetall', 'raw:h'])).toEqual([Buffer.from('f'), Buffer.from('v')]);
    expect(await connection.send(['HGETALL', 'raw:h'])).toEqual([Buffer.from('f'), Buffer.from('v')]);
  });

  it('is binary safe both ways', async () => {
    const connection = open();
    const key = Buffer.from([0xff, 0x00, 0xfe, 0x0d, 0x0a]);
    const value = Buffer.from([0x00, 0x80, 0xc3, 0x28, 0xff]);
    await connection.send(['SET', key, value]);
    expect(await connection.send(['GET', key])).toEqual(value);
    expect(await direct.getBuffer(key)).toEqual(value);
  });

  it('rejects with a ReplyError that isServerError recognises', async () => {
    const connection = open();
    await connection.send(['SET', 'raw:s', 'text']);
    const error = await connection.send(['INCR', 'raw:s']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplyError);
    expect((error as Error).message).toMatch(/^ERR value is not an integer/);
    expect(driver.isServerError(error)).toBe(true);
    expect(driver.isServerError(new Error('Connection is closed.'))).toBe(false);
  });

  it('does not apply keyPrefix: the sharded client applies it before routing', async () => {
    const connection = open('data', ioredisDriver({ keyPrefix: 'pre:' }));
    await connection.send(['SET', 'raw:unprefixed', '1']);
    expect(await direct.exists('raw:unprefixed')).toBe(1);
    expect(await direct.exists('pre:raw:unprefixed')).toBe(0);
  });
});

describe('batch', () => {
  it('keeps server errors in place', async () => {
    const connection = open();
    await connection.send(['SET', 'batch:s', 'text']);
    const replies = await connection.batch([['SET', 'batch:a', '1'], ['INCR', 'batch:s'], ['GET', 'batch:a']]);
    expect(String(replies[0])).toBe('OK');
    expect(replies[1]).toBeInstanceOf(ReplyError);
    expect(replies[2]).toEqual(Buffer.from('1'));
  });

  it('returns EXEC replies with the failed command as an Error inside the array', async () => {
    const connection = open();
    const replies = await connection.batch([['MULTI'], ['SET', 'batch:x', 'v'], ['INCR', 'batch:x'], ['GET', 'batch:x'], ['EXEC']]);
    const exec = replies[4] as unknown[];
    expect(String(exec[0])).toBe('OK');
    expect(exec[1]).toBeInstanceOf(ReplyError);
    expect(exec[2]).toEqual(Buffer.from('v'));
  });

  it('rejects the whole batch when the node cannot be reached', async () => {
    const port = await freePort();
    const connection = open('data', ioredisDriver({ maxRetriesPerRequest: 0, retryStrategy: () => null }), `redis://127.0.0.1:${port}`);
    const error = await connection.batch([['GET', 'a'], ['GET', 'b']]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(driver.isServerError(error)).toBe(false);
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('connections', () => {
  it('control connections fail fast on a dead seed with the real cause, not "max retries", and close at once', async () => {
    const port = await freePort();
    const started = Date.now();
    const connection = open('control', driver, `redis://127.0.0.1:${port}`);
    const error = (await connection.send(['HGETALL', 'x']).then(() => new Error('answered'), (e: unknown) => e)) as Error;
    expect(error.message).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    await connection.close();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("keeps the user's maxRetriesPerRequest, null (retry forever) included; disconnect() fails what waits", async () => {
    const port = await freePort();
    const connection = open('data', ioredisDriver({ maxRetriesPerRequest: null }), `redis://127.0.0.1:${port}`);
    const pending = connection.send(['GET', 'k']).then(() => 'answered', () => 'failed');
    const early = await Promise.race([pending, new Promise((resolve) => setTimeout(() => resolve('waiting'), 700))]);
    expect(early).toBe('waiting');
    const events: string[] = [];
    connection.onEvent((event) => events.push(event.type));
    connection.disconnect();
    expect(await pending).toBe('failed');
    await expect(connection.send(['GET', 'k'])).rejects.toThrow(/closed/);
    await waitFor(() => events.includes('end'), { timeoutMs: 1_000, what: 'the end event' });
  }, 5_000);

  it('reports ready and end, and closes gracefully', async () => {
    const connection = open();
    const events: string[] = [];
    connection.onEvent((event) => events.push(event.type));
    await waitFor(() => connection.ready, { timeoutMs: 5_000, what: 'the connection to be ready' });
    await connection.close();
    expect(connection.ready).toBe(false);
    await waitFor(() => events.includes('end'), { timeoutMs: 5_000, what: 'the end event' });
  });

  it('subscribes on a dedicated connection, survives a reconnect and reports ready after it', async () => {
    const publisher = open();
    const subscriber = open('subscriber');
    const received: string[] = [];
    const events: ConnectionEvent['type'][] = [];
    subscriber.onEvent((event) => events.push(event.type));
    const subscription = await subscriber.subscribe('sub:ch', (message) => received.push(message.toString()));
    await publisher.send(['PUBLISH', 'sub:other', 'ignored']);
    await publisher.send(['PUBLISH', 'sub:ch', 'one']);
    await waitFor(() => received.length === 1, { timeoutMs: 5_000, what: 'the first message' });

    await direct.client('KILL', 'TYPE', 'pubsub');
    await waitFor(() => events.includes('reconnecting') && events.lastIndexOf('ready') > events.indexOf('reconnecting'), { timeoutMs: 5_000, what: 'a reconnect' });
    await waitFor(async () => (await direct.pubsub('NUMSUB', 'sub:ch'))[1] === 1, { timeoutMs: 5_000, what: 'ioredis to resubscribe' });
    await publisher.send(['PUBLISH', 'sub:ch', 'two']);
    await waitFor(() => received.length === 2, { timeoutMs: 5_000, what: 'a message after the reconnect' });
    expect(received).toEqual(['one', 'two']);

    await subscription.unsubscribe();
    await publisher.send(['PUBLISH', 'sub:ch', 'three']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual(['one', 'two']);
  });
});

describe('Sentinel', () => {
  let group: SentinelGroup;
  beforeAll(async () => {
    group = await startSentinelGroup({ name: 'drv' });
  });
  afterAll(async () => {
    await group?.stop();
  });

  it('redis+sentinel:// urls reach the primary, trying each Sentinel in turn', async () => {
    const dead = await freePort();
    const url = group.url.replace('redis+sentinel://', `redis+sentinel://127.0.0.1:${dead},`);
    const connection = open('data', driver, url);
    expect(String(await connection.send(['SET', 'sentinel:k', 'v']))).toBe('OK');
    const primary = new Redis(group.primary.url);
    expect(await primary.get('sentinel:k')).toBe('v');
    primary.disconnect();
    expect(String((await connection.send(['ROLE']) as Buffer[])[0])).toBe('master');
  });

  it('role replica reads from a replica', async () => {
    const connection = open('replica', driver, group.url);
    expect(String((await connection.send(['ROLE']) as Buffer[])[0])).toBe('slave');
  });
});
