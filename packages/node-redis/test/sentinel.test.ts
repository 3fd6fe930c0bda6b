import type { ConnectionEvent, NodeConnection } from '@shardis/engine';
import { rawCommand, startSentinelGroup, waitFor, type SentinelGroup } from '@shardis/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nodeRedisDriver } from '../src/index.ts';

let group: SentinelGroup;
const open: NodeConnection[] = [];

beforeAll(async () => {
  group = await startSentinelGroup({ name: 'main' });
  // Sentinel learns of the replica from the primary's INFO; reads from replicas need it.
  await waitFor(async () => (await rawCommand(group.sentinel.port, ['SENTINEL', 'REPLICAS', 'main'])).includes(String(group.replica.port)), { timeoutMs: 15_000, what: 'Sentinel to know the replica' });
});
afterAll(async () => {
  for (const connection of open) connection.disconnect();
  await group?.stop();
});

function connect(role: 'data' | 'replica'): NodeConnection {
  const connection = nodeRedisDriver().connect({ id: 'ha', url: group.url }, role);
  open.push(connection);
  return connection;
}

it('redis+sentinel:// urls reach the primary; role replica reads from the replica', async () => {
  expect(group.url).toMatch(/^redis\+sentinel:\/\//);
  const primary = connect('data');
  const reader = connect('replica');
  expect(await primary.send(['SET', 'sentinel:k', 'v'])).toBe('OK');
  expect(await rawCommand(group.primary.port, ['GET', 'sentinel:k'])).toBe('$1\r\nv\r\n');
  expect(String(await primary.send(['INFO', 'replication']))).toContain('role:master');
  expect(String(await reader.send(['INFO', 'replication']))).toContain('role:slave');
  await waitFor(async () => String(await reader.send(['GET', 'sentinel:k'])) === 'v', { timeoutMs: 5_000, what: 'the replica to have the key' });
});

it('after a failover the same connection writes to the new primary, and reports ready so the engine catches up', async () => {
  const primary = connect('data');
  const events: ConnectionEvent[] = [];
  primary.onEvent((event) => events.push(event));
  expect(await primary.send(['SET', 'sentinel:before', '1'])).toBe('OK');
  await waitFor(async () => /slave_repl_offset:[1-9]/.test(await rawCommand(group.replica.port, ['INFO', 'replication'])), { timeoutMs: 5_000, what: 'the replica to catch up' });
  const oldPort = group.primary.port;
  await group.primary.kill();
  const newPort = await group.waitForFailover(oldPort);
  await waitFor(async () => (await primary.send(['SET', 'sentinel:after', '2']).catch(() => 'down')) === 'OK', { timeoutMs: 15_000, what: 'writes to reach the new primary' });
  expect(await rawCommand(newPort, ['GET', 'sentinel:after'])).toBe('$1\r\n2\r\n');
  expect(events.some((event) => event.type === 'ready')).toBe(true);
});
