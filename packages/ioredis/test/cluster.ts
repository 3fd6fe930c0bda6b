import { createTopology, topologyPlacement, type Topology } from '@shardis/core';
import { StateStore } from '@shardis/engine';
import { startRedisServers, stopAll, type RedisServer } from '@shardis/testkit';
import { Redis } from 'ioredis';
import { ioredisDriver } from '../src/index.ts';

/** Three real redis-server processes with a topology written the way `shardis init` writes it. */
export interface TestCluster {
  readonly name: string;
  readonly servers: readonly RedisServer[];
  readonly seeds: string[];
  readonly topology: Topology;
  /** Plain ioredis clients, one per node id, to look at what each server holds. */
  readonly direct: ReadonlyMap<string, Redis>;
  /** The node that owns `key`, computed from the topology alone. */
  owner(key: string | Buffer): string;
  /** Removes every data key (not the topology) from every node. */
  clear(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCluster(name = 'test', count = 3): Promise<TestCluster> {
  const servers = await startRedisServers(count);
  try {
    const nodes = servers.map((server, i) => ({ id: `n${i + 1}`, url: server.url }));
    const topology = createTopology({ cluster: name, algorithm: 'ring', nodes });
    const driver = ioredisDriver();
    const connections = new Map(nodes.map((node) => [node.id, driver.connect(node, 'control')]));
    await new StateStore({ cluster: name }).write(connections, 0, { mode: 'stable', topology });
    await Promise.all([...connections.values()].map((connection) => connection.close()));
    const direct = new Map(nodes.map((node) => [node.id, new Redis(node.url)]));
    const placement = topologyPlacement(topology);
    return {
      name,
      servers,
      seeds: servers.map((server) => server.url),
      topology,
      direct,
      owner: (key) => placement.locate(key),
      async clear() {
        for (const redis of direct.values()) {
          const keys = await redis.keysBuffer('*');
          const data = keys.filter((key) => !key.toString('latin1').startsWith('__shardis__:'));
          if (data.length > 0) await redis.del(...data);
        }
      },
      async stop() {
        for (const redis of direct.values()) redis.disconnect();
        await stopAll(servers);
      },
    };
  } catch (error) {
    await stopAll(servers);
    throw error;
  }
}

/** Which nodes hold `key` right now. */
export async function holders(cluster: TestCluster, key: string | Buffer): Promise<string[]> {
  const found: string[] = [];
  for (const [id, redis] of cluster.direct) if ((await redis.exists(key)) === 1) found.push(id);
  return found;
}
