import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../src/index.ts';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startRedis', () => {
  const started: RedisServer[] = [];
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
  });

  it('starts a private server on a free port, never 6379, with nothing persisted', async () => {
    const server = await startRedis();
    started.push(server);
    expect(server.port).not.toBe(6379);
    expect(await server.command('SET', 'k', 'v')).toBe('+OK\r\n');
    expect(await server.command('GET', 'k')).toBe('$1\r\nv\r\n');
    expect(await server.command('CONFIG', 'GET', 'appendonly')).toContain('no');
  });

  it('stops by PID and removes its folder', async () => {
    const server = await startRedis();
    const { pid, dir } = server;
    expect(isRunning(pid)).toBe(true);
    await server.stop();
    expect(isRunning(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it('can be killed and restarted on the same port', async () => {
    const server = await startRedis();
    started.push(server);
    await server.command('SET', 'k', 'v');
    await server.kill();
    await expect(server.command('PING')).rejects.toThrow();
    await server.restart();
    expect(await server.command('EXISTS', 'k')).toBe(':0\r\n');
  });
});
