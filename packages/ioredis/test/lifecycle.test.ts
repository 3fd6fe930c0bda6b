import { createTopology } from '@shardis/core';
import { ClientClosedError, NodeUnavailableError, StateStore, TopologyNotFoundError } from '@shardis/engine';
import { startRedis, type RedisServer } from '@shardis/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ioredisDriver, ShardedRedis } from '../src/index.ts';

let server: RedisServer;
const topology = () => createTopology({ cluster: 'life', algorithm: 'ring', nodes: [{ id: 'solo', url: server.url }] });

async function init(): Promise<void> {
  const connection = ioredisDriver().connect({ id: 'solo', url: server.url }, 'control');
  await new StateStore({ cluster: 'life' }).write(new Map([['solo', connection]]), 0, { mode: 'stable', topology: topology() });
  await connection.close();
}

beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
});

it('a client whose first connect failed connects on a later command once the servers are back', async () => {
  await server.kill();
  const client = new ShardedRedis({ cluster: 'life', seeds: [server.url] });
  await expect(client.get('k')).rejects.toBeInstanceOf(TopologyNotFoundError);
  await server.restart();
  await init();
  expect(await client.set('k', 'v')).toBe('OK');
  expect(await client.get('k')).toBe('v');
  await client.quit();
  await expect(client.get('k')).rejects.toBeInstanceOf(ClientClosedError);
});

it('with default options, a dead node fails fast: node-error, and NodeUnavailableError to the caller', async () => {
  const client = new ShardedRedis({ cluster: 'life', seeds: [server.url] });
  await client.connect();
  const errors: string[] = [];
  client.on('node-error', ({ node }) => errors.push(node));
  await server.kill();
  const started = Date.now();
  const error = await client.get('k').catch((e: unknown) => e);
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(error).toBeInstanceOf(NodeUnavailableError);
  expect(errors).toContain('solo');
  await server.restart();
  await init();
  client.disconnect();
  expect(client.status).toBe('end');
});
