import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRespDriver, rawCommand, startRedis, startTcpProxy, waitFor, type RedisServer, type TcpProxy } from '../src/index.ts';

describe('startTcpProxy', () => {
  let server: RedisServer;
  let proxy: TcpProxy;
  const driver = createRespDriver({ commandTimeoutMs: 10_000 });
  beforeAll(async () => {
    server = await startRedis();
    proxy = await startTcpProxy({ targetPort: server.port });
  });
  afterAll(async () => {
    await proxy.stop();
    await server.stop();
  });

  it('forwards byte for byte in both directions', async () => {
    expect(proxy.port).not.toBe(server.port);
    expect(await rawCommand(proxy.port, ['SET', Buffer.from([0xff, 0x00]), 'v'])).toBe('+OK\r\n');
    expect(await rawCommand(server.port, ['EXISTS', Buffer.from([0xff, 0x00])])).toBe(':1\r\n');
  });

  it('pause holds replies without closing anything; resume delivers them', async () => {
    const connection = driver.connect({ id: 'p', url: proxy.url }, 'data');
    try {
      expect(await connection.send(['PING'])).toBe('PONG');
      proxy.pause();
      let settled = false;
      const reply = connection.send(['INCR', 'paused']).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      expect(proxy.connections).toBe(1);
      // Nothing reached the server while paused.
      expect(await rawCommand(server.port, ['EXISTS', 'paused'])).toBe(':0\r\n');
      proxy.resume();
      expect(await reply).toBe(1);
    } finally {
      proxy.resume();
      connection.disconnect();
    }
  });

  it('accepts new connections while paused but serves them only after resume', async () => {
    proxy.pause();
    const pending = rawCommand(proxy.port, ['PING'], 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    proxy.resume();
    expect(await pending).toBe('+PONG\r\n');
  });

  it('dropConnections closes open connections; new ones work', async () => {
    const connection = driver.connect({ id: 'd', url: proxy.url }, 'data');
    const events: string[] = [];
    connection.onEvent((event) => events.push(event.type));
    try {
      expect(await connection.send(['PING'])).toBe('PONG');
      proxy.dropConnections();
      await waitFor(() => events.includes('reconnecting'), { timeoutMs: 2_000, what: 'the client to see its connection closed' });
      await waitFor(async () => (await connection.send(['PING'])) === 'PONG', { timeoutMs: 3_000, what: 'a new connection through the proxy' });
    } finally {
      connection.disconnect();
    }
  });

  it('retarget sends new connections to another server', async () => {
    const other = await startRedis();
    try {
      proxy.retarget(other.port);
      expect(await rawCommand(proxy.port, ['CONFIG', 'GET', 'port'])).toContain(String(other.port));
    } finally {
      proxy.retarget(server.port);
      await other.stop();
    }
  });
});
