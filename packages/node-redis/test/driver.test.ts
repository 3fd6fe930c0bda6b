import { ErrorReply } from '@redis/client';
import type { ConnectionEvent, NodeConnection } from '@shardis/engine';
import { freePort, startRedis, startRedisServers, stopAll, type RedisServer } from '@shardis/testkit';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeRedisDriver } from '../src/index.ts';

let servers: RedisServer[];
const open: NodeConnection[] = [];
const driver = nodeRedisDriver();

function connect(server: { url: string }, options = driver, role: 'data' | 'subscriber' = 'data'): NodeConnection {
  const connection = options.connect({ id: 'n', url: server.url }, role);
  open.push(connection);
  return connection;
}

function events(connection: NodeConnection): ConnectionEvent[] {
  const seen: ConnectionEvent[] = [];
  connection.onEvent((event) => seen.push(event));
  return seen;
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  servers = await startRedisServers(2);
});
afterEach(() => {
  for (const connection of open.splice(0)) connection.disconnect();
});
afterAll(async () => {
  await stopAll(servers);
});

describe('replies are raw, as the engine expects them', () => {
  it('bulk strings as Buffer, status as string, integers as number, nil as null, arrays', async () => {
    const connection = connect(servers[0]!);
    expect(await connection.send(['SET', 'raw:k', Buffer.from([0xff, 0x00])])).toBe('OK');
    expect(await connection.send(['GET', 'raw:k'])).toEqual(Buffer.from([0xff, 0x00]));
    expect(await connection.send(['INCRBY', 'raw:n', 5])).toBe(5);
    expect(await connection.send(['GET', 'raw:none'])).toBeNull();
    await connection.send(['RPUSH', 'raw:l', 'a', 'b']);
    expect(await connection.send(['LRANGE', 'raw:l', 0, -1])).toEqual([Buffer.from('a'), Buffer.from('b')]);
    expect(await connection.send(['PING'])).toBe('PONG');
    expect(connection.ready).toBe(true);
  });

  it('a server error rejects with ErrorReply, which isServerError recognises', async () => {
    const connection = connect(servers[0]!);
    const error = await connection.send(['LPUSH', 'raw:k', 'x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorReply);
    expect((error as Error).message).toMatch(/^WRONGTYPE/);
    expect(driver.isServerError(error)).toBe(true);
  });

  it('batch keeps per-command errors in place, and EXEC nests its errors', async () => {
    const connection = connect(servers[0]!);
    const replies = await connection.batch([['SET', 'b:1', 'v'], ['INCR', 'b:1'], ['GET', 'b:1']]);
    expect(replies[0]).toBe('OK');
    expect(replies[1]).toBeInstanceOf(ErrorReply);
    expect(replies[2]).toEqual(Buffer.from('v'));
    const exec = await connection.batch([['MULTI'], ['INCR', 'b:1'], ['SET', 'b:2', 'w'], ['EXEC']]);
    expect(exec.slice(0, 3)).toEqual(['OK', 'QUEUED', 'QUEUED']);
    const [nested, ok] = exec[3] as [Error, string];
    expect(nested).toBeInstanceOf(ErrorReply);
    expect(ok).toBe('OK');
  });
});

describe('connections', () => {
  it('a node that is down fails fast with a connection error by default, without unhandled errors', async () => {
    const port = await freePort();
    const failing = nodeRedisDriver({ socket: { reconnectStrategy: 100 } });
    const connection = connect({ url: `redis://127.0.0.1:${port}` }, failing);
    const seen = events(connection);
    const error = await connection.send(['PING']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(failing.isServerError(error)).toBe(false);
    await until(() => seen.some((event) => event.type === 'reconnecting'));
    expect(seen.some((event) => event.type === 'error')).toBe(true);
    expect(connection.ready).toBe(false);
    await connection.close();
  });

  it('credentials and database from the options apply to every node', async () => {
    const secured = await startRedis({ args: ['--requirepass', 's3cret'] });
    try {
      const withPassword = connect(secured, nodeRedisDriver({ password: 's3cret', database: 3 }));
      expect(await withPassword.send(['SET', 'db:k', 'v'])).toBe('OK');
      const direct = createClient({ url: secured.url, password: 's3cret', database: 3 });
      await direct.connect();
      expect(await direct.get('db:k')).toBe('v');
      expect(await direct.select(0).then(() => direct.get('db:k'))).toBeNull();
      await direct.close();
      await withPassword.close();
    } finally {
      await secured.stop();
    }
  });

  it("nodes share the user's options without changing them, and each reconnects to its own address", async () => {
    const options = { socket: { connectTimeout: 2_000, reconnectStrategy: 20 } };
    const shared = nodeRedisDriver(options);
    const [a, b] = [connect(servers[0]!, shared), connect(servers[1]!, shared)];
    // node-redis writes the url's host, port and tls into `socket`; a TLS node after a plain one would then throw.
    connect({ url: `rediss://127.0.0.1:${await freePort()}` }, shared);
    expect(options).toEqual({ socket: { connectTimeout: 2_000, reconnectStrategy: 20 } });
    const port = async (connection: NodeConnection) => /tcp_port:(\d+)/.exec(String(await connection.send(['INFO', 'server'])))?.[1];
    expect([await port(a), await port(b)]).toEqual([String(servers[0]!.port), String(servers[1]!.port)]);
    const seen = events(a);
    await servers[0]!.restart();
    await until(() => seen.some((event) => event.type === 'ready'));
    expect(await port(a)).toBe(String(servers[0]!.port));
  });

  it('a connection name given by the engine is set on the server, again after a reconnect', async () => {
    const named = nodeRedisDriver({ socket: { reconnectStrategy: 20 } }).connect({ id: 'n', url: servers[1]!.url }, 'data', 'shardis:test-client');
    open.push(named);
    const seen = events(named);
    expect(String(await named.send(['CLIENT', 'GETNAME']))).toBe('shardis:test-client');
    const readies = () => seen.filter((event) => event.type === 'ready').length;
    const before = readies();
    // Every normal connection of the server is cut, this one included (its own reply is lost with it).
    await named.send(['CLIENT', 'KILL', 'SKIPME', 'no', 'TYPE', 'normal']).catch(() => undefined);
    await until(() => readies() > before);
    expect(String(await named.send(['CLIENT', 'GETNAME']))).toBe('shardis:test-client');
  });

  it('subscribe delivers Buffers, and keeps the subscription across a reconnect (ready reported)', async () => {
    const subscriber = connect(servers[1]!, nodeRedisDriver({ socket: { reconnectStrategy: 20 } }), 'subscriber');
    const seen = events(subscriber);
    const messages: Buffer[] = [];
    const subscription = await subscriber.subscribe('chan', (message) => messages.push(message));
    const publish = async (text: string) => {
      const publisher = connect(servers[1]!);
      await publisher.send(['PUBLISH', 'chan', text]);
      await publisher.close();
    };
    await publish('one');
    await until(() => messages.length === 1);
    await servers[1]!.restart();
    await until(() => seen.some((event) => event.type === 'ready'));
    await until(() => messages.length > 0 && subscriber.ready);
    // The server confirms the resubscription before it delivers; give it a round trip or two.
    for (let i = 0; messages.length < 2 && i < 50; i++) {
      await publish('two');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(messages[0]).toEqual(Buffer.from('one'));
    expect(messages[1]).toEqual(Buffer.from('two'));
    await subscription.unsubscribe();
  });

  it('close lets replies under way arrive; close and disconnect never throw', async () => {
    const connection = connect(servers[0]!);
    await connection.send(['SET', 'close:k', 'v']);
    const pending = connection.send(['GET', 'close:k']);
    await connection.close();
    expect(await pending).toEqual(Buffer.from('v'));
    await connection.close();
    connection.disconnect();
    const never = connect({ url: `redis://127.0.0.1:${await freePort()}` }, nodeRedisDriver({ socket: { reconnectStrategy: false } }));
    await never.close();
    never.disconnect();
  });
});
