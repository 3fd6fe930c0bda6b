import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
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
