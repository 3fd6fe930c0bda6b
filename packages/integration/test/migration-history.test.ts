import { afterEach, describe, expect, it } from 'vitest';
import { applyChanges, finish, preload, startClients, startCluster, startWorkload, summarize, type ClusterUnderTest } from '../src/scenario.ts';
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
});
