import { afterEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyChanges, finish, preload, startClients, startCluster, startWorkload, summarize, worker, type ClusterUnderTest } from '../src/scenario.ts';
import type { WorkloadClient } from '../src/workload.ts';

describe('migration under live traffic: the history checker', () => {
  let cut: ClusterUnderTest | undefined;
  let clients: WorkloadClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
    clients = [];
    await cut?.stop();
    cut = undefined;
  });

  it('3 → 4 → 5 → reweight → 3 nodes with 8 clients (ioredis and node-redis): nothing lost, duplicated or misplaced', async () => {
    cut = await startCluster(5, 3);
    clients = await startClients(cut);
    await preload(clients[0]!, 20_000);
    const run = startWorkload(clients);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await applyChanges(cut, [
      { add: [{ id: 'n3', url: cut.nodeUrl(3) }] },
      { add: [{ id: 'n4', url: cut.nodeUrl(4) }] },
      { weights: { n0: 2, n4: 0.5 } },
      { remove: ['n3', 'n4'] },
      // Small batches stretch each move so the workload races it on many keys.
    ], run, { batchSize: 20, scanCount: 50 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const report = await finish(cut, clients, run);
    const errors = run.history.filter((op) => op.outcome !== 'ok');
    expect(report.acknowledged, summarize(report)).toBeGreaterThan(1000);
    expect(report.lost, summarize(report)).toEqual([]);
    expect(report.duplicated, summarize(report)).toEqual([]);
    expect(report.misplaced, summarize(report)).toEqual([]);
    expect(report.phantom, summarize(report)).toEqual([]);
    expect(report.ttl, summarize(report)).toEqual([]);
    // The only failures allowed are the documented retryable ones, where nothing was applied.
    expect(errors.filter((op) => op.outcome === 'unknown').map((op) => op.error), summarize(report)).toEqual([]);
    expect(run.events.filter((event) => event.type === 'committed')).toHaveLength(4);
  });

  it('an aborted migration rolls back to the old placement under live traffic, with the same guarantees', async () => {
    cut = await startCluster(4, 3);
    clients = await startClients(cut);
    await preload(clients[0]!, 30_000);
    const run = startWorkload(clients);
    const before = await cut.admin.access.require();
    const mover = worker(cut, run, { batchSize: 20, scanCount: 50 });
    try {
      await cut.admin.change({ add: [{ id: 'n3', url: cut.nodeUrl(3) }] });
      const forward = mover.runUntilStable();
      // Abort once a good share of the keys has moved.
      while (run.events.filter((event) => event.type === 'progress' && event.progress.moved > 0).length < 20) await sleep(5);
      const frozen = await cut.admin.abort();
      expect(frozen.mode).toBe('frozen');
      const final = await forward;
      expect(final.mode).toBe('stable');
      // The placement of the old epoch, published as a newer one.
      expect(final.topology.nodes.map((node) => node.id)).toEqual(before.topology.nodes.map((node) => node.id));
      expect(final.topology.params).toEqual(before.topology.params);
      expect(final.topology.epoch).toBe(before.topology.epoch + 2);
    } finally {
      await mover.close();
    }
    expect(run.events.some((event) => event.type === 'reversing')).toBe(true);
    await sleep(300);
    const report = await finish(cut, clients, run);
    expect(report.lost, summarize(report)).toEqual([]);
    expect(report.duplicated, summarize(report)).toEqual([]);
    expect(report.misplaced, summarize(report)).toEqual([]);
    expect(report.phantom, summarize(report)).toEqual([]);
    expect(report.ttl, summarize(report)).toEqual([]);
    // Commands on moving keys waited through the freeze; none failed.
    expect(run.history.filter((op) => op.outcome !== 'ok').map((op) => op.error), summarize(report)).toEqual([]);
  });
});
