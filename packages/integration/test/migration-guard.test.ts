import { topologyPlacement } from '@shardis/core';
import { controlKeys, type NodeConnection } from '@shardis/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type ClusterUnderTest } from '../src/scenario.ts';
import { ioredisClient } from '../src/clients.ts';
import type { WorkloadClient } from '../src/workload.ts';
import type { ShardedRedis } from '@shardis/ioredis';

/**
 * The client side of the migration rule, step by step with a hand-driven "worker", so each
 * branch of the guard is seen to do what docs/migration.md says.
 */
describe('the migration guard, step by step', () => {
  let cut: ClusterUnderTest;
  let client: WorkloadClient & { redis: ShardedRedis };
  let nodes: Map<string, NodeConnection>;
  let moving: string[];
  let staying: string;
  let epoch: number;

  const waitForRevision = async (revision: number) => {
    for (let i = 0; i < 200 && (client.redis.engine.state?.revision ?? 0) < revision; i++) await new Promise((r) => setTimeout(r, 10));
    expect(client.redis.engine.state?.revision).toBe(revision);
  };
  const exists = async (node: string, key: string) => (await nodes.get(node)!.send(['EXISTS', key])) === 1;

  beforeAll(async () => {
    cut = await startCluster(3, 2);
    client = await ioredisClient('guard', { cluster: cut.cluster, seeds: cut.seeds, pollIntervalMs: 100, retryTimeoutMs: 1000 });
    const state = await cut.admin.change({ add: [{ id: 'n2', url: cut.nodeUrl(2) }] });
    await waitForRevision(state.revision);
    epoch = state.topology.epoch;
    nodes = cut.admin.access.connectionsFor(state);
    const before = topologyPlacement(state.source!);
    const after = topologyPlacement(state.topology);
    const candidates = Array.from({ length: 2000 }, (_, i) => `k${i}`);
    moving = candidates.filter((key) => before.locate(key) === 'n0' && after.locate(key) === 'n2').slice(0, 4);
    staying = candidates.find((key) => before.locate(key) === 'n1' && after.locate(key) === 'n1')!;
    expect(moving).toHaveLength(4);
  });

  afterAll(async () => {
    await client.quit();
    await cut.stop();
  });

  it('before the worker starts the move, the source decides alone: a new key is created there', async () => {
    await client.incr(moving[0]!);
    expect(await exists('n0', moving[0]!)).toBe(true);
    expect(await exists('n2', moving[0]!)).toBe(false);
  });

  it('once started, a key still on the source is served there', async () => {
    const keys = controlKeys(cut.cluster);
    for (const connection of nodes.values()) await connection.send(['SET', keys.migrationFlag, epoch]);
    await client.incr(moving[0]!);
    expect(Number(await nodes.get('n0')!.send(['GET', moving[0]!]))).toBe(2);
  });

  it('a key that has moved is served on the target', async () => {
    const [host, port] = [new URL(cut.nodeUrl(2)).hostname, new URL(cut.nodeUrl(2)).port];
    expect(String(await nodes.get('n0')!.send(['MIGRATE', host, port, moving[0]!, 0, 5000]))).toBe('OK');
    expect(await client.incr(moving[0]!)).toBe(3);
    expect(Number(await nodes.get('n2')!.send(['GET', moving[0]!]))).toBe(3);
    expect(await exists('n0', moving[0]!)).toBe(false);
  });

  it('once the source has answered "moved" for a key, the client sends it straight to the target', async () => {
    const guardCalls = async () => {
      const stats = String(await nodes.get('n0')!.send(['INFO', 'commandstats']));
      return Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0) + Number(/cmdstat_eval:calls=(\d+)/.exec(stats)?.[1] ?? 0);
    };
    const before = await guardCalls();
    for (let i = 0; i < 5; i++) await client.incr(moving[0]!);
    expect(Number(await nodes.get('n2')!.send(['GET', moving[0]!]))).toBe(8);
    // The previous step's answer was recorded: not one of these five went through the source.
    expect(await guardCalls()).toBe(before);
    // So do pipelines and split commands, which the planner routes.
    expect(await client.redis.pipeline().incr(moving[0]!).get(moving[0]!).exec()).toEqual([[null, 9], [null, '9']]);
    expect(await client.redis.mget(moving[0]!, staying)).toEqual(['9', null]);
    expect(await guardCalls()).toBe(before);
    // A key still on the source keeps going through the guard there.
    await nodes.get('n0')!.send(['SET', moving[3]!, '1']);
    await client.incr(moving[3]!);
    expect(await guardCalls()).toBe(before + 1);
    expect(Number(await nodes.get('n0')!.send(['GET', moving[3]!]))).toBe(2);
    await nodes.get('n0')!.send(['DEL', moving[3]!]);
  });

  it('keys of one {tag} split by a move wait for each other (TRYAGAIN), even when one is known to have moved', async () => {
    const [host, port] = [new URL(cut.nodeUrl(2)).hostname, new URL(cut.nodeUrl(2)).port];
    const [gone, left] = [`{${moving[3]!}}:gone`, `{${moving[3]!}}:left`];
    await nodes.get('n0')!.send(['MSET', gone, 'a', left, 'b']);
    expect(String(await nodes.get('n0')!.send(['MIGRATE', host, port, gone, 0, 5000]))).toBe('OK');
    expect(await client.redis.get(gone)).toBe('a');
    expect(await client.redis.get(gone)).toBe('a');
    const error = await client.redis.rename(gone, left).then(() => undefined, (e: unknown) => e);
    expect((error as { code?: string }).code).toBe('ERR_TRYAGAIN');
    expect(await exists('n2', gone)).toBe(true);
    expect(await exists('n0', left)).toBe(true);
    await nodes.get('n2')!.send(['DEL', gone]);
    await nodes.get('n0')!.send(['DEL', left]);
  });

  it('a source that lost the guard script (restart, SCRIPT FLUSH) is sent it again, and the command runs there', async () => {
    await nodes.get('n0')!.send(['SET', moving[3]!, '5']);
    await nodes.get('n0')!.send(['SCRIPT', 'FLUSH']);
    expect(await client.incr(moving[3]!)).toBe(6);
    await nodes.get('n0')!.send(['SCRIPT', 'FLUSH']);
    expect(await client.redis.pipeline().incr(moving[3]!).exec()).toEqual([[null, 7]]);
    expect(Number(await nodes.get('n0')!.send(['GET', moving[3]!]))).toBe(7);
    expect(await exists('n2', moving[3]!)).toBe(false);
    await nodes.get('n0')!.send(['DEL', moving[3]!]);
  });

  it('a new key in a moving range is created on the target, never on the source', async () => {
    await client.set(moving[1]!, 'fresh');
    expect(await exists('n2', moving[1]!)).toBe(true);
    expect(await exists('n0', moving[1]!)).toBe(false);
  });

  it('a key whose move failed half-way gets TRYAGAIN, not the stale target copy', async () => {
    const keys = controlKeys(cut.cluster);
    await nodes.get('n2')!.send(['SET', moving[2]!, 'stale copy']);
    await nodes.get('n0')!.send(['SADD', keys.uncertain, moving[2]!]);
    const error = await client.redis.get(moving[2]!).then(() => undefined, (e: unknown) => e);
    expect((error as { code?: string }).code).toBe('ERR_TRYAGAIN');
    await nodes.get('n0')!.send(['SREM', keys.uncertain, moving[2]!]);
  });

  it('keys that do not move are not checked at all', async () => {
    await client.set(staying, 'plain');
    expect(await exists('n1', staying)).toBe(true);
  });
});
