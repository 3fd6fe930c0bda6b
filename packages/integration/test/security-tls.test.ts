import { randomBytes } from 'node:crypto';
import { createTopology, topologyPlacement } from '@shardis/core';
import { ClusterAdmin, MigrationWorker, type NodeConnection } from '@shardis/engine';
import { ShardedRedis, ioredisDriver } from '@shardis/ioredis';
import { createShardedClient, type ShardedClientType } from '@shardis/node-redis';
import { waitFor } from '@shardis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates, startTlsRedis, type TestCertificates, type TlsRedis } from '../src/security.ts';

/**
 * TLS to every node: servers with no plain-text port, a CA the test makes, both adapters with
 * their own TLS options, and a migration whose MIGRATE runs over TLS between the nodes.
 */
const CLUSTER = 'tls';
const KEY = randomBytes(32).toString('hex');
const certs: TestCertificates | undefined = makeCertificates();

describe.skipIf(certs === undefined)('TLS (skipped: the openssl command is not installed, apt-get install openssl)', () => {
  let servers: TlsRedis[];
  let admin: ClusterAdmin;
  let io: ShardedRedis;
  let nr: ShardedClientType;
  let nodes: Map<string, NodeConnection>;
  const driver = ioredisDriver({ tls: { ca: certs?.ca } });

  beforeAll(async () => {
    servers = await Promise.all([0, 1, 2].map(() => startTlsRedis(certs!)));
    const seeds = servers.slice(0, 2).map((server) => server.url);
    admin = new ClusterAdmin({ driver, cluster: CLUSTER, seeds, topologyKey: KEY });
    await admin.init(createTopology({ cluster: CLUSTER, algorithm: 'ring', nodes: seeds.map((url, i) => ({ id: `n${i}`, url })) }));
    nodes = new Map(servers.map((server, i) => [`n${i}`, driver.connect({ id: `n${i}`, url: server.url }, 'control')]));
    const settings = { cluster: CLUSTER, seeds, topologyKey: KEY, pollIntervalMs: 150, leaseMs: 4000 };
    io = new ShardedRedis({ ...settings, tls: { ca: certs!.ca } });
    nr = createShardedClient({ ...settings, defaults: { socket: { tls: true, ca: certs!.ca } } });
    await Promise.all([io.connect(), nr.connect()]);
  });

  afterAll(async () => {
    await Promise.allSettled([io?.quit(), nr?.close(), admin?.close()]);
    for (const connection of nodes?.values() ?? []) connection.disconnect();
    await Promise.all((servers ?? []).map((server) => server.stop()));
    certs?.remove();
  });

  it('both adapters read the topology and run commands over TLS', async () => {
    expect(io.engine.state?.topology.nodes.map((node) => node.url)).toEqual(servers.slice(0, 2).map((server) => server.url));
    expect(await io.set('tls:a', '1')).toBe('OK');
    expect(await nr.get('tls:a')).toBe('1');
    expect(await nr.mSet({ 'tls:b': '2', 'tls:c': '3', 'tls:d': '4' })).toBe('OK');
    expect(await io.mget('tls:b', 'tls:c', 'tls:d')).toEqual(['2', '3', '4']);
  });

  it('certificates are checked: without the CA, no client connects, and the TLS error says why', async () => {
    const stranger = createShardedClient({ cluster: CLUSTER, seeds: [servers[0]!.url], defaults: { socket: { tls: true, reconnectStrategy: false } } });
    await expect(stranger.connect()).rejects.toMatchObject({ code: 'ERR_TOPOLOGY_NOT_FOUND' });
    stranger.destroy();
    const connection = ioredisDriver({ tls: {}, retryStrategy: () => null }).connect({ id: 'stranger', url: servers[0]!.url }, 'control');
    const seen: Error[] = [];
    connection.onEvent((event) => void (event.type === 'error' && seen.push(event.error)));
    await expect(connection.send(['PING'])).rejects.toThrow();
    connection.disconnect();
    expect(seen.map((error) => error.message).join()).toMatch(/self[- ]signed certificate/i);
  });

  it('a migration between TLS nodes: MIGRATE runs over TLS (tls-cluster yes), clients keep their keys', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `tls:${i}`);
    await Promise.all(names.map((name, i) => (i % 2 === 0 ? io.set(name, name) : nr.set(name, name))));
    const changed = await admin.change({ add: [{ id: 'n2', url: servers[2]!.url }] });
    const worker = new MigrationWorker({ driver, cluster: CLUSTER, seeds: changed.topology.nodes.map((node) => node.url), topologyKey: KEY });
    const stable = await worker.runUntilStable().finally(() => worker.close());
    await waitFor(() => io.engine.state?.revision === stable.revision && nr.engine.state?.revision === stable.revision, { timeoutMs: 3_000, what: 'both clients on the committed revision' });
    const placement = topologyPlacement(stable.topology);
    const moved = names.filter((name) => placement.locate(name) === 'n2');
    expect(moved.length).toBeGreaterThan(0);
    for (const name of moved) expect(String(await nodes.get('n2')!.send(['GET', name]))).toBe(name);
    for (const [i, name] of names.entries()) expect(await (i % 2 === 0 ? nr.get(name) : io.get(name))).toBe(name);
    expect((await admin.verify()).misplaced).toEqual([]);
  });
});
