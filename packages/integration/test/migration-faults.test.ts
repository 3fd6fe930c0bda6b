import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '@shardis/testkit';
import { ioredisClient } from '../src/clients.ts';
import { finish, preload, startClients, startCluster, startWorkload, summarize, worker, type ClusterUnderTest, type Run } from '../src/scenario.ts';
import type { CheckReport } from '../src/checker.ts';
import type { WorkloadClient } from '../src/workload.ts';

const WORKER = fileURLToPath(new URL('./fixtures/worker-process.ts', import.meta.url));

/** Runs the worker in a child process; resolves true when it finished, false when we killed it. */
function runWorkerProcess(cut: ClusterUnderTest, killAfterMs: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@shardis/source', WORKER, cut.cluster, cut.seeds.join(','), '10'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(false);
      else if (code === 0 && output.includes('stable')) resolve(true);
      else reject(new Error(`worker exited with ${code ?? signal}:\n${output}`));
    });
  });
}

function expectClean(report: CheckReport, run: Run): void {
  const message = summarize(report);
  expect(report.acknowledged, message).toBeGreaterThan(500);
  expect(report.lost, message).toEqual([]);
  expect(report.duplicated, message).toEqual([]);
  expect(report.misplaced, message).toEqual([]);
  expect(report.phantom, message).toEqual([]);
  expect(report.ttl, message).toEqual([]);
  void run;
}

describe('migration under faults', () => {
  let cut: ClusterUnderTest | undefined;
  let clients: WorkloadClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
    clients = [];
    for (const server of cut?.servers ?? []) server.resume();
    await cut?.stop();
    cut = undefined;
  });

  it("clients' pub/sub connections killed before every change: they catch up by polling, and the move waits for them", async () => {
    cut = await startCluster(5, 3);
    clients = await startClients(cut, 8, { pollIntervalMs: 1000 });
    await preload(clients[0]!, 10_000);
    const run = startWorkload(clients);
    const mover = worker(cut, run, { batchSize: 50, scanCount: 100 });
    try {
      for (const change of [{ add: [{ id: 'n3', url: cut.nodeUrl(3) }] }, { add: [{ id: 'n4', url: cut.nodeUrl(4) }] }, { remove: ['n0'] }]) {
        for (const server of cut.servers) await server.command('CLIENT', 'KILL', 'TYPE', 'pubsub');
        await cut.admin.change(change);
        await mover.runUntilStable();
      }
    } finally {
      await mover.close();
    }
    const report = await finish(cut, clients, run);
    expectClean(report, run);
    // With the announcement lost, the worker had to wait for clients to poll.
    expect(run.events.some((event) => event.type === 'waiting-for-clients')).toBe(true);
    expect(run.history.filter((op) => op.outcome === 'unknown').map((op) => op.error)).toEqual([]);
  });

  it('the worker SIGKILLed at random points and restarted: it resumes from its checkpoints, nothing lost or duplicated', async () => {
    cut = await startCluster(5, 3);
    clients = await startClients(cut);
    await preload(clients[0]!, 40_000);
    const run = startWorkload(clients);
    let kills = 0;
    for (const change of [{ add: [{ id: 'n3', url: cut.nodeUrl(3) }] }, { add: [{ id: 'n4', url: cut.nodeUrl(4) }] }, { remove: ['n1'] }]) {
      await cut.admin.change(change);
      // Process start-up takes most of a second; kill somewhere in the move that follows.
      for (let attempt = 0; !(await runWorkerProcess(cut, attempt < 3 ? 400 + Math.random() * 1500 : 120_000)); attempt++) kills++;
    }
    const report = await finish(cut, clients, run);
    expectClean(report, run);
    expect(kills).toBeGreaterThan(0);
    expect(run.history.filter((op) => op.outcome === 'unknown').map((op) => op.error)).toEqual([]);
  });

  it('a client partitioned past its lease: the move goes on without it, it refuses commands, then catches up', async () => {
    cut = await startCluster(4, 3);
    const proxies = new Map<string, TcpProxy>();
    for (const server of cut.servers) proxies.set(server.url, await startTcpProxy({ targetPort: server.port }));
    try {
      clients = await startClients(cut, 4);
      const partitioned = await ioredisClient('cut-off', {
        cluster: cut.cluster,
        seeds: cut.seeds.map((url) => proxies.get(url)!.url),
        mapNodeUrl: (node) => proxies.get(node.url)?.url ?? node.url,
        leaseMs: 2000,
        pollIntervalMs: 200,
      });
      const events: string[] = [];
      partitioned.redis.on('lease-lost', () => events.push('lease-lost'));
      partitioned.redis.on('lease-restored', () => events.push('lease-restored'));
      clients.push(partitioned);
      await preload(clients[0]!, 10_000);
      const run = startWorkload(clients);
      await sleep(300);
      for (const proxy of proxies.values()) proxy.pause();
      const mover = worker(cut, run, { batchSize: 50, scanCount: 100 });
      const started = Date.now();
      try {
        await cut.admin.change({ add: [{ id: 'n3', url: cut.nodeUrl(3) }] });
        await mover.runUntilStable();
      } finally {
        await mover.close();
      }
      // The worker had to wait for the lease to run out (not forever), then cut the client off.
      expect(Date.now() - started).toBeGreaterThan(1000);
      expect(run.events.some((event) => event.type === 'fenced')).toBe(true);
      await sleep(500);
      for (const proxy of proxies.values()) proxy.resume();
      const healed = Date.now();
      while (!events.includes('lease-restored') && Date.now() - healed < 10_000) await sleep(50);
      await sleep(500);
      const report = await finish(cut, clients, run);
      expectClean(report, run);
      expect(events).toContain('lease-lost');
      expect(events).toContain('lease-restored');
      const mine = run.history.filter((op) => op.client === 'cut-off');
      expect(mine.some((op) => op.error?.startsWith('ERR_LEASE_EXPIRED'))).toBe(true);
      // It serves again after healing, by the new topology.
      expect(mine.filter((op) => op.outcome === 'ok' && op.sentAt > healed).length).toBeGreaterThan(0);
      // Every other client never failed.
      expect(run.history.filter((op) => op.client !== 'cut-off' && op.outcome !== 'ok').map((op) => op.error)).toEqual([]);
    } finally {
      await Promise.all([...proxies.values()].map((proxy) => proxy.stop()));
    }
  });

  it('all faults together: worker kills, a paused node, lost pub/sub and a partitioned client across 4 changes', async () => {
    cut = await startCluster(5, 3);
    const proxies = new Map<string, TcpProxy>();
    for (const server of cut.servers) proxies.set(server.url, await startTcpProxy({ targetPort: server.port }));
    try {
      clients = await startClients(cut, 7, { pollIntervalMs: 500 });
      const partitioned = await ioredisClient('cut-off', {
        cluster: cut.cluster,
        seeds: cut.seeds.map((url) => proxies.get(url)!.url),
        mapNodeUrl: (node) => proxies.get(node.url)?.url ?? node.url,
        leaseMs: 2000,
        pollIntervalMs: 200,
      });
      clients.push(partitioned);
      await preload(clients[0]!, 40_000);
      const run = startWorkload(clients);
      const changes = [
        { add: [{ id: 'n3', url: cut.nodeUrl(3) }] },
        { add: [{ id: 'n4', url: cut.nodeUrl(4) }] },
        { weights: { n1: 3 } },
        { remove: ['n3', 'n4'] },
      ];
      let kills = 0;
      for (const [i, change] of changes.entries()) {
        for (const server of cut.servers) await server.command('CLIENT', 'KILL', 'TYPE', 'pubsub');
        if (i === 1) for (const proxy of proxies.values()) proxy.pause();
        await cut.admin.change(change);
        const victim = cut.servers[i % 3]!;
        const stall = (async () => {
          await sleep(700 + Math.random() * 800);
          victim.pause();
          await sleep(2000);
          victim.resume();
        })();
        for (let attempt = 0; !(await runWorkerProcess(cut, attempt < 2 ? 500 + Math.random() * 1500 : 120_000)); attempt++) kills++;
        await stall;
        if (i === 1) for (const proxy of proxies.values()) proxy.resume();
      }
      await sleep(1000);
      const report = await finish(cut, clients, run);
      expectClean(report, run);
      expect(kills).toBeGreaterThan(0);
      // Healthy clients saw no failure except the documented retryable ones (none expected).
      expect(run.history.filter((op) => op.client !== 'cut-off' && op.outcome === 'unknown').map((op) => op.error)).toEqual([]);
    } finally {
      await Promise.all([...proxies.values()].map((proxy) => proxy.stop()));
    }
  });

  for (const [side, timeoutMs] of [['target', 10_000], ['source', 10_000], ['target', 300]] as const) {
    it(`a ${side} node paused (SIGSTOP) for 2 s mid-batch, MIGRATE timeout ${timeoutMs} ms`, async () => {
      cut = await startCluster(4, 3);
      clients = await startClients(cut, 8);
      await preload(clients[0]!, 20_000);
      const run = startWorkload(clients);
      const mover = worker(cut, run, { batchSize: 100, scanCount: 200, timeoutMs });
      try {
        await cut.admin.change({ add: [{ id: 'n3', url: cut.nodeUrl(3) }] });
        const done = mover.runUntilStable();
        // Wait until keys are moving, then stall one node in the middle of a batch.
        while (!run.events.some((event) => event.type === 'progress' && event.progress.moved > 0)) await sleep(5);
        const victim = side === 'target' ? cut.servers[3]! : cut.servers[0]!;
        victim.pause();
        await sleep(2000);
        victim.resume();
        await done;
      } finally {
        await mover.close();
      }
      const report = await finish(cut, clients, run);
      expectClean(report, run);
      if (timeoutMs < 2000 && side === 'target') expect(run.events.some((event) => event.type === 'batch-failed')).toBe(true);
    });
  }
});
