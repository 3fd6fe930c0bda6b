import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Topology } from '@shardis/core';
import { freePort, startRedisServers, stopAll, type RedisServer } from '@shardis/testkit';
import { fillKeys, metric, scrape, shardis, shardisJson, startShardis, transcript, until } from './helpers.ts';

const PASSWORD = 's3cret-Pa55';
let servers: RedisServer[] = [];
let dir = '';

beforeAll(async () => {
  servers = await startRedisServers(3, { args: ['--requirepass', PASSWORD] });
  dir = mkdtempSync(join(tmpdir(), 'shardis-secrets-'));
});

afterAll(async () => {
  await stopAll(servers);
  rmSync(dir, { recursive: true, force: true });
});

it('never prints a password: flags, env, file, seed url, errors, logs, JSON, metrics', async () => {
  const [a, b, c] = servers as [RedisServer, RedisServer, RedisServer];
  const env = { SHARDIS_CLUSTER: 'secret' };
  const flag = ['--password', PASSWORD, '--seed', a.url];
  const init = await shardis(['init', '--node', `a=${a.url}`, '--node', `b=${b.url}`, '--password', PASSWORD, '--verbose', '--log-level', 'debug'], env);
  expect(init.code, init.stderr).toBe(0);

  const doc = await shardisJson<{ topology: Topology }>(['status', ...flag], env);
  await fillKeys(doc.topology, 2000, { password: PASSWORD });

  // MIGRATE needs AUTH on the target: the worker passes the password without ever printing it.
  const add = await shardis(['add-node', 'c', c.url, '--yes', '--wait', '--log-format', 'json', '--log-level', 'debug', '--verbose', ...flag], env);
  expect(add.code, add.stderr).toBe(0);
  expect(add.stdout).toMatch(/done: STABLE/);

  const file = join(dir, 'password');
  writeFileSync(file, `${PASSWORD}\n`);
  const viaFile = await shardis(['verify', '--password-file', file, '--seed', a.url], env);
  expect(viaFile.code, viaFile.stderr).toBe(0);
  const viaEnv = await shardis(['status', '--seed', a.url, '--json'], { ...env, SHARDIS_PASSWORD: PASSWORD });
  expect(viaEnv.code, viaEnv.stderr).toBe(0);
  const viaUrl = await shardis(['status', '--seed', `redis://:${encodeURIComponent(PASSWORD)}@127.0.0.1:${a.port}`, '--verbose'], env);
  expect(viaUrl.code, viaUrl.stderr).toBe(0);
  expect(viaUrl.stdout).toMatch(/clients\s+0 live/);

  // Failures quote what went wrong, never the secret.
  const noAuth = await shardis(['status', '--seed', a.url], env);
  expect(noAuth.code).toBe(1);
  expect(noAuth.stderr).toMatch(/no seed answers \(redis:\/\/127\.0\.0\.1:\d+: NOAUTH/);
  const wrong = await shardis(['status', '--seed', a.url, '--password', `${PASSWORD}-wrong`, '--verbose'], env);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toMatch(/WRONGPASS/);
  const badUrl = await shardis(['add-node', 'd', `redis://admin:${PASSWORD}@127.0.0.1:1`, ...flag], env);
  expect(badUrl.code).toBe(2);
  expect(badUrl.stderr).toMatch(/must not carry credentials \("redis:\/\/\*\*\*@127\.0\.0\.1:1"\)/);
  const badFlag = await shardis(['status', '--pasword', PASSWORD], env);
  expect(badFlag.code).toBe(2);

  // The metrics endpoint of a worker run with the password.
  const port = await freePort();
  const worker = startShardis(['migrate', '--daemon', '--metrics-port', String(port), '--log-level', 'debug', ...flag], env);
  const text = await until('metrics', () => scrape(`http://127.0.0.1:${port}/metrics`).then((body) => (metric(body, 'shardis_cluster_revision')! > 0 ? body : undefined), () => undefined));
  worker.child.kill('SIGTERM');
  expect((await worker.done).code).toBe(0);

  const everything = [...transcript, text].join('\n');
  expect(everything.length).toBeGreaterThan(2000);
  expect(everything).not.toContain(PASSWORD);
  expect(everything).not.toContain(encodeURIComponent(PASSWORD));
});
