import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Topology } from '@shardis/core';
import { freePort, startRedisServers, stopAll, type RedisServer } from '@shardis/testkit';
import { fillKeys, metric, scrape, shardis, shardisJson, startShardis, until } from './helpers.ts';

const KEYS = 6000;
let servers: RedisServer[] = [];
const env = { SHARDIS_CLUSTER: 'worker' };

/** The metric names the README documents, from its table. */
function documentedMetrics(): string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  return [...readme.matchAll(/^\| `([a-z_]+)` \|/gm)].map((match) => match[1]!);
}

beforeAll(async () => {
  servers = await startRedisServers(3);
  Object.assign(env, { SHARDIS_SEEDS: servers.map((server) => server.url).join(',') });
  const init = await shardis(['init', ...servers.flatMap((server, i) => ['--node', `n${i + 1}=${server.url}`])], env);
  expect(init.code, init.stderr).toBe(0);
  const doc = await shardisJson<{ topology: Topology }>(['status'], env);
  await fillKeys(doc.topology, KEYS);
});

afterAll(async () => {
  await stopAll(servers);
});

it('a daemon serves every documented metric at /metrics during a migration, and stops on SIGTERM (exit 0)', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/metrics`;
  const daemon = startShardis(['migrate', '--daemon', '--metrics-port', String(port), '--max-keys-per-second', '1000', '--batch-size', '100', '--json', '--log-format', 'json'], env);
  try {
    await until('the metrics endpoint', () => scrape(url).then((text) => (metric(text, 'shardis_cluster_mode', 'mode="stable"') === 1 ? text : undefined), () => undefined));
    const change = await shardis(['reweight', 'n1=3', '--yes'], env);
    expect(change.code, change.stderr).toBe(0);
    const during = await until('keys moving', async () => {
      const text = await scrape(url);
      return metric(text, 'shardis_cluster_mode', 'mode="migrating"') === 1 && metric(text, 'shardis_migration_keys_moved_total')! > 0 ? text : undefined;
    });
    const served = [...during.matchAll(/^# TYPE (\S+) (counter|gauge)$/gm)].map((match) => match[1]);
    const documented = documentedMetrics();
    expect(documented.length).toBeGreaterThan(20);
    expect(served.sort()).toEqual([...documented].sort());
    expect(metric(during, 'shardis_migration_keys_per_second')).toBeGreaterThan(0);
    expect(metric(during, 'shardis_migration_keys_per_second')).toBeLessThan(1500); // the throttle holds
    expect(metric(during, 'shardis_migration_sources_pending')).toBeGreaterThan(0);
    expect(metric(during, 'shardis_migration_lag_seconds')).toBeLessThan(5);
    expect(metric(during, 'shardis_migration_last_progress_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
    const after = await until('the commit', () => scrape(url).then((text) => (metric(text, 'shardis_migration_commits_total') === 1 ? text : undefined)));
    expect(metric(after, 'shardis_migration_sources_pending')).toBe(0);
    expect(metric(after, 'shardis_migration_lag_seconds')).toBe(0);
    expect(await scrape(`http://127.0.0.1:${port}/healthz`)).toBe('ok\n');
  } finally {
    daemon.child.kill('SIGTERM');
  }
  const result = await daemon.done;
  expect(result.code, result.stderr).toBe(0);
  const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string });
  expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['metrics', 'moving', 'progress', 'committed', 'stopped']));
  // Structured logs: one JSON object per line on stderr.
  const logs = result.stderr.trim().split('\n').map((line) => JSON.parse(line) as { level: string; msg: string; worker?: string });
  expect(logs.map((log) => log.msg)).toEqual(expect.arrayContaining(['metrics endpoint listening', 'moving keys', 'migration committed']));
  expect(logs.every((log) => typeof log.worker === 'string')).toBe(true);
  expect((await shardis(['verify'], env)).code).toBe(0);
});

it('SIGINT stops a worker between pages (exit 130); status shows the checkpoint; the next migrate resumes', async () => {
  const change = await shardis(['reweight', 'n1=1', '--yes'], env);
  expect(change.code, change.stderr).toBe(0);
  const worker = startShardis(['migrate', '--max-keys-per-second', '1000', '--batch-size', '100', '--json'], env);
  await until('a page moved', () => (/"type":"progress","time":"[^"]+","source":"n\d","moved":[1-9]/.test(worker.stdout()) ? true : undefined));
  worker.child.kill('SIGINT');
  const stopped = await worker.done;
  expect(stopped.code, stopped.stderr).toBe(130);
  expect(stopped.stderr).toMatch(/SIGINT: stopping after the current page/);
  expect(JSON.parse(stopped.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'stopped', state: { mode: 'migrating' } });

  const status = await shardisJson<{ mode: string; progress: Array<{ moved: number; done: boolean; fraction: number }> }>(['status'], env);
  expect(status.mode).toBe('migrating');
  expect(status.progress.reduce((sum, source) => sum + source.moved, 0)).toBeGreaterThan(0);
  expect(status.progress.every((source) => source.done)).toBe(false);
  const text = await shardis(['status'], env);
  expect(text.stdout).toMatch(/migration\s+\d\/\d sources done, [\d,]+ keys moved\n\s+n\d\s+\[[#-]{20}\]/);

  const resumed = await shardis(['migrate'], env);
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(resumed.stdout).toMatch(/done: STABLE at revision \d+, epoch 2; this worker moved [\d,]+ keys/);
  const report = await shardisJson<{ ok: boolean; checked: number }>(['verify'], env);
  expect(report).toEqual(expect.objectContaining({ ok: true, checked: KEYS }));
});
