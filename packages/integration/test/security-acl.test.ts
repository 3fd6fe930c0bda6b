import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTopology, topologyPlacement } from '@shardis/core';
import { ClusterAdmin, MigrationWorker, applicationAclRules, controlKeys, operatorAclRules, redactState, type NodeConnection, type TopologyRejectedError, type WorkerEvent } from '@shardis/engine';
import { ShardedRedis, ioredisDriver } from '@shardis/ioredis';
import { createShardedClient, type ShardedClientType } from '@shardis/node-redis';
import { startRedisServers, waitFor, type RedisServer } from '@shardis/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandCalls, dump, leakedSecrets, readFields } from '../src/security.ts';

/**
 * The ACL users of SECURITY.md, loaded from that very file into real servers: the application
 * users run data commands and the migration guard, and cannot touch the topology; the operator
 * runs the admin and the worker.
 */
const CLUSTER = 'mycluster';
const SECURITY_MD = fileURLToPath(new URL('../../../SECURITY.md', import.meta.url));
const PASSWORDS = { OPERATOR_PASSWORD: `op-${randomBytes(12).toString('hex')}`, APP_PASSWORD: `app-${randomBytes(12).toString('hex')}`, BILLING_PASSWORD: `bill-${randomBytes(12).toString('hex')}` };
const KEY = randomBytes(32).toString('hex');
const SECRETS = { ...PASSWORDS, KEY };
const keys = controlKeys(CLUSTER);

function aclBlock(): string[] {
  const block = /```acl\n([\s\S]*?)```/.exec(readFileSync(SECURITY_MD, 'utf8'));
  if (block === null) throw new Error('SECURITY.md has no ```acl block');
  return block[1]!.trim().split('\n');
}

const errorOf = (promise: Promise<unknown>): Promise<Error> => promise.then(() => new Error('succeeded'), (error: unknown) => error as Error);

describe('least-privilege ACL users', () => {
  let dir: string;
  let servers: RedisServer[];
  let admin: ClusterAdmin;
  let io: ShardedRedis;
  let nr: ShardedClientType;
  let operator: NodeConnection[];
  const operatorDriver = ioredisDriver({ username: 'shardis-operator', password: PASSWORDS.OPERATOR_PASSWORD });
  const rejections: TopologyRejectedError[] = [];
  const errors: Error[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shardis-acl-'));
    const file = join(dir, 'users.acl');
    writeFileSync(file, `${aclBlock().map((line) => line.replace(/[A-Z_]+_PASSWORD/, (name) => PASSWORDS[name as keyof typeof PASSWORDS])).join('\n')}\n`);
    servers = await startRedisServers(4, { args: ['--aclfile', file] });
    operator = servers.map((server, i) => operatorDriver.connect({ id: `op${i}`, url: server.url }, 'control'));
    const seeds = servers.slice(0, 3).map((server) => server.url);
    admin = new ClusterAdmin({ driver: operatorDriver, cluster: CLUSTER, seeds, topologyKey: KEY });
    await admin.init(createTopology({ cluster: CLUSTER, algorithm: 'ring', nodes: seeds.map((url, i) => ({ id: `n${i}`, url })) }));
    const settings = { cluster: CLUSTER, seeds, topologyKey: KEY, pollIntervalMs: 150, leaseMs: 4000 };
    io = new ShardedRedis({ ...settings, username: 'app', password: PASSWORDS.APP_PASSWORD });
    nr = createShardedClient({ ...settings, clientId: `billing-${randomUUID()}`, defaults: { username: 'billing', password: PASSWORDS.BILLING_PASSWORD } });
    await Promise.all([io.connect(), nr.connect()]);
    io.on('topology-rejected', (error) => rejections.push(error));
    nr.on('topology-rejected', (error) => rejections.push(error));
  });

  afterAll(async () => {
    await Promise.allSettled([io?.quit(), nr?.close(), admin?.close()]);
    for (const connection of operator ?? []) connection.disconnect();
    await Promise.all((servers ?? []).map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('SECURITY.md shows exactly what applicationAclRules() and operatorAclRules() give', () => {
    expect(aclBlock()).toEqual([
      'user default off',
      `user shardis-operator on >OPERATOR_PASSWORD ${operatorAclRules().join(' ')}`,
      `user app on >APP_PASSWORD ${applicationAclRules({ cluster: CLUSTER }).join(' ')}`,
      `user billing on >BILLING_PASSWORD ${applicationAclRules({ cluster: CLUSTER, keys: ['billing:*'], channels: ['billing:*'], clientIdPrefix: 'billing-' }).join(' ')}`,
    ]);
  });

  it('the application users run data commands, scripts, pipelines, transactions and pub/sub through both adapters', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `data:${i}`);
    expect(await io.mset(...names.flatMap((name) => [name, name]))).toBe('OK');
    expect(await io.mget(...names)).toEqual(names);
    expect(await io.eval("return redis.call('INCR', KEYS[1])", 1, 'data:counter')).toBe(1);
    expect((await io.pipeline().set('_underscore', '1').get('__double').exec())?.map(([error]) => error)).toEqual([null, null]);
    expect(await io.multi().incr('{t}a').incr('{t}b').exec()).toEqual([[null, 1], [null, 1]]);
    expect(await io.publish('news', 'hello')).toBe(0);
    expect(await nr.set('billing:1', 'x')).toBe('OK');
    expect(await nr.multi().incr('billing:{t}a').incr('billing:{t}b').exec()).toEqual([1, 1]);
    expect(await nr.publish('billing:events', 'x')).toBe(0);
    // billing is confined to its prefix.
    expect((await errorOf(nr.set('data:0', 'y'))).message).toMatch(/NOPERM/);
  });

  it('the app user may write every key outside __shardis__: and, inside it, only lease keys', async () => {
    const connection = io.engine.nodeConnection('n0');
    const near = fc.string({ unit: fc.constantFrom('_', 's', 'h', 'a', 'r', 'd', 'i', ':', 'x'), maxLength: 14 });
    const key = fc.oneof(near, near.map((tail) => `__shardis__:${tail}`), near.map((tail) => `${keys.clientLeasePrefix}${tail}`), fc.constantFrom('', '_', '__shardis__', '__shardis__:', '__shardis_:', '__shardis__;x'));
    await fc.assert(
      fc.asyncProperty(key, async (name) => {
        const allowed = !name.startsWith('__shardis__:') || name.startsWith(keys.clientLeasePrefix);
        const error = await errorOf(connection.send(['SET', name, 'v']));
        expect(error.message === 'succeeded', name).toBe(allowed);
        if (!allowed) expect(error.message).toMatch(/NOPERM/);
        else await connection.send(['DEL', name]);
      }),
      { numRuns: 400, seed: 3 },
    );
  });

  it('neither can change the topology: NOPERM for HSET/DEL on the state, PUBLISH on the channel, the flag, MIGRATE, CONFIG', async () => {
    const before = await Promise.all(operator.slice(0, 3).map((connection) => readFields(connection, keys.topology)));
    const attempts: Array<readonly (string | number)[]> = [
      ['HSET', keys.topology, 'mode', 'frozen'],
      ['HDEL', keys.topology, 'signature'],
      ['DEL', keys.topology],
      ['RENAME', keys.topology, 'data:stolen'],
      ['PUBLISH', keys.channel, '999'],
      ['SET', keys.migrationFlag, '1'],
      ['SADD', keys.uncertain, 'data:0'],
      ['EVAL', `return redis.call('HSET', '${keys.topology}', 'mode', 'frozen')`, 0],
      ['EVAL', 'return 1', 1, keys.topology],
      ['MIGRATE', '127.0.0.1', servers[3]!.port, 'data:0', 0, 1000],
      ['CONFIG', 'SET', 'appendonly', 'yes'],
      ['FLUSHALL'],
      ['CLIENT', 'KILL', 'TYPE', 'normal'],
    ];
    for (const engine of [io.engine, nr.engine]) {
      for (const args of attempts) {
        const error = await errorOf(engine.nodeConnection('n0').send(args));
        errors.push(error);
        expect(error.message, args.join(' ')).toMatch(/NOPERM|no permissions|can't access/);
      }
    }
    // The billing user vouches only for billing clients.
    expect((await errorOf(nr.engine.nodeConnection('n0').send(['SET', `${keys.clientLeasePrefix}${io.engine.clientId}`, '{"revision":99}']))).message).toMatch(/NOPERM/);
    const after = await Promise.all(operator.slice(0, 3).map((connection) => readFields(connection, keys.topology)));
    expect(after).toEqual(before);
    expect(io.engine.state?.revision).toBe(1);
    expect(rejections).toEqual([]);
  });

  it('the operator runs a migration; the application users keep writing through the migration guard', async () => {
    const evalsBefore = (await Promise.all(operator.map((connection) => commandCalls(connection, 'evalsha')))).reduce((a, b) => a + b, 0);
    const appKeys = Array.from({ length: 200 }, (_, i) => `app:${i}`);
    const billingKeys = Array.from({ length: 200 }, (_, i) => `billing:${i}`);
    await Promise.all([...appKeys.map((name) => io.set(name, '0')), ...billingKeys.map((name) => nr.set(name, '0'))]);
    const changed = await admin.change({ add: [{ id: 'n3', url: servers[3]!.url }] });
    const worker = new MigrationWorker({
      driver: operatorDriver,
      cluster: CLUSTER,
      seeds: changed.topology.nodes.map((node) => node.url),
      topologyKey: KEY,
      migrateAuth: { username: 'shardis-operator', password: PASSWORDS.OPERATOR_PASSWORD },
    });
    let finished = false;
    const done = worker.runUntilStable().finally(() => {
      finished = true;
      return worker.close();
    });
    const counts = new Map<string, number>();
    for (let round = 0; !finished || round < 3; round++) {
      await Promise.all([...appKeys.map((name) => io.incr(name)), ...billingKeys.map((name) => nr.incr(name))]);
      for (const name of [...appKeys, ...billingKeys]) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const stable = await done;
    await waitFor(() => io.engine.state?.revision === stable.revision && nr.engine.state?.revision === stable.revision, { timeoutMs: 3_000, what: 'both clients on the committed revision' });
    const placement = topologyPlacement(stable.topology);
    for (const name of [...appKeys, ...billingKeys]) {
      expect(Number(await operator[Number(placement.locate(name).slice(1))]!.send(['GET', name])), name).toBe(counts.get(name));
    }
    expect([...appKeys, ...billingKeys].some((name) => placement.locate(name) === 'n3')).toBe(true);
    const evalsAfter = (await Promise.all(operator.map((connection) => commandCalls(connection, 'evalsha')))).reduce((a, b) => a + b, 0);
    expect(evalsAfter).toBeGreaterThan(evalsBefore);
    const report = await admin.verify();
    expect(report.misplaced).toEqual([]);
    expect(report.duplicated).toEqual([]);
  });

  it('a MIGRATE that fails (wrong AUTH) reports the server\'s message, never the password; the stopped worker commits nothing and no key is lost', async () => {
    const changed = await admin.change({ remove: ['n3'] });
    const seeds = changed.topology.nodes.map((node) => node.url);
    const events: WorkerEvent[] = [];
    const stop = new AbortController();
    const bad = new MigrationWorker({
      driver: operatorDriver,
      cluster: CLUSTER,
      seeds,
      topologyKey: KEY,
      migrateAuth: { username: 'shardis-operator', password: `${PASSWORDS.OPERATOR_PASSWORD}-wrong` },
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'batch-failed') stop.abort();
      },
    });
    const outcome = await bad.runUntilStable(stop.signal).then(() => undefined, (error: unknown) => error);
    await bad.close();
    // Stopped after failed batches, it committed nothing: the keys are still on n3, uncertain.
    expect((await admin.access.require()).mode).toBe('migrating');
    expect(Number(await operator[3]!.send(['SCARD', keys.uncertain]))).toBeGreaterThan(0);
    const failure = events.find((event) => event.type === 'batch-failed');
    expect(failure?.type === 'batch-failed' && failure.error.message).toMatch(/WRONGPASS|invalid username-password/);
    expect(leakedSecrets(dump([events, outcome]), SECRETS)).toEqual([]);
    const good = new MigrationWorker({ driver: operatorDriver, cluster: CLUSTER, seeds, topologyKey: KEY, migrateAuth: { username: 'shardis-operator', password: PASSWORDS.OPERATOR_PASSWORD } });
    const stable = await good.runUntilStable().finally(() => good.close());
    expect(stable.topology.nodes.map((node) => node.id)).toEqual(['n0', 'n1', 'n2']);
    expect((await admin.verify()).misplaced).toEqual([]);
    // Every key that was on n3 is on its owner now (a key moved by a plain pass after a failed batch
    // once stayed "uncertain", and reconciling deleted its only copy).
    const lost: string[] = [];
    for (let i = 0; i < 200; i++) if ((await io.get(`app:${i}`)) === null) lost.push(`app:${i}`);
    for (let i = 0; i < 200; i++) if ((await nr.get(`billing:${i}`)) === null) lost.push(`billing:${i}`);
    expect(lost).toEqual([]);
  });

  it('no password or key appears in errors, rejections or status output', async () => {
    const wrong = new ShardedRedis({ cluster: CLUSTER, seeds: [servers[0]!.url], username: 'app', password: `${PASSWORDS.APP_PASSWORD}-wrong`, topologyKey: KEY });
    errors.push(await errorOf(wrong.connect()));
    wrong.disconnect();
    // Credentials in seed urls (a wrong one, and one for a port nothing listens on) stay out of the error too.
    const viaUrls = createShardedClient({ cluster: CLUSTER, seeds: [`redis://app:${PASSWORDS.APP_PASSWORD}-x@127.0.0.1:${servers[0]!.port}`, `redis://app:${PASSWORDS.APP_PASSWORD}@127.0.0.1:1`], defaults: { socket: { reconnectStrategy: false } } });
    errors.push(await errorOf(viaUrls.connect()));
    viaUrls.destroy();
    expect(errors.at(-1)!.message).toMatch(/no topology/);
    const status = await admin.status();
    const text = [dump(errors), dump(rejections), dump({ ...status, state: redactState(status.state) })].join('\n');
    expect(errors.at(-2)!.message).toMatch(/WRONGPASS|invalid username-password/);
    expect(leakedSecrets(text, SECRETS)).toEqual([]);
  });
});
