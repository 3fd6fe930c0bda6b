import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { createTopology, topologyPlacement, validateTopology, type Topology } from '@shardis/core';
import {
  ClusterAdmin,
  MigrationWorker,
  StateStore,
  controlKeys,
  redactState,
  stateToFields,
  topologyKeyId,
  type ClusterState,
  type NodeConnection,
  type TopologyRejectedError,
  type TopologyRejectionKind,
  type WorkerEvent,
} from '@shardis/engine';
import { ShardedRedis, ioredisDriver } from '@shardis/ioredis';
import { createShardedClient, type ShardedClientType } from '@shardis/node-redis';
import { startRedisServers, waitFor, type RedisServer } from '@shardis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dump, leakedSecrets, overwriteState, readFields } from '../src/security.ts';

/**
 * Signed topologies end to end: an operator and a worker with `topologyKey`, one client per
 * adapter, and an attacker who can write the state hash on every node and publish on the channel
 * but does not hold the key. Nothing the attacker writes moves a single command.
 */
const CLUSTER = 'signed';
const KEY = randomBytes(32).toString('hex');
const NEXT_KEY = randomBytes(32);
const SEED = randomBytes(16).toString('hex');
const SECRETS = { KEY, NEXT_KEY: NEXT_KEY.toString('hex'), SEED };
const POLL_MS = 150;
const keys = controlKeys(CLUSTER);
const driver = ioredisDriver();

describe('signed topologies: forged, replayed and foreign states move nothing', () => {
  let servers: RedisServer[];
  let admin: ClusterAdmin;
  let io: ShardedRedis;
  let nr: ShardedClientType;
  let raw: Map<string, NodeConnection>;
  let first: Record<string, string>;
  const rejections: Array<{ client: string; error: TopologyRejectedError }> = [];
  const workerEvents: WorkerEvent[] = [];

  const inForce = (): ClusterState => io.engine.state!;
  const stateNodes = () => [...raw].filter(([id]) => inForce().topology.nodes.some((node) => node.id === id)).map(([, connection]) => connection);

  /** Both clients write keys; each lands on its owner under the state in force, none on the attacker's server. */
  async function writeAndCheck(tag: string): Promise<void> {
    const placement = topologyPlacement(inForce().topology);
    const names = Array.from({ length: 24 }, (_, i) => `${tag}:${i}`);
    await Promise.all(names.map((name, i) => (i % 2 === 0 ? io.set(name, tag) : nr.set(name, tag))));
    for (const name of names) expect(String(await raw.get(placement.locate(name))!.send(['GET', name]))).toBe(tag);
    expect(await raw.get('evil')!.send(['DBSIZE'])).toBe(0);
  }

  async function expectRejected(since: number, kind: TopologyRejectionKind): Promise<void> {
    const seen = (client: string) => rejections.slice(since).some((r) => r.client === client && r.error.kind === kind);
    await waitFor(() => seen('io') && seen('nr'), { timeoutMs: 5_000, what: `a ${kind} rejection from both clients (got ${rejections.slice(since).map((r) => `${r.client}:${r.error.kind}`).join(', ')})` });
  }

  beforeAll(async () => {
    servers = await startRedisServers(5);
    const seeds = servers.slice(0, 3).map((server) => server.url);
    raw = new Map(servers.map((server, i) => [i === 4 ? 'evil' : `n${i}`, driver.connect({ id: `raw${i}`, url: server.url }, 'control')]));
    admin = new ClusterAdmin({ driver, cluster: CLUSTER, seeds, topologyKey: KEY });
    await admin.init(createTopology({ cluster: CLUSTER, algorithm: 'ring', hash: 'siphash24', hashSeed: SEED, nodes: servers.slice(0, 3).map((server, i) => ({ id: `n${i}`, url: server.url })) }));
    first = await readFields(raw.get('n0')!, keys.topology);
    const settings = { cluster: CLUSTER, seeds, pollIntervalMs: POLL_MS, leaseMs: 4000 };
    io = new ShardedRedis({ ...settings, topologyKey: [KEY, NEXT_KEY] });
    nr = createShardedClient({ ...settings, topologyKey: KEY });
    await Promise.all([io.connect(), nr.connect()]);
    io.on('topology-rejected', (error) => rejections.push({ client: 'io', error }));
    nr.on('topology-rejected', (error) => rejections.push({ client: 'nr', error }));
  });

  afterAll(async () => {
    await Promise.allSettled([io?.quit(), nr?.close(), admin?.close()]);
    for (const connection of raw?.values() ?? []) connection.disconnect();
    await Promise.all((servers ?? []).map((server) => server.stop()));
  });

  it('every node holds the state signed v1:<key id>:<hmac>, and the clients run on it', async () => {
    for (const id of ['n0', 'n1', 'n2']) {
      expect((await readFields(raw.get(id)!, keys.topology))['signature']).toMatch(new RegExp(`^v1:${topologyKeyId(KEY)}:[0-9a-f]{64}$`));
    }
    await writeAndCheck('start');
    expect(rejections).toEqual([]);
  });

  it('a migration signed by the operator and the worker runs under both clients; announcements are signed', async () => {
    const messages: string[] = [];
    const listener = driver.connect({ id: 'listener', url: servers[0]!.url }, 'subscriber');
    await listener.subscribe(keys.channel, (message) => messages.push(message.toString('latin1')));
    const names = Array.from({ length: 300 }, (_, i) => `mig:${i}`);
    await Promise.all(names.map((name, i) => (i % 2 === 0 ? io.set(name, name) : nr.set(name, name))));
    const changed = await admin.change({ add: [{ id: 'n3', url: servers[3]!.url }] });
    const worker = new MigrationWorker({ driver, cluster: CLUSTER, seeds: changed.topology.nodes.map((node) => node.url), topologyKey: KEY, onEvent: (event) => workerEvents.push(event) });
    let writes = 0;
    let finished = false;
    const done = worker.runUntilStable().finally(() => {
      finished = true;
      return worker.close();
    });
    while (!finished) {
      const name = names[writes++ % names.length]!;
      await (writes % 2 === 0 ? io.append(name, '+') : nr.append(name, '+'));
    }
    const stable = await done;
    expect(stable.mode).toBe('stable');
    await waitFor(() => io.engine.state?.revision === stable.revision && nr.engine.state?.revision === stable.revision, { timeoutMs: 3_000, what: 'both clients on the committed revision' });
    const placement = topologyPlacement(stable.topology);
    const appended = new Map<string, number>();
    for (let i = 0; i < writes; i++) appended.set(names[i % names.length]!, (appended.get(names[i % names.length]!) ?? 0) + 1);
    for (const name of names) {
      expect(await io.get(name)).toBe(name + '+'.repeat(appended.get(name) ?? 0));
      expect(await raw.get(placement.locate(name))!.send(['EXISTS', name])).toBe(1);
    }
    expect(workerEvents.some((event) => event.type === 'committed')).toBe(true);
    expect(workerEvents.filter((event) => event.type === 'topology-rejected')).toEqual([]);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) expect(message).toMatch(new RegExp(`^\\d+ v1:${topologyKeyId(KEY)}:[0-9a-f]{64}$`));
    await listener.close();
    expect(rejections).toEqual([]);
  });

  /** The state in force, with node n0 sent to the attacker's server and the revision ahead by `ahead`. */
  const redirected = (ahead: number): Record<string, string> => {
    const state = inForce();
    const topology: Topology = validateTopology({ ...state.topology, nodes: state.topology.nodes.map((node) => (node.id === 'n0' ? { ...node, url: servers[4]!.url } : node)) });
    return stateToFields({ revision: state.revision + ahead, mode: 'stable', topology, updatedAt: Date.now() });
  };

  const attacks: Array<{ name: string; kind: TopologyRejectionKind; fields: () => Record<string, string> }> = [
    { name: 'an unsigned state that sends a node to another server', kind: 'unsigned', fields: () => redirected(1) },
    { name: 'the same with a forged signature under our key id', kind: 'bad-signature', fields: () => ({ ...redirected(2), signature: `v1:${topologyKeyId(KEY)}:${randomBytes(32).toString('hex')}` }) },
    { name: 'an old, correctly signed state copied back with a higher revision', kind: 'bad-signature', fields: () => ({ ...first, revision: String(inForce().revision + 3) }) },
    { name: 'a state signed with a key the clients do not hold', kind: 'unknown-key', fields: () => new StateStore({ cluster: CLUSTER, topologyKey: randomBytes(32) }).sign(redirected(4)) },
    {
      name: 'a state correctly signed with the same key, for another cluster',
      kind: 'wrong-cluster',
      fields: () => {
        const other = createTopology({ cluster: 'elsewhere', algorithm: 'ring', nodes: [{ id: 'n0', url: servers[4]!.url }] });
        return new StateStore({ cluster: 'elsewhere', topologyKey: KEY }).sign(stateToFields({ revision: inForce().revision + 5, mode: 'stable', topology: other, updatedAt: Date.now() }));
      },
    },
    {
      name: 'an unsigned 10,000-node state (refused before it is decoded)',
      kind: 'unsigned',
      fields: () => ({ ...redirected(6), nodes: JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ id: `x${i}`, url: servers[4]!.url, weight: 1 }))) }),
    },
  ];

  for (const attack of attacks) {
    it(`${attack.name} is refused (${attack.kind}); the last good state stays and commands keep their nodes`, async () => {
      const [good, goodNr] = [io.engine.state, nr.engine.state];
      const legit = await readFields(raw.get('n0')!, keys.topology);
      const since = rejections.length;
      await overwriteState(stateNodes(), keys.topology, attack.fields(), String(good!.revision + 100));
      try {
        await expectRejected(since, attack.kind);
        expect(io.engine.state).toBe(good);
        expect(nr.engine.state).toBe(goodNr);
        await writeAndCheck(`attack${since}`);
      } finally {
        await overwriteState(stateNodes(), keys.topology, legit);
      }
    });
  }

  it('an old signed state replayed as it was, on every node, is refused as a replay', async () => {
    const [good, goodNr] = [io.engine.state!, nr.engine.state];
    const legit = await readFields(raw.get('n0')!, keys.topology);
    expect(Number(first['revision'])).toBeLessThan(good.revision);
    const since = rejections.length;
    await overwriteState(stateNodes(), keys.topology, first, first['revision']);
    try {
      await expectRejected(since, 'replay');
      expect(io.engine.state).toBe(good);
      expect(nr.engine.state).toBe(goodNr);
      await writeAndCheck('replay');
    } finally {
      await overwriteState(stateNodes(), keys.topology, legit);
    }
  });

  it('a bogus higher revision on one node hides nothing: a later signed change on the others is taken', async () => {
    const legit = await readFields(raw.get('n2')!, keys.topology);
    const since = rejections.length;
    await overwriteState([raw.get('n2')!], keys.topology, redirected(50));
    const reported: Array<{ node: string; kind: string }> = [];
    const operator = new ClusterAdmin({ driver, cluster: CLUSTER, seeds: inForce().topology.nodes.map((node) => node.url), topologyKey: KEY, onTopologyRejected: (node, error) => reported.push({ node, kind: error.kind }) });
    try {
      await expectRejected(since, 'unsigned');
      // n0 arbitrates and takes the write; n2 keeps its bogus revision (repair never writes over a higher one).
      const next = await operator.resign();
      await waitFor(() => io.engine.state?.revision === next.revision && nr.engine.state?.revision === next.revision, { timeoutMs: 3_000, what: `both clients on revision ${next.revision}` });
      // Operators read the seeds first (ids `seed:<url>`): the bogus node is reported once.
      expect(reported).toEqual([{ node: `seed:${servers[2]!.url}`, kind: 'unsigned' }]);
      await writeAndCheck('bogus-n2');
    } finally {
      await operator.close();
      await overwriteState([raw.get('n2')!], keys.topology, { ...legit });
      await admin.resign();
    }
  });

  it('key rotation: signed with the new key, taken by the client that holds it, refused by the one that does not', async () => {
    const rotated = new ClusterAdmin({ driver, cluster: CLUSTER, seeds: inForce().topology.nodes.map((node) => node.url), topologyKey: [NEXT_KEY, KEY] });
    try {
      // The previous test ends with a re-sign: start once both clients have taken it.
      const stored = await admin.access.require();
      await waitFor(() => io.engine.state?.revision === stored.revision && nr.engine.state?.revision === stored.revision, { timeoutMs: 3_000, what: `both clients on revision ${stored.revision}` });
      const before = inForce();
      const since = rejections.length;
      const next = await rotated.resign();
      expect(next.topology).toEqual(before.topology);
      expect((await readFields(raw.get('n0')!, keys.topology))['signature']).toMatch(new RegExp(`^v1:${topologyKeyId(NEXT_KEY)}:`));
      await waitFor(() => io.engine.state?.revision === next.revision, { timeoutMs: 3_000, what: 'the client with both keys to take the rotated state' });
      await waitFor(() => rejections.slice(since).some((r) => r.client === 'nr' && r.error.kind === 'unknown-key'), { timeoutMs: 3_000, what: 'the client without the new key to refuse it' });
      expect(nr.engine.state?.revision).toBe(before.revision);
      expect(rejections.slice(since).find((r) => r.client === 'nr')!.error.message).toContain(topologyKeyId(NEXT_KEY));
      // Same placement either way: both clients still agree on every key.
      await writeAndCheck('rotated');
    } finally {
      await rotated.close();
    }
  });

  it('no key and no hashSeed appears in rejections, worker events (redacted) or status output; no object holds a key', async () => {
    expect(rejections.length).toBeGreaterThan(attacks.length);
    const status = await admin.status();
    const output = [
      dump(rejections),
      dump(workerEvents.map((event) => ('state' in event ? { ...event, state: redactState(event.state) } : event))),
      dump({ ...status, state: redactState(status.state) }),
    ].join('\n');
    expect(leakedSecrets(output, SECRETS)).toEqual([]);
    // The check can fail: the raw state does hold the seed, which routing needs.
    expect(leakedSecrets(dump(status.state), SECRETS)).toEqual(['SEED']);
    // Engines and operators keep keys in KeyObjects only: printing them shows key ids.
    const objects = [inspect(io.engine, { depth: 8 }), inspect(nr.engine, { depth: 8 }), inspect(admin, { depth: 8 })].join('\n');
    expect(leakedSecrets(objects, { KEY, NEXT_KEY: SECRETS.NEXT_KEY })).toEqual([]);
    expect(objects).toContain(topologyKeyId(KEY));
  });
});
