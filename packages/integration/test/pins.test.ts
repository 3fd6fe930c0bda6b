import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { isPinned, NodeHasPinsError, UnknownNodeError, type Placement } from '@shardis/core';
import { ShardedEngine, type NodeConnection, type RedisDriver } from '@shardis/engine';
import { ioredisDriver, ShardedRedis } from '@shardis/ioredis';
import { checkHistory } from '../src/checker.ts';
import { ioredisClient, type ClientSettings } from '../src/clients.ts';
import { startClients, startCluster, summarize, worker, type ClusterUnderTest, type Run } from '../src/scenario.ts';
import type { Op, WorkloadClient } from '../src/workload.ts';

/**
 * Pins end to end: pinning and unpinning are topology changes whose keys move through the
 * migration protocol under live traffic, pin sets reach clients that missed the announcement,
 * big sets load whole and verified, and bad pins are refused before anything is written.
 */

const NOT_APPLIED: ReadonlySet<string> = new Set(['ERR_TRYAGAIN', 'ERR_LEASE_EXPIRED']);

/** A driver whose subscriptions are real but deliver nothing: a client that misses every announcement. */
function deaf(inner: RedisDriver): RedisDriver {
  return {
    name: inner.name,
    capabilities: inner.capabilities,
    isServerError: (error) => inner.isServerError(error),
    connect(endpoint, role, name) {
      const connection = inner.connect(endpoint, role, name);
      if (role !== 'subscriber') return connection;
      return {
        send: (args) => connection.send(args),
        batch: (commands) => connection.batch(commands),
        subscribe: (channel) => connection.subscribe(channel, () => undefined),
        onEvent: (listener) => connection.onEvent(listener),
        get ready() {
          return connection.ready;
        },
        close: () => connection.close(),
        disconnect: () => connection.disconnect(),
      };
    },
  };
}

interface Counters {
  readonly name: string;
  readonly engine: ShardedEngine;
  incr(key: string): Promise<unknown>;
  multiIncr(keys: readonly string[]): Promise<unknown>;
  quit(): Promise<void>;
}

function asCounters(client: WorkloadClient): Counters {
  const engine = 'redis' in client ? (client.redis as ShardedRedis).engine : (client as unknown as { client: { engine: ShardedEngine } }).client.engine;
  return { name: client.name, engine, incr: (key) => client.incr(key), multiIncr: (keys) => client.multiIncr(keys), quit: () => client.quit() };
}

async function deafClient(cut: ClusterUnderTest): Promise<Counters> {
  const engine = new ShardedEngine({ driver: deaf(ioredisDriver()), cluster: cut.cluster, seeds: [...cut.seeds], pollIntervalMs: 300, leaseMs: 4000, retryTimeoutMs: 15_000 });
  await engine.connect();
  return {
    name: 'deaf',
    engine,
    incr: (key) => engine.command(['INCR', key]),
    multiIncr: async (keys) => {
      const replies = await engine.transaction(keys.map((key) => ['INCR', key]));
      const failed = replies.find((reply) => reply instanceof Error);
      if (failed instanceof Error) throw failed;
      return replies;
    },
    quit: () => engine.quit(),
  };
}

/** Every client INCRs the hot keys as fast as it can: a pinned tag (counter and a MULTI pair) and a pinned plain key. */
function hammer(clients: readonly Counters[]): Run {
  const history: Op[] = [];
  const stop = new AbortController();
  const loops = clients.map(async (client) => {
    let seq = 0;
    while (!stop.signal.aborted) {
      seq++;
      const pair = seq % 4 === 3 ? ['{hot}:a', '{hot}:b'] : undefined;
      const key = pair?.[0] ?? (seq % 4 === 0 ? 'hot-plain' : '{hot}:counter');
      const op: Op = { client: client.name, kind: pair === undefined ? 'incr' : 'multi', key, ...(pair === undefined ? {} : { keys: pair }), value: `${client.name}:${seq}`, sentAt: Date.now(), outcome: 'unknown' };
      history.push(op);
      try {
        await (pair === undefined ? client.incr(key) : client.multiIncr(pair));
        op.outcome = 'ok';
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        op.outcome = typeof code === 'string' && NOT_APPLIED.has(code) ? 'not-applied' : 'unknown';
        op.error = `${String(code)}: ${(error as Error).message}`;
        await sleep(20);
      }
      op.doneAt = Date.now();
      if (seq % 20 === 0) await sleep(0);
    }
  });
  return { history, events: [], stopWorkload: async () => (stop.abort(), void (await Promise.all(loops))) };
}

async function holders(connections: ReadonlyMap<string, NodeConnection>, key: string): Promise<string[]> {
  const found: string[] = [];
  for (const [id, connection] of connections) if ((await connection.send(['EXISTS', key])) === 1) found.push(id);
  return found;
}

async function controlKeys(connection: NodeConnection, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const reply = (await connection.send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', 1000])) as [Buffer, Buffer[]];
    cursor = reply[0].toString();
    keys.push(...reply[1].map((key) => key.toString()));
  } while (cursor !== '0');
  return keys;
}

function other(placement: Placement, key: string): string {
  const owner = placement.locate(key);
  return placement.nodes.map((node) => node.id).find((id) => id !== owner)!;
}

describe('pins: an explicit key → node map, changed through the migration protocol', () => {
  let cut: ClusterUnderTest | undefined;
  let clients: Counters[] = [];

  afterEach(async () => {
    await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
    clients = [];
    await cut?.stop();
    cut = undefined;
  });

  it('pin a hot tag and a hot key while 9 clients INCR them (ioredis, node-redis, one that misses every announcement), then unpin: no increment lost', async () => {
    cut = await startCluster(4, 4);
    const settings: Partial<ClientSettings> = { pollIntervalMs: 300 };
    clients = [...(await startClients(cut, 8, settings)).map(asCounters), await deafClient(cut)];
    const filler = (await ioredisClient('filler', { cluster: cut.cluster, seeds: cut.seeds })).redis;
    for (let i = 0; i < 300; i++) await filler.set(`{hot}:fill:${i}`, 'x');
    await filler.quit();
    const before = await cut.admin.placement();
    const tagNode = other(before, '{hot}');
    const keyNode = other(before, 'hot-plain');
    const run = hammer(clients);
    const mover = worker(cut, run, { batchSize: 20, scanCount: 50 });
    try {
      await sleep(300);
      // Announcements lost for everyone (and never heard by the deaf client): clients learn by polling.
      for (const server of cut.servers) await server.command('CLIENT', 'KILL', 'TYPE', 'pubsub');
      const written = await cut.admin.changePins({ pin: [['{hot}', tagNode], ['hot-plain', keyNode]] });
      expect(written.mode).toBe('migrating');
      expect(written.topology.pins?.count).toBe(2);
      await mover.runUntilStable();
      const moving = run.events.find((event) => event.type === 'moving');
      // Only the nodes the pinned keys leave are scanned.
      expect(moving?.type === 'moving' ? moving.sources : []).toEqual([...new Set([before.locate('{hot}'), before.locate('hot-plain')])].sort());
      const connections = await cut.connections();
      for (const key of ['{hot}:counter', '{hot}:a', '{hot}:fill:0', '{hot}:fill:299']) expect(await holders(connections, key), key).toEqual([tagNode]);
      expect(await holders(connections, 'hot-plain')).toEqual([keyNode]);
      for (const client of clients) {
        const target = client.engine.table.target;
        expect(isPinned(target) && target.pinOf('x{hot}y'), client.name).toBe(tagNode);
      }
      await sleep(300);
      for (const server of cut.servers) await server.command('CLIENT', 'KILL', 'TYPE', 'pubsub');
      await cut.admin.changePins({ unpin: ['{hot}', 'hot-plain'] });
      await mover.runUntilStable();
      expect(await holders(connections, '{hot}:counter')).toEqual([before.locate('{hot}')]);
      expect(await holders(connections, 'hot-plain')).toEqual([before.locate('hot-plain')]);
      await sleep(200);
    } finally {
      await mover.close();
    }
    await run.stopWorkload();
    await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
    const state = await cut.admin.access.require();
    expect(state.topology.pins).toBeUndefined();
    const connections = cut.admin.access.connectionsFor(state);
    const report = await checkHistory(run.history, connections, await cut.admin.placement());
    expect(report.acknowledged, summarize(report)).toBeGreaterThan(300);
    expect(report.lost, summarize(report)).toEqual([]);
    expect(report.duplicated, summarize(report)).toEqual([]);
    expect(report.misplaced, summarize(report)).toEqual([]);
    expect(run.history.filter((op) => op.outcome === 'unknown').map((op) => op.error)).toEqual([]);
    // The deaf client took part throughout (the moves waited for its acknowledgements).
    expect(run.history.filter((op) => op.client === 'deaf' && op.outcome === 'ok').length).toBeGreaterThan(20);
    // Both pin sets are gone once no state names them.
    for (const connection of connections.values()) expect(await controlKeys(connection, `__shardis__:${cut.cluster}:pins*`)).toEqual([]);
  });

  it('100,000 pins: written once per node, loaded whole by a new client, every sampled pin routed; kept across add-node', async () => {
    cut = await startCluster(4, 3);
    const ids = ['n0', 'n1', 'n2'];
    const entries = Array.from({ length: 100_000 }, (_, i) => [i % 2 === 0 ? `pinned:${i}` : `{t${i}}`, ids[i % 3]!] as const);
    const state = await cut.admin.changePins({ pin: entries });
    const mover = worker(cut, undefined);
    try {
      await mover.runUntilStable();
    } finally {
      await mover.close();
    }
    const digest = state.topology.pins!.digest;
    const connections = await cut.connections();
    for (const connection of connections.values()) expect(await connection.send(['HLEN', `__shardis__:${cut.cluster}:pins:${digest}`])).toBe(100_000);
    const client = await ioredisClient('big', { cluster: cut.cluster, seeds: cut.seeds });
    clients.push(asCounters(client));
    const target = client.redis.engine.table.target;
    expect(isPinned(target) && target.pins.size).toBe(100_000);
    const algorithm = isPinned(target) ? target.base : target;
    for (let i = 0; i < 100_000; i += 4999) {
      const key = i % 2 === 0 ? `pinned:${i}` : `k:{t${i}}`;
      await client.redis.set(key, 'v');
      expect(await holders(connections, key), key).toEqual([ids[i % 3]]);
      const free = `free:${i}`;
      await client.redis.set(free, 'v');
      expect(await holders(connections, free)).toEqual([algorithm.locate(free)]);
    }
    // Adding a node keeps the same set (no rewrite), and the new node gets a copy.
    await cut.admin.change({ add: [{ id: 'n3', url: cut.nodeUrl(3) }] });
    const again = worker(cut, undefined);
    try {
      await again.runUntilStable();
    } finally {
      await again.close();
    }
    const after = await cut.admin.access.require();
    expect(after.topology.pins?.digest).toBe(digest);
    const all = await cut.connections();
    expect(await all.get('n3')!.send(['HLEN', `__shardis__:${cut.cluster}:pins:${digest}`])).toBe(100_000);
    await client.redis.set('pinned:0', 'w');
    expect(await holders(all, 'pinned:0')).toEqual(['n0']);
  });

  it('refuses bad pins before anything is written, refuses to remove a node with pins, and rejects an altered pin set', async () => {
    cut = await startCluster(3, 3);
    const initial = await cut.admin.access.require();
    const unknown = await cut.admin.pin('k', 'n9').catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(UnknownNodeError);
    expect((unknown as Error).message).toContain('pins["k"]: no node with id "n9"');
    await expect(cut.admin.pin('cart:{user:1}', 'n0')).rejects.toThrow(/pin "\{user:1\}" instead/);
    await expect(cut.admin.unpin('cart:{user:1}')).rejects.toThrow(/unpin that/);
    // The same hint for a preview, and for the one field of several that is not pinned.
    await expect(cut.admin.previewPins({ unpin: ['cart:{user:1}'] })).rejects.toThrow(/^unpin\[0\]: "cart:\{user:1\}" is not pinned; its keys follow the hash tag "\{user:1\}": unpin that$/);
    const connections = await cut.connections();
    expect((await cut.admin.access.require()).revision).toBe(initial.revision);
    for (const connection of connections.values()) expect(await controlKeys(connection, `__shardis__:${cut.cluster}:pins*`)).toEqual([]);

    const algorithm = await cut.admin.placement();
    const change = { pin: [['{a}', 'n1'], ['b', 'n1'], ['c', 'n2']] as Array<[string, string]> };
    const preview = await cut.admin.previewPins(change);
    expect(preview.pins.map((pin) => pin.field)).toEqual(['b', 'c', '{a}']);
    const expected = [['b', 'n1'], ['c', 'n2'], ['{a}', 'n1']].map(([field, node]) => ({ field, from: algorithm.locate(field!), to: node }));
    expect(preview.moves).toEqual(expected.filter((move) => move.from !== move.to));
    expect((await cut.admin.access.require()).revision).toBe(initial.revision);
    await cut.admin.changePins(change);
    const mover = worker(cut, undefined);
    try {
      await mover.runUntilStable();
    } finally {
      await mover.close();
    }
    const stable = await cut.admin.access.require();
    const refused = await cut.admin.change({ remove: ['n1'] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(NodeHasPinsError);
    expect((refused as NodeHasPinsError).pins).toEqual(['b', '{a}']);
    expect((refused as Error).message).toMatch(/node "n1" cannot be removed: 2 pins point at it \("b", "\{a\}"\)/);
    await expect(cut.admin.preview({ remove: ['n1'] }, ['x'])).rejects.toBeInstanceOf(NodeHasPinsError);
    expect((await cut.admin.access.require()).revision).toBe(stable.revision);
    expect(await cut.admin.pins()).toEqual([{ field: 'b', node: 'n1' }, { field: 'c', node: 'n2' }, { field: '{a}', node: 'n1' }]);
    await expect(cut.admin.changePins({ unpin: ['b', 'x:{a}'] })).rejects.toThrow(/^unpin\[1\]: "x:\{a\}" is not pinned; its keys follow the hash tag "\{a\}"/);
    // Pinning a field where it already is changes nothing.
    expect((await cut.admin.pin('c', 'n2')).revision).toBe(stable.revision);

    // A set altered in Redis no longer matches its digest: a new client refuses the state.
    const key = `__shardis__:${cut.cluster}:pins:${stable.topology.pins!.digest}`;
    for (const connection of connections.values()) await connection.send(['HSET', key, 'c', 'n0']);
    const fresh = new ShardedRedis({ cluster: cut.cluster, seeds: [...cut.seeds] });
    const error = await fresh.connect().catch((e: unknown) => e);
    fresh.disconnect();
    expect((error as { code?: string }).code).toBe('ERR_TOPOLOGY_REJECTED');
    expect((error as Error).message).toMatch(/pin set .* could not be read whole: a node holds a copy whose digest differs/);
  });
});
