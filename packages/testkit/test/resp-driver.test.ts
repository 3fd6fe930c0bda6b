import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionEvent, NodeConnection } from '@shardis/engine';
import { createRespDriver, rawCommand, RespServerError, startRedis, waitFor, type RedisServer } from '../src/index.ts';

describe('createRespDriver', () => {
  let server: RedisServer;
  const open: NodeConnection[] = [];
  const connect = (role: 'data' | 'subscriber' = 'data', options = {}) => {
    const connection = createRespDriver(options).connect({ id: 'n', url: server.url }, role);
    open.push(connection);
    return connection;
  };
  beforeAll(async () => {
    server = await startRedis({ args: ['--user', 'app', 'on', '>pw', '~*', '&*', '+@all'] });
  });
  afterAll(async () => {
    for (const connection of open) connection.disconnect();
    await server.stop();
  });

  it('sends commands and batches; server errors stay in place in a batch', async () => {
    const connection = connect();
    expect(await connection.send(['SET', 'k', 'v'])).toBe('OK');
    const replies = await connection.batch([['GET', 'k'], ['LPUSH', 'k', 'x'], ['STRLEN', 'k'], ['MGET', 'k', 'none']]);
    expect(replies[0]).toEqual(Buffer.from('v'));
    expect(replies[1]).toBeInstanceOf(RespServerError);
    expect(createRespDriver().isServerError(replies[1])).toBe(true);
    expect(replies.slice(2)).toEqual([1, [Buffer.from('v'), null]]);
    await expect(connection.send(['INCR', 'k'])).rejects.toThrow(/not an integer/);
  });

  it('is binary safe', async () => {
    const connection = connect();
    const key = Buffer.from([0xff, 0xfe, 0x0d, 0x0a]);
    const value = Buffer.from([0x00, 0xc3, 0x28, 0x0d, 0x0a, 0x24]);
    await connection.send(['SET', key, value]);
    expect(await connection.send(['GET', key])).toEqual(value);
  });

  it('authenticates with username and password', async () => {
    const connection = connect('data', { username: 'app', password: 'pw' });
    expect(await connection.send(['ACL', 'WHOAMI'])).toEqual(Buffer.from('app'));
    const wrong = connect('data', { username: 'app', password: 'nope' });
    await expect(wrong.send(['PING'])).rejects.toThrow(/WRONGPASS/);
  });

  it('fails fast while the server is down, reconnects after a restart and says so', async () => {
    const connection = connect();
    const events: ConnectionEvent['type'][] = [];
    connection.onEvent((event) => events.push(event.type));
    expect(await connection.send(['PING'])).toBe('PONG');
    await server.kill();
    await expect(connection.send(['PING'])).rejects.toThrow();
    const started = Date.now();
    await expect(connection.send(['PING'])).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
    await server.restart();
    await waitFor(async () => (await connection.send(['PING'])) === 'PONG', { timeoutMs: 5_000, what: 'a reconnect' });
    expect(events).toContain('reconnecting');
    expect(events.at(-1)).toBe('ready');
  });

  it('keeps a subscription across a killed connection', async () => {
    const subscriber = connect('subscriber');
    const messages: string[] = [];
    await subscriber.subscribe('chan', (message) => messages.push(message.toString()));
    await rawCommand(server.port, ['PUBLISH', 'chan', 'one']);
    await waitFor(() => messages.includes('one'), { timeoutMs: 2_000, what: 'the first message' });
    await rawCommand(server.port, ['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    await waitFor(async () => (await rawCommand(server.port, ['PUBLISH', 'chan', 'two'])) === ':1\r\n', { timeoutMs: 3_000, what: 'the subscription to come back' });
    await waitFor(() => messages.includes('two'), { timeoutMs: 2_000, what: 'a message after the reconnect' });
  });
});
