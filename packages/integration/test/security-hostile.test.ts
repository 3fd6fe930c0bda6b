import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { createTopology, topologyPlacement, type Placement } from '@shardis/core';
import { ClusterAdmin, StateStore, controlKeys, formatAnnouncement, TopologyKeyring, type NodeConnection, type TopologyRejectedError } from '@shardis/engine';
import { ShardedRedis, ioredisDriver } from '@shardis/ioredis';
import { createShardedClient, type ShardedClientType } from '@shardis/node-redis';
import { startRedisServers, type RedisServer } from '@shardis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandCalls, overwriteState, readFields } from '../src/security.ts';

/**
 * Hostile input from the network: pub/sub payloads, state hashes written by hand, keys of every
 * shape. Each yields a typed error or a correct answer; never a crash, a hang, a changed topology,
 * or unbounded work.
 */
const CLUSTER = 'hostile';
const KEY = randomBytes(32).toString('hex');
const keys = controlKeys(CLUSTER);
const driver = ioredisDriver();
// Long polls, so that what a flood causes stands out from what the timer does.
const POLL_MS = 1000;

describe('hostile input from the network', () => {
  let servers: RedisServer[];
  let admin: ClusterAdmin;
  let raw: NodeConnection[];
  let placement: Placement;
  let legit: Record<string, string>;
  const clients: Array<{ name: string; revision: () => number | undefined; quit: () => Promise<unknown> }> = [];
  const rejections: TopologyRejectedError[] = [];

  const ioClient = async (topologyKey?: string) => {
    const client = new ShardedRedis({ cluster: CLUSTER, seeds: servers.map((s) => s.url), pollIntervalMs: POLL_MS, ...(topologyKey === undefined ? {} : { topologyKey }) });
    await client.connect();
    client.on('topology-rejected', (error) => rejections.push(error));
    clients.push({ name: 'io', revision: () => client.engine.state?.revision, quit: () => client.quit() });
    return client;
  };
  const nrClient = async (topologyKey?: string): Promise<ShardedClientType> => {
    const client = createShardedClient({ cluster: CLUSTER, seeds: servers.map((s) => s.url), pollIntervalMs: POLL_MS, ...(topologyKey === undefined ? {} : { topologyKey }) });
    await client.connect();
    client.on('topology-rejected', (error) => rejections.push(error));
    clients.push({ name: 'nr', revision: () => client.engine.state?.revision, quit: () => client.close() });
    return client;
  };
  const hmgets = async () => (await Promise.all(raw.map((connection) => commandCalls(connection, 'hmget')))).reduce((a, b) => a + b, 0);
  /** Publishes `payloads` on the topology channel of every node, pipelined. */
  const flood = async (payloads: ReadonlyArray<string | Buffer>) => {
    for (const connection of raw) await connection.batch(payloads.map((payload) => ['PUBLISH', keys.channel, payload]));
  };

  beforeAll(async () => {
    servers = await startRedisServers(3);
    raw = servers.map((server, i) => driver.connect({ id: `raw${i}`, url: server.url }, 'control'));
    admin = new ClusterAdmin({ driver, cluster: CLUSTER, seeds: servers.map((s) => s.url), topologyKey: KEY });
    const state = await admin.init(createTopology({ cluster: CLUSTER, algorithm: 'jump', nodes: servers.map((server, i) => ({ id: `n${i}`, url: server.url })) }));
    placement = topologyPlacement(state.topology);
    legit = await readFields(raw[0]!, keys.topology);
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((client) => client.quit()));
    await admin?.close();
    for (const connection of raw ?? []) connection.disconnect();
    await Promise.all((servers ?? []).map((server) => server.stop()));
  });

  describe('a flood of announcements causes bounded work', () => {
    const bogus = (count: number) => Array.from({ length: count }, (_, i) => String(1_000_000 + i));

    it('without a key, re-reads are rate-limited: at most one check per 100 ms', async () => {
      const client = await ioClient();
      await sleep(50);
      const before = await hmgets();
      const started = Date.now();
      while (Date.now() - started < 1500) await flood(bogus(500));
      await sleep(150);
      const elapsed = Date.now() - started;
      // One check reads the revision of every node (3 HMGETs); polls add one check per second.
      const checks = ((await hmgets()) - before) / 3;
      expect(checks).toBeGreaterThan(3);
      expect(checks).toBeLessThanOrEqual(elapsed / 100 + elapsed / POLL_MS + 2);
      expect(client.engine.state?.revision).toBe(1);
      expect(await client.set('after-flood', '1')).toBe('OK');
      await client.quit();
      clients.pop();
    });

    it('with a key, forged and replayed announcements cause no read at all', async () => {
      const client = await nrClient(KEY);
      await sleep(50);
      const keyring = TopologyKeyring.from(KEY);
      const stranger = TopologyKeyring.from(randomBytes(32));
      const payloads = [
        ...bogus(300),
        ...Array.from({ length: 100 }, (_, i) => formatAnnouncement(CLUSTER, 2 + i, stranger)),
        ...Array.from({ length: 100 }, () => formatAnnouncement(CLUSTER, 1, keyring)), // replayed: not newer
        ...Array.from({ length: 100 }, (_, i) => formatAnnouncement('elsewhere', 2 + i, keyring)),
      ];
      const before = await hmgets();
      const started = Date.now();
      while (Date.now() - started < 1200) await flood(payloads);
      const elapsed = Date.now() - started;
      const checks = ((await hmgets()) - before) / 3;
      expect(checks).toBeLessThanOrEqual(Math.ceil(elapsed / POLL_MS) + 1);
      expect(client.engine.state?.revision).toBe(1);
      expect(await client.set('after-signed-flood', '1')).toBe('OK');
    });
  });

  it('thousands of random payloads on the channel: clients of both adapters keep their topology and keep working', async () => {
    const io = await ioClient(KEY);
    const nr = clients.find((client) => client.name === 'nr')!;
    const payloads = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
        fc.string({ maxLength: 100 }),
        fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
        fc.constantFrom('', ' ', '2', '2 v1:', '9'.repeat(400), 'NaN', '1e308', '__proto__', '{"revision":2}', '\u0000', 'x'.repeat(100_000)),
      ),
      { numRuns: 4000, seed: 42 },
    );
    await flood(payloads);
    await sleep(250);
    expect(io.engine.state?.revision).toBe(1);
    expect(nr.revision()).toBe(1);
    expect(await io.set('after-fuzz', 'ok')).toBe('OK');
    expect(await io.get('after-fuzz')).toBe('ok');
  });

  describe('state hashes written by hand', () => {
    const hostileValue = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? ''),
      fc.constantFrom('NaN', 'Infinity', '-1', '', '[{"id":"n0","url":"redis://10.0.0.1:6379","weight":NaN}]', '{"__proto__":{"polluted":1}}', '['.repeat(10_000), 'frozen', 'x'.repeat(1024 * 1024)),
    );
    const fieldName = fc.constantFrom('version', 'cluster', 'epoch', 'algorithm', 'hash', 'hashTags', 'params', 'nodes', 'mode', 'source', 'revision', 'signature', '__proto__', 'constructor');
    const document = fc.tuple(fc.array(fc.tuple(fieldName, hostileValue), { minLength: 1, maxLength: 3 }), fc.constantFrom('unsigned', 'stranger', 'kept')).map(([edits, signing]) => {
      const fields: Record<string, string> = { ...legit, revision: '2' };
      for (const [name, value] of edits) Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
      if (signing === 'unsigned') delete fields['signature'];
      if (signing === 'stranger') return new StateStore({ cluster: CLUSTER, topologyKey: randomBytes(32) }).sign(fields);
      return fields;
    });

    it('signed clients of both adapters refuse every one of them, typed, and keep routing', async () => {
      const io = await ioClient(KEY);
      const nr = await nrClient(KEY);
      const before = rejections.length;
      await fc.assert(
        fc.asyncProperty(document, async (fields) => {
          await overwriteState(raw, keys.topology, fields);
          await Promise.all([io.engine.refresh(), nr.engine.refresh()]);
          expect(io.engine.state?.revision).toBe(1);
          expect(nr.engine.state?.revision).toBe(1);
        }),
        { numRuns: 150, seed: 7 },
      );
      await overwriteState(raw, keys.topology, legit);
      expect(rejections.length).toBeGreaterThan(before);
      for (const error of rejections) {
        expect(error.code).toBe('ERR_TOPOLOGY_REJECTED');
        expect(error.message.length).toBeLessThan(600);
      }
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(await io.set('after-state-fuzz', 'ok')).toBe('OK');
      expect(await nr.get('after-state-fuzz')).toBe('ok');
    });
  });

  describe('keys of every shape through both adapters: routed to their owner, or a typed error', () => {
    const hostileKey = fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
      fc.string({ unit: fc.constantFrom('{', '}', 'a', 'b', '\u00e9', '\ud83d\ude00'), maxLength: 12 }),
      fc.constantFrom('', '{', '}', '{}', '}{', '{{a}}', 'a{b', 'a}b{c}', '{a}{b}', Buffer.from([0xff, 0xfe, 0x7b, 0x80, 0x7d]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80])),
    );
    const asBuffer = (key: string | Buffer) => (typeof key === 'string' ? Buffer.from(key, 'utf8') : key);

    it('SET, GET and DEL of random binary keys, unbalanced tags, the empty key', async () => {
      const io = await ioClient(KEY);
      const nr = await nrClient(KEY);
      await fc.assert(
        fc.asyncProperty(hostileKey, fc.boolean(), async (key, viaIo) => {
          const bytes = asBuffer(key);
          const value = `v${bytes.length}`;
          expect(await (viaIo ? io.set(bytes, value) : nr.set(bytes, value))).toBe('OK');
          const owner = placement.locate(bytes);
          expect(await raw[Number(owner.slice(1))]!.send(['EXISTS', bytes])).toBe(1);
          expect(String(await (viaIo ? nr.get(bytes) : io.get(bytes)))).toBe(value);
          expect(await (viaIo ? nr.del(bytes) : io.del(bytes))).toBe(1);
        }),
        { numRuns: 300, seed: 11 },
      );
    });

    it('a 1 MB key and multi-key commands over hostile keys', async () => {
      const io = await ioClient(KEY);
      const nr = await nrClient(KEY);
      const big = Buffer.alloc(1024 * 1024, 0x7b); // one megabyte of "{"
      expect(await io.set(big, 'big')).toBe('OK');
      expect(await nr.get(big)).toBe('big');
      expect(await raw[Number(placement.locate(big).slice(1))]!.send(['EXISTS', big])).toBe(1);
      const names = [Buffer.alloc(0), Buffer.from('{'), Buffer.from([0xff]), Buffer.from('}{x}'), big];
      expect(await io.mset(...names.flatMap((name, i) => [name, `m${i}`]))).toBe('OK');
      expect(await nr.mGet(names)).toEqual(names.map((_, i) => `m${i}`));
      expect(await nr.del(names)).toBe(names.length);
    });
  });
});
