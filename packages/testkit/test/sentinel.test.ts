import { afterAll, beforeAll, expect, it } from 'vitest';
import { rawCommand, startSentinelGroup, type SentinelGroup } from '../src/index.ts';

let group: SentinelGroup;
beforeAll(async () => {
  group = await startSentinelGroup({ name: 'kit' });
}, 60_000);
afterAll(async () => {
  await group?.stop();
});

it('starts a primary, a synced replica and a Sentinel that knows the primary', async () => {
  expect(group.url).toBe(`redis+sentinel://127.0.0.1:${group.sentinel.port}/kit`);
  expect(await group.primaryPort()).toBe(group.primary.port);
  await rawCommand(group.primary.port, ['SET', 'k', 'v']);
  expect(await rawCommand(group.replica.port, ['ROLE'])).toContain('slave');
});

it('promotes the replica when the primary is killed', async () => {
  const old = group.primary.port;
  await group.primary.kill();
  expect(await group.waitForFailover(old)).toBe(group.replica.port);
  expect(await rawCommand(group.replica.port, ['ROLE'])).toContain('master');
}, 30_000);
