import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedisServers, stopAll, type RedisServer } from '@shardis/testkit';
import { shardis, shardisJson } from './helpers.ts';

/**
 * Hostile command lines against a live cluster, through the built binary: each exits 2 with a
 * short message and writes nothing (the revision and every server's keys stay as they were).
 */

let servers: RedisServer[] = [];
let dir = '';
const env = { SHARDIS_CLUSTER: 'hostile' };
const HUGE = 'x'.repeat(100_000);

async function snapshot(): Promise<string> {
  const sizes = await Promise.all(servers.map((server) => server.command('DBSIZE')));
  const state = await servers[0]!.command('HGET', '__shardis__:hostile:topology', 'revision');
  return `${sizes.join(',')} ${state}`;
}

beforeAll(async () => {
  servers = await startRedisServers(2);
  dir = mkdtempSync(join(tmpdir(), 'shardis-hostile-'));
  Object.assign(env, { SHARDIS_SEEDS: servers[0]!.url });
  const init = await shardis(['init', '--node', `n1=${servers[0]!.url}`], env);
  expect(init.code, init.stderr).toBe(0);
});

afterAll(async () => {
  await stopAll(servers);
  rmSync(dir, { recursive: true, force: true });
});

it('huge arguments, NUL bytes, __proto__, NaN/Infinity/1e309 weights, 10,000 --node flags: exit 2, short message, nothing written', async () => {
  const before = await snapshot();
  const url = servers[1]!.url;
  const nodes = (count: number, last: string) => [...Array.from({ length: count - 1 }, (_, i) => ['--node', `n${i}=redis://127.0.0.1:${10_000 + i}`]).flat(), '--node', last];
  writeFileSync(join(dir, 'nul.key'), Buffer.alloc(12));
  writeFileSync(join(dir, 'nul-password'), 'pass\u0000word\n');
  const cases: Array<[string[], RegExp, Record<string, string>?]> = [
    [['status', '--cluster', HUGE], /cluster name "x{40}…" must match/],
    [['add-node', `n${HUGE}`, url, '--yes'], /node id|1 to 256 characters/],
    [['add-node', 'n9', `redis://127.0.0.1:1/${HUGE}`, '--yes'], /node "n9": url "redis:\/\/127\.0\.0\.1:1\/x{20,}…"/],
    [['status', `--${HUGE}`], /unknown option '--x{38}…'/],
    [['reweight', `n1=${HUGE}`, '--yes'], /weight must be a finite number > 0, got "x{40}…"/],
    [['status', '--topology-key-file', join(dir, 'nul.key')], /a topology key must be at least 16 bytes, this one has 12/],
    [['init', '--force', '--node', `__proto__=${url}`], /node id "__proto__" is reserved/],
    [['add-node', '__proto__', url, '--yes'], /node id "__proto__" is reserved/],
    [['reweight', '__proto__=2', '--yes'], /node id "__proto__" is reserved/],
    [['remove-node', '__proto__', '--yes'], /ERR_UNKNOWN_NODE: .*"__proto__"/],
    [['pin', 'k', 'constructor', '--yes'], /node id "constructor" is reserved/],
    [['init', '--force', '--node', `a=${url}`, '--param', '__proto__={"vnodes":1}'], /the key "__proto__" is not allowed/],
    [['reweight', 'n1=NaN', '--yes'], /got "NaN"/],
    [['reweight', 'n1=Infinity', '--yes'], /got "Infinity"/],
    [['reweight', 'n1=1e309', '--yes'], /got "1e309"/],
    [['add-node', 'n9', url, '--weight', '0x10', '--yes'], /--weight must be a finite number > 0, got "0x10"/],
    [['init', '--force', '--node', `a=${url},weight=-Infinity`], /weight must be a finite number > 0/],
    [['migrate', '--batch-size', '1e3'], /'--batch-size <n>' argument '1e3' is invalid/],
    [['init', '--force', ...nodes(10_000, `n0=${url}`)], /--node "n0" is given twice/],
    [['init', '--force', ...nodes(10_001, `last=${url}`)], /10000|10,000/],
    [['status'], /SHARDIS_TLS must be 1 or 0.*got "maybe"/, { SHARDIS_TLS: 'maybe' }],
    [['status'], /SHARDIS_LOG_FORMAT must be one of text, json/, { SHARDIS_LOG_FORMAT: 'xml' }],
    [['status'], /the credentials are not valid percent-encoding/, { SHARDIS_SEEDS: `redis://:%zz@127.0.0.1:${servers[0]!.port}` }],
  ];
  const started = Date.now();
  const results = await Promise.all(cases.map(([args, , extra]) => shardis(args, { ...env, ...extra })));
  results.forEach((result, i) => {
    const [args, message] = cases[i]!;
    const label = args.join(' ').slice(0, 120);
    expect(result.code, `${label}\n${result.stderr.slice(0, 500)}`).toBe(2);
    expect(result.stderr, label).toMatch(message);
    expect(result.stderr.length, label).toBeLessThan(1500);
    expect(result.stderr, label).not.toMatch(/\n\s+at |internal error/);
  });
  expect(Date.now() - started).toBeLessThan(15_000);
  // A password with a NUL byte is just a password (these servers ask for none): no crash, never printed.
  const nul = await shardis(['status', '--password-file', join(dir, 'nul-password')], env);
  expect(nul.code, nul.stderr).toBe(0);
  expect(nul.stdout + nul.stderr).not.toContain('pass\u0000word');
  expect(await snapshot()).toBe(before);
  expect((await shardisJson<{ revision: number }>(['status'], env)).revision).toBe(1);
});
