import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '@shardis/core';
import { startRedisServers, stopAll, type RedisServer } from '@shardis/testkit';
import { fillKeys, shardis, shardisJson } from './helpers.ts';

interface StatusDoc {
  revision: number;
  mode: string;
  epoch: number;
  nodes: Array<{ id: string; url: string; reachable: boolean; keys?: number; role: string }>;
  clients: unknown[];
  progress: Array<{ node: string; moved: number; done: boolean }>;
  topology: Topology;
}

const KEYS = 3000;
let servers: RedisServer[] = [];
let env: Record<string, string> = {};

const totalKeys = (doc: StatusDoc) => doc.nodes.reduce((sum, node) => sum + (node.keys ?? 0), 0);

beforeAll(async () => {
  servers = await startRedisServers(4);
  env = { SHARDIS_CLUSTER: 'e2e', SHARDIS_SEEDS: servers[0]!.url };
});

afterAll(async () => {
  await stopAll(servers);
});

describe('shardis, end to end as an operator runs it', () => {
  it('init → status → add-node --wait → verify → remove-node → migrate → verify', async () => {
    const [a, b, c, d] = servers as [RedisServer, RedisServer, RedisServer, RedisServer];
    const init = await shardis(['init', '--algorithm', 'ring', '--node', `n1=${a.url}`, '--node', `n2=${b.url}`, '--node', `n3=${c.url},weight=1`], env);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/initialised cluster e2e: revision 1, epoch 0, ring/);

    const again = await shardis(['init', '--node', `n1=${a.url}`], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/ERR_CLUSTER_EXISTS: .*already has a topology.*--force/);

    let doc = await shardisJson<StatusDoc>(['status'], env);
    expect(doc).toMatchObject({ revision: 1, mode: 'stable', epoch: 0 });
    expect(doc.nodes.map((node) => node.id)).toEqual(['n1', 'n2', 'n3']);
    await fillKeys(doc.topology, KEYS);

    const text = await shardis(['status'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/state\s+STABLE\s+revision 1, epoch 0/);
    expect(text.stdout).toMatch(/n1\s+redis:\/\/127\.0\.0\.1:\d+\s+1\s+up\s+[\d,]+/);
    expect(text.stdout).toMatch(/clients\s+0 live/);

    const add = await shardis(['add-node', 'n4', d.url, '--yes', '--wait'], env);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/\+ node n4 at redis:\/\/127\.0\.0\.1:\d+, weight 1/);
    expect(add.stdout).toMatch(/~\d+\.\d% would move \(≈ [\d,]+ keys\), estimated on 3,000 sampled keys; ideal 25\.0%/);
    expect(add.stdout).toMatch(/done: STABLE at revision 3, epoch 1; [\d,]+ keys moved/);
    expect(add.stderr).toMatch(/INFO  migration committed/);

    const verified = await shardis(['verify'], env);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/^OK: 3,000 keys checked, 0 misplaced, 0 duplicated/);

    const remove = await shardis(['remove-node', 'n2', '--yes'], env);
    expect(remove.code, remove.stderr).toBe(0);
    expect(remove.stdout).toMatch(/written: revision 4 MIGRATING \(epoch 1 → 2\)/);
    doc = await shardisJson<StatusDoc>(['status'], env);
    expect(doc.mode).toBe('migrating');
    expect(doc.nodes.find((node) => node.id === 'n2')?.role).toBe('leaving');
    const migrating = await shardis(['status'], env);
    expect(migrating.stdout).toMatch(/change\s+epoch 1 → 2\n\s+- node n2/);
    expect(migrating.stdout).toMatch(/no source has started yet; is a worker running\?/);

    const migrate = await shardis(['migrate', '--json'], env);
    expect(migrate.code, migrate.stderr).toBe(0);
    const events = migrate.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; state?: { mode: string } });
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['state', 'moving', 'progress', 'committed', 'done']));
    expect(events.at(-1)).toMatchObject({ type: 'done', state: { mode: 'stable', revision: 5 } });

    const report = await shardisJson<{ ok: boolean; checked: number }>(['verify'], env);
    expect(report).toMatchObject({ ok: true, checked: KEYS });
    doc = await shardisJson<StatusDoc>(['status'], env);
    expect(doc.nodes.map((node) => node.id)).toEqual(['n1', 'n3', 'n4']);
    expect(totalKeys(doc)).toBe(KEYS);
    expect(await b.command('DBSIZE')).not.toMatch(/^:[1-9]\d{2,}/); // n2 gave its keys away
  });

  it('verify exits 1 and lists misplaced and duplicated keys', async () => {
    const doc = await shardisJson<StatusDoc>(['status'], env);
    const owner = servers.find((server) => server.url === doc.topology.nodes[0]!.url)!;
    const other = servers.find((server) => server.url === doc.topology.nodes[1]!.url)!;
    // A key that the first node owns, copied to the second: misplaced there, and duplicated.
    const keys = (await owner.command('SCAN', '0', 'COUNT', '1000')).match(/user:\d+/g)!;
    await other.command('SET', keys[0]!, 'stray');
    const result = await shardis(['verify'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^PROBLEMS: 3,001 keys checked, 1 misplaced, 1 duplicated/);
    expect(result.stdout).toContain(`misplaced  ${keys[0]}  on ${doc.topology.nodes[1]!.id}, owner ${doc.topology.nodes[0]!.id}`);
    await other.command('DEL', keys[0]!);
  });

  it('refuses bad input with exit 2, a clear message, and writes nothing', async () => {
    const before = await shardisJson<StatusDoc>(['status'], env);
    const d = servers[3]!;
    const cases: Array<[string[], RegExp]> = [
      [['add-node', 'n9', 'redis://127.0.0.1'], /node "n9": url "redis:\/\/127\.0\.0\.1" must name a port/],
      [['add-node', 'n9', 'http://127.0.0.1:1'], /node "n9": url .* must start with redis:\/\//],
      [['add-node', 'n1', servers[1]!.url, '--yes'], /node "n1" already exists/],
      [['add-node', 'n9', d.url, '--yes'], /node "n9"\.url: same server as node "n4"/],
      [['add-node', 'n9', servers[1]!.url, '--weight', '0', '--yes'], /--weight must be a finite number > 0, got "0"/],
      [['reweight', 'n1=0', '--yes'], /reweight "n1": weight must be a finite number > 0, got "0"/],
      [['reweight', 'n1=NaN', '--yes'], /weight must be a finite number > 0, got "NaN"/],
      [['reweight', 'ghost=2', '--yes'], /ERR_UNKNOWN_NODE: .*no node with id "ghost"/],
      [['remove-node', 'ghost', '--yes'], /ERR_UNKNOWN_NODE: .*no node with id "ghost"/],
      [['remove-node', 'n1', '--'], /stdin is not a terminal.*pass --yes/],
      [['init', '--force', '--node', 'a=redis://127.0.0.1:1', '--node', 'a=redis://127.0.0.1:2'], /--node "a" is given twice/],
      [['init', '--force', '--algorithm', 'magic', '--node', 'a=redis://127.0.0.1:1'], /argument 'magic' is invalid\. Allowed choices are ring, jump/],
      [['status', '--frobnicate'], /unknown option '--frobnicate'/],
      [['migrate', '--batch-size', 'lots'], /'--batch-size <n>' argument 'lots' is invalid/],
      [['add-node', 'n9'], /missing required argument 'url'/],
    ];
    const results = await Promise.all(cases.map(([args]) => shardis(args, env)));
    results.forEach((result, i) => {
      const [args, message] = cases[i]!;
      expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr, args.join(' ')).not.toMatch(/\n\s+at /); // one line, no stack trace
    });
    const noSeed = await shardis(['status'], { SHARDIS_CLUSTER: 'e2e' });
    expect(noSeed.code).toBe(2);
    expect(noSeed.stderr).toMatch(/no seed: pass --seed redis:\/\/host:port/);
    const after = await shardisJson<StatusDoc>(['status'], env);
    expect(after.revision).toBe(before.revision);
    expect(after.mode).toBe('stable');
  });

  it('says why it cannot read a cluster, in one line (exit 1); --verbose adds the stack', async () => {
    const unknown = await shardis(['status', '--cluster', 'nope'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toMatch(/^shardis: ERR_TOPOLOGY_NOT_FOUND: no topology for cluster "nope" on 1 reachable seed\(s\); run `shardis init`/);
    const down = await shardis(['status', '--seed', 'redis://127.0.0.1:1', '--verbose'], env);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/ERR_SEEDS_UNREACHABLE: cannot read cluster "e2e": no seed answers \(redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/);
    expect(down.stderr).toMatch(/\n\s+at /);
  });

  it('prints --help for every command (exit 0), and usage on no command (exit 2)', async () => {
    const commands = ['init', 'status', 'add-node', 'remove-node', 'reweight', 'pin', 'unpin', 'pins', 'migrate', 'abort', 'verify', 'resign'];
    const [top, acl, ...each] = await Promise.all([shardis(['--help']), shardis(['acl', '--help']), ...commands.map((command) => shardis([command, '--help']))]);
    expect(top!.code).toBe(0);
    for (const command of [...commands, 'acl']) expect(top!.stdout).toContain(command);
    expect(acl!.stdout).toMatch(/Usage: shardis acl \[options\][\s\S]*--client-id-prefix <prefix>[\s\S]*Examples:/);
    expect(top!.stdout).toMatch(/Exit codes: 0 ok, 1 failure/);
    each.forEach((result, i) => {
      expect(result.code, commands[i]).toBe(0);
      expect(result.stdout).toContain(`Usage: shardis ${commands[i]} [options]`);
      expect(result.stdout).toMatch(/Connection options:[\s\S]*--seed <url>[\s\S]*--password <password>/);
      expect(result.stdout).toMatch(/--json/);
      expect(result.stdout).toMatch(/Examples:\n {2}\$ shardis /);
    });
    const bare = await shardis([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('Usage: shardis [options] [command]');
  });
});
