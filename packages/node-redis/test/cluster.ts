import { createTopology, topologyPlacement } from '@shardis/core';
import { StateStore, type NodeConnection } from '@shardis/engine';
import { startRedisServers, stopAll, type RedisServer } from '@shardis/testkit';
import { createClient } from 'redis';
import { nodeRedisDriver } from '../src/index.ts';

export interface TestCluster {
  readonly cluster: string;
  readonly servers: RedisServer[];
  readonly nodes: Array<{ id: string; url: string }>;
  /** One more server outside the cluster, for plain node-redis to compare replies with. */
  readonly reference: RedisServer;
  /** Plain node-redis clients, one per node id, to look at each node directly. */
  readonly direct: Map<string, ReturnType<typeof createClient>>;
  /** The node that owns `key`, computed from the topology written to the nodes. */
  owner(key: string | Buffer): string;
  /** The nodes that hold `key`, asked of each node directly. */
  holders(key: string | Buffer): Promise<string[]>;
  stop(): Promise<void>;
}

/** Starts `count` redis-servers and writes a stable ring topology to them, as `shardis init` does. */
export async function startCluster(cluster: string, count = 3): Promise<TestCluster> {
  const [reference, ...servers] = await startRedisServers(count + 1);
  const nodes = servers.map((server, i) => ({ id: `node-${i + 1}`, url: server.url }));
  const driver = nodeRedisDriver();
  const connections = new Map<string, NodeConnection>(nodes.map((node) => [node.id, driver.connect(node, 'control')]));
  const topology = createTopology({ cluster, algorithm: 'ring', nodes });
  try {
    await new StateStore({ cluster }).write(connections, 0, { mode: 'stable', topology });
  } finally {
    await Promise.all([...connections.values()].map((connection) => connection.close()));
  }
  // A node killed by a test must not crash the run through a direct client's unhandled 'error' event.
  const direct = new Map(nodes.map((node) => [node.id, createClient({ url: node.url }).on('error', () => undefined)]));
  await Promise.all([...direct.values()].map((client) => client.connect()));
  const placement = topologyPlacement(topology);
  return {
    cluster,
    reference: reference!,
    servers,
    nodes,
    direct,
    owner: (key) => placement.locate(key),
    async holders(key) {
      const found = await Promise.all(nodes.map(async (node) => ((await direct.get(node.id)!.exists(key)) === 1 ? [node.id] : [])));
      return found.flat();
    },
    async stop() {
      await Promise.all([...direct.values()].map((client) => client.close()));
      await stopAll([reference, ...servers]);
    },
  };
}
