import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { topologyPlacement } from '@shardis/core';
import type { NodeConnection, WorkerEvent } from '@shardis/engine';
import { startCluster, worker, type ClusterUnderTest } from '../src/scenario.ts';

/**
 * Worker options and housekeeping an operator relies on: what a finished change leaves on the
 * nodes it removed, and the `maxKeysPerSecond` throttle.
 */

async function shardisKeys(connection: NodeConnection, cluster: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const reply = (await connection.send(['SCAN', cursor, 'MATCH', `__shardis__:${cluster}:*`, 'COUNT', 1000])) as [Buffer, Buffer[]];
    cursor = reply[0].toString();
    keys.push(...reply[1].map((key) => key.toString()));
  } while (cursor !== '0');
  return keys.sort();
}

/** Writes `count` keys `k:<i>` straight to their owners under the current topology. */
async function fill(cut: ClusterUnderTest, count: number): Promise<void> {
  const state = await cut.admin.access.require();
  const placement = topologyPlacement(state.topology);
  const connections = await cut.connections();
  await Promise.all([...connections].map(([id, connection]) => {
    const mine = Array.from({ length: count }, (_, i) => `k:${i}`).filter((key) => placement.locate(key) === id);
    return mine.length === 0 ? undefined : connection.send(['MSET', ...mine.flatMap((key) => [key, 'v'])]);
  }));
}

describe('migration worker', () => {
  let cut: ClusterUnderTest | undefined;

  afterEach(async () => {
    await cut?.stop();
    cut = undefined;
  });

  it('after remove-node commits, the removed node keeps only its copy of the state: no moving flag, checkpoint or uncertain set', async () => {
    cut = await startCluster(3, 3);
    await fill(cut, 2000);
    const removed = cut.admin.access.connectionsFor(await cut.admin.access.require()).get('n2')!;
    await cut.admin.change({ remove: ['n2'] });
    const mover = worker(cut, undefined, { batchSize: 200 });
    let stable;
    try {
      stable = await mover.runUntilStable();
    } finally {
      await mover.close();
    }
    expect(stable.topology.nodes.map((node) => node.id)).toEqual(['n0', 'n1']);
    expect(await removed.send(['DBSIZE'])).toBe(1);
    expect(await shardisKeys(removed, cut.cluster)).toEqual([`__shardis__:${cut.cluster}:topology`]);
    // It still holds the stable state that names the remaining nodes: a client seeded with it bootstraps.
    expect(String(await removed.send(['HGET', `__shardis__:${cut.cluster}:topology`, 'revision']))).toBe(String(stable.revision));
    for (const [id, connection] of await cut.connections()) expect(await shardisKeys(connection, cut.cluster), id).toEqual([`__shardis__:${cut.cluster}:topology`]);
  });

  it('maxKeysPerSecond: a move of N keys at R keys/s takes at least (N - one batch per source) / R seconds', async () => {
    cut = await startCluster(3, 2);
    await fill(cut, 1800);
    await cut.admin.change({ add: [{ id: 'n2', url: cut.nodeUrl(2) }] });
    const events: Array<{ at: number; event: WorkerEvent }> = [];
    const rate = 1000;
    const batchSize = 50;
    const mover = worker(cut, undefined, { batchSize, scanCount: 50, maxKeysPerSecond: rate, onEvent: (event) => events.push({ at: Date.now(), event }) });
    try {
      await mover.runUntilStable();
    } finally {
      await mover.close();
    }
    const moving = events.find(({ event }) => event.type === 'moving');
    const committed = events.find(({ event }) => event.type === 'committed');
    const sources = moving?.event.type === 'moving' ? moving.event.sources.length : 0;
    let moved = 0;
    for (const { event } of events) if (event.type === 'progress' && event.progress.done) moved += event.progress.moved;
    expect(sources).toBe(2);
    expect(moved).toBeGreaterThan(400);
    const elapsed = committed!.at - moving!.at;
    const least = ((moved - batchSize * sources) / rate) * 1000;
    expect(elapsed).toBeGreaterThanOrEqual(least);
    expect(elapsed).toBeLessThan(least + 3000);
  });
  it('a target stalled (SIGSTOP) while a batch is in flight: every moved key keeps its absolute expiry', async () => {
    cut = await startCluster(3, 2);
    const state = await cut.admin.access.require();
    const placement = topologyPlacement(state.topology);
    const connections = await cut.connections();
    const expiresAt = new Map<string, number>();
    const lifetime = 600_000;
    for (const [id, connection] of connections) {
      const mine = Array.from({ length: 3000 }, (_, i) => `t:${i}`).filter((key) => placement.locate(key) === id);
      const at = Date.now() + lifetime;
      await connection.batch(mine.map((key) => ['SET', key, 'v', 'PXAT', at]));
      for (const key of mine) expiresAt.set(key, at);
    }
    await cut.admin.change({ add: [{ id: 'n2', url: cut.nodeUrl(2) }] });
    const events: WorkerEvent[] = [];
    // Slow enough that the pause lands while batches are still going to the new node.
    const mover = worker(cut, undefined, { batchSize: 50, scanCount: 50, maxKeysPerSecond: 1500, onEvent: (event) => events.push(event) });
    try {
      const done = mover.runUntilStable();
      while (!events.some((event) => event.type === 'progress' && event.progress.moved > 0)) await sleep(5);
      cut.servers[2]!.pause();
      await sleep(1500);
      cut.servers[2]!.resume();
      await done;
    } finally {
      await mover.close();
    }
    const target = (await cut.connections()).get('n2')!;
    const keys = [...expiresAt.keys()];
    const replies = await target.batch(keys.map((key) => ['PEXPIRETIME', key]));
    const drifted: string[] = [];
    let checked = 0;
    keys.forEach((key, i) => {
      const at = Number(replies[i]);
      if (at === -2) return; // not on the new node
      checked++;
      if (Math.abs(at - expiresAt.get(key)!) > 5) drifted.push(`${key}: ${at - expiresAt.get(key)!} ms`);
    });
    expect(checked).toBeGreaterThan(500);
    expect(drifted).toEqual([]);
  });
});
