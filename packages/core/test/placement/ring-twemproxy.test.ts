/**
 * `ring(..., { compat: 'twemproxy' })` against a real twemproxy: nutcracker 0.5.0 (Debian package)
 * in front of real redis-server processes. Keys are written through nutcracker, then looked up on
 * each server directly; each must sit where shardis says.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedisServers, stopAll, type RedisServer } from '@shardis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ketamaHashCounts, ring } from '../../src/placement/ring.ts';

const hasNutcracker = spawnSync('nutcracker', ['--version']).status === 0;

/** Sends commands in one pipeline and resolves with one reply line per command (simple replies only). */
function pipeline(port: number, commands: readonly (readonly string[])[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`pipeline to ${port} timed out with ${text.split('\r\n').length - 1} replies`));
    }, 20_000);
    socket.on('connect', () => {
      socket.write(commands.map((args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`).join(''));
    });
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      const lines = text.split('\r\n');
      if (lines.length - 1 >= commands.length) {
        clearTimeout(timer);
        socket.end();
        resolve(lines.slice(0, commands.length));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

interface Nutcracker {
  readonly port: number;
  stop(): Promise<void>;
}

async function startNutcracker(pool: { hash: string; hashTag?: string; servers: readonly string[] }): Promise<Nutcracker> {
  const port = await freePort();
  const statsPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'shardis-nutcracker-'));
  const config = [
    'shardis:',
    `  listen: 127.0.0.1:${port}`,
    `  hash: ${pool.hash}`,
    ...(pool.hashTag === undefined ? [] : [`  hash_tag: "${pool.hashTag}"`]),
    '  distribution: ketama',
    '  redis: true',
    '  auto_eject_hosts: false',
    '  servers:',
    ...pool.servers.map((server) => `   - ${server}`),
  ].join('\n');
  writeFileSync(join(dir, 'nutcracker.yml'), `${config}\n`);
  const child: ChildProcess = spawn('nutcracker', ['-c', join(dir, 'nutcracker.yml'), '-s', String(statsPort), '-a', '127.0.0.1', '-o', join(dir, 'nutcracker.log')], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => resolve(socket.end() !== undefined));
      socket.once('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nutcracker did not start; config:\n${config}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid!, 'SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `keys` through nutcracker, then returns the port of the server holding each key. */
async function whereKeysLand(proxy: Nutcracker, keys: readonly string[], servers: readonly RedisServer[]): Promise<Map<string, number>> {
  await Promise.all(servers.map((server) => server.command('FLUSHALL')));
  const replies = await pipeline(proxy.port, keys.map((key) => ['SET', key, '1']));
  expect(replies.every((reply) => reply === '+OK')).toBe(true);
  const found = new Map<string, number>();
  for (const server of servers) {
    const exists = await pipeline(server.port, keys.map((key) => ['EXISTS', key]));
    exists.forEach((reply, i) => {
      if (reply === ':1') {
        expect(found.has(keys[i]!), `${keys[i]} on two servers`).toBe(false);
        found.set(keys[i]!, server.port);
      }
    });
  }
  expect(found.size).toBe(keys.length);
  return found;
}

const asciiKeys = Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? `user:${i}:profile` : i % 3 === 1 ? `{user${i % 37}}:cart:${i}` : `session-${(i * 2654435761) >>> 0}`));
const unicodeKeys = ['é', 'clé:日本語', 'ключ-42', '😀{tag}', 'naïve{ü}x', ...Array.from({ length: 100 }, (_, i) => `ü-${i}-ß`)];

describe.skipIf(!hasNutcracker)("ring compat 'twemproxy' = nutcracker 0.5.0 (distribution: ketama)", () => {
  let servers: RedisServer[] = [];
  beforeAll(async () => {
    servers = await startRedisServers(5);
  }, 30_000);
  afterAll(() => stopAll(servers));

  it('md5, weighted servers named host:port, hash tags off', async () => {
    const weights = [1, 2, 3, 1, 5];
    const proxy = await startNutcracker({ hash: 'md5', servers: servers.map((server, i) => `127.0.0.1:${server.port}:${weights[i]}`) });
    try {
      const placement = ring(servers.map((server, i) => ({ id: `127.0.0.1:${server.port}`, weight: weights[i]! })), { compat: 'twemproxy' });
      const keys = [...asciiKeys, ...unicodeKeys];
      const landed = await whereKeysLand(proxy, keys, servers);
      for (const key of keys) expect(`127.0.0.1:${landed.get(key)}`, key).toBe(placement.locate(key));
    } finally {
      await proxy.stop();
    }
  }, 30_000);

  it('md5, 25 named equal servers (39 hashes each, where libketama gives 40), hash_tag "{}"', async () => {
    const names = Array.from({ length: 25 }, (_, i) => `shard-${String(i).padStart(2, '0')}`);
    const portOf = new Map(names.map((name, i) => [name, servers[i % servers.length]!.port]));
    expect(ketamaHashCounts(new Array<number>(25).fill(1), 'twemproxy')[0]).toBe(39);
    // Listed in reverse: twemproxy sorts servers by name, and so does the twemproxy mode.
    const listed = [...names].reverse();
    const proxy = await startNutcracker({ hash: 'md5', hashTag: '{}', servers: listed.map((name) => `127.0.0.1:${portOf.get(name)}:1 ${name}`) });
    try {
      const placement = ring(listed.map((id) => ({ id })), { compat: 'twemproxy', hashTags: true });
      const libketama = ring(names.map((id) => ({ id })), { compat: 'libketama', hashTags: true });
      const keys = [...asciiKeys, ...unicodeKeys];
      const landed = await whereKeysLand(proxy, keys, servers);
      for (const key of keys) expect(landed.get(key), key).toBe(portOf.get(placement.locate(key)));
      // The test can tell the modes apart: libketama's 40th hash per server lands keys elsewhere.
      expect(keys.some((key) => portOf.get(libketama.locate(key)) !== landed.get(key))).toBe(true);
    } finally {
      await proxy.stop();
    }
  }, 30_000);

  it('fnv1a_32 key hash (ASCII keys), named servers', async () => {
    const proxy = await startNutcracker({ hash: 'fnv1a_32', servers: servers.map((server, i) => `127.0.0.1:${server.port}:${1 + i} redis-${i}`) });
    try {
      const placement = ring(servers.map((_, i) => ({ id: `redis-${i}`, weight: 1 + i })), { compat: 'twemproxy', hash: 'fnv1a' });
      const landed = await whereKeysLand(proxy, asciiKeys, servers);
      for (const key of asciiKeys) expect(landed.get(key), key).toBe(servers[Number(placement.locate(key).slice(6))]!.port);
    } finally {
      await proxy.stop();
    }
  }, 30_000);
});
