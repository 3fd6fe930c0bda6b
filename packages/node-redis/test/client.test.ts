import { defineScript } from '@redis/client';
import type { CommandParser } from '@redis/client';
import { createTopology } from '@shardis/core';
import { NodeUnavailableError, StateStore, type ClusterState, type NodeConnection } from '@shardis/engine';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createShardedClient, nodeRedisDriver } from '../src/index.ts';
import { startCluster, type TestCluster } from './cluster.ts';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster('client');
});
afterAll(async () => {
  await cluster?.stop();
});

const scripts = {
  incrTwice: defineScript({
    NUMBER_OF_KEYS: 1,
    SCRIPT: "return redis.call('INCRBY', KEYS[1], 2)",
    parseCommand(parser: CommandParser, key: string) {
      parser.pushKey(key);
    },
    transformReply: (reply: number) => reply,
  }),
};

it('scripts from the options run on the owner (EVALSHA, then EVAL the first time), in multi() too', async () => {
  const client = await createShardedClient({ cluster: 'client', seeds: [cluster.nodes[0]!.url], scripts }).connect();
  try {
    const keys = ['script:a', 'script:b', 'script:c', 'script:d', 'script:e', 'script:f'];
    for (const key of keys) expect(await client.incrTwice(key)).toBe(2);
    for (const key of keys) expect(await client.incrTwice(key)).toBe(4);
    for (const key of keys) expect(await cluster.holders(key)).toEqual([cluster.owner(key)]);
    expect(await client.multi().incrTwice('{s}a').incrTwice('{s}a').exec()).toEqual([2, 4]);
  } finally {
    await client.close();
  }
});

it('functions loaded on every node are called by library and name', async () => {
  const code = "#!lua name=shardis_test\nredis.register_function('double', function(keys) return redis.call('INCRBY', keys[1], 2) end)";
  const functions = { shardis_test: { double: { NUMBER_OF_KEYS: 1, parseCommand: (parser: CommandParser, key: string) => parser.pushKey(key), transformReply: (reply: number) => reply } } };
  const client = await createShardedClient({ cluster: 'client', seeds: [cluster.nodes[0]!.url], functions }).connect();
  try {
    expect(await client.functionLoad(code, { REPLACE: true })).toBe('shardis_test');
    for (const node of cluster.direct.values()) expect((await node.functionList()).map((library) => library.library_name)).toEqual(['shardis_test']);
    expect(await client.shardis_test.double('fn:a')).toBe(2);
    expect(await cluster.holders('fn:a')).toEqual([cluster.owner('fn:a')]);
  } finally {
    await client.close();
  }
});

it('module commands from the options are namespaced as in node-redis and routed by their keys', async () => {
  const modules = {
    demo: {
      LEN: { IS_READ_ONLY: true, parseCommand: (parser: CommandParser, key: string) => (parser.push('STRLEN'), parser.pushKey(key)), transformReply: (reply: number) => reply * 10 },
    },
  };
  const client = await createShardedClient({ cluster: 'client', seeds: [cluster.nodes[0]!.url], modules }).connect();
  try {
    for (const key of ['mod:a', 'mod:b', 'mod:c', 'mod:d']) {
      await cluster.direct.get(cluster.owner(key))!.set(key, 'abc');
      expect(await client.demo.LEN(key)).toBe(30);
    }
    const [reply] = await client.multi().demo.LEN('mod:a').exec();
    expect(reply).toBe(30);
  } finally {
    await client.close();
  }
});

it('a new topology revision reaches the client through its subscription, as a topology event', async () => {
  const client = await createShardedClient({ cluster: 'client', seeds: [cluster.nodes[0]!.url], pollIntervalMs: 600_000 }).connect();
  try {
    const seen = new Promise<ClusterState>((resolve) => client.on('topology', (state) => resolve(state)));
    const driver = nodeRedisDriver();
    const connections = new Map<string, NodeConnection>(cluster.nodes.map((node) => [node.id, driver.connect(node, 'control')]));
    const store = new StateStore({ cluster: 'client' });
    const current = (await store.read(connections)).state!;
    await store.write(connections, current.revision, { mode: 'stable', topology: createTopology({ cluster: 'client', algorithm: 'ring', nodes: cluster.nodes }) });
    await Promise.all([...connections.values()].map((connection) => connection.close()));
    expect((await seen).revision).toBe(current.revision + 1);
    expect(client.engine.state?.revision).toBe(current.revision + 1);
  } finally {
    await client.close();
  }
});

it('with a node down, the client connects and serves the other nodes; its keys fail fast', async () => {
  const down = cluster.servers[0]!;
  await down.kill();
  const client = createShardedClient({ cluster: 'client', seeds: cluster.nodes.map((node) => node.url), defaults: { socket: { reconnectStrategy: 50 } } });
  try {
    await client.connect();
    const keys = Array.from({ length: 12 }, (_, i) => `down:${i}`);
    for (const key of keys) {
      if (cluster.owner(key) === cluster.nodes[0]!.id) await expect(client.set(key, 'v')).rejects.toBeInstanceOf(NodeUnavailableError);
      else expect(await client.set(key, 'v')).toBe('OK');
    }
  } finally {
    await client.close();
    await down.restart();
  }
});
