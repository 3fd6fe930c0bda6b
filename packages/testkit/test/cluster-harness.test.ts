import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateFromFields } from '@shardis/engine';
import { createRespDriver, startRedis, startShardisCluster, waitFor, type ShardisCluster } from '../src/index.ts';

const driver = createRespDriver();

async function stateOn(cluster: ShardisCluster, id: string) {
  const reply = (await cluster.inspect(id).send(['HGETALL', `__shardis__:${cluster.cluster}:topology`])) as Buffer[];
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) fields[reply[i]!.toString()] = reply[i + 1]!.toString();
  return stateFromFields(fields);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startShardisCluster', () => {
  let cluster: ShardisCluster;
  beforeAll(async () => {
    cluster = await startShardisCluster({ driver, cluster: 'harness', nodes: 3 });
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('starts the servers and writes revision 1 of a stable state on every node', async () => {
    expect(cluster.servers).toHaveLength(3);
    expect(cluster.servers.map((server) => server.port)).not.toContain(6379);
    expect(cluster.seeds).toEqual(cluster.servers.map((server) => server.url));
    for (const id of cluster.nodes.keys()) {
      const state = await stateOn(cluster, id);
      expect(state?.revision).toBe(1);
      expect(state?.mode).toBe('stable');
      expect(state?.topology.nodes.map((node) => node.id)).toEqual(['node0', 'node1', 'node2']);
    }
  });

  it('writeTopology bumps revision and epoch on every node and announces it', async () => {
    const subscriber = driver.connect({ id: 'node0', url: cluster.seeds[0]! }, 'subscriber');
    const heard: string[] = [];
    await subscriber.subscribe('__shardis__:harness:topology', (message) => heard.push(message.toString()));
    const epoch = cluster.topology.epoch;
    const state = await cluster.writeTopology({ weights: { node1: 2 } });
    expect([state.revision, state.topology.epoch]).toEqual([2, epoch + 1]);
    for (const id of cluster.nodes.keys()) expect((await stateOn(cluster, id))?.topology.nodes.find((node) => node.id === 'node1')?.weight).toBe(2);
    await waitFor(() => heard.length > 0, { timeoutMs: 2_000, what: 'the announcement' });
    expect(heard).toEqual(['2']);
    subscriber.disconnect();
  });

  it('addNode starts a server and puts it in the topology; owner() follows', async () => {
    const node = await cluster.addNode();
    expect(cluster.topology.nodes.map((n) => n.id)).toContain(node.id);
    expect((await stateOn(cluster, node.id))?.revision).toBe(cluster.state.revision);
    const owners = new Set(Array.from({ length: 200 }, (_, i) => cluster.owner(`k${i}`)));
    expect(owners.has(node.id)).toBe(true);
  });

  it('attachNode adds a node it did not start, even one whose id sorts first', async () => {
    const server = await startRedis();
    try {
      const state = await cluster.attachNode({ id: 'aaa', url: server.url });
      expect(state.topology.nodes.map((node) => node.id)).toContain('aaa');
      expect(await server.command('HGET', '__shardis__:harness:topology', 'revision')).toContain(String(state.revision));
      await cluster.removeNode('aaa');
    } finally {
      await server.stop();
    }
  });

  it('removeNode drops the node from the topology and leaves its server running', async () => {
    const removed = await cluster.removeNode('node2');
    expect(removed.topology.nodes.map((node) => node.id)).not.toContain('node2');
    expect(isRunning(cluster.nodes.get('node2')!.server.pid)).toBe(true);
    expect(Array.from({ length: 200 }, (_, i) => cluster.owner(`k${i}`))).not.toContain('node2');
  });

  it('writeFields puts a document as it is; the next writeTopology writes over it', async () => {
    const revision = cluster.state.revision;
    await cluster.writeFields({ revision: String(revision + 5), mode: 'nonsense' });
    await expect(stateOn(cluster, 'node0')).rejects.toThrow(/mode/);
    const state = await cluster.writeTopology({ weights: { node1: 1 } });
    expect(state.revision).toBe(revision + 6);
    expect((await stateOn(cluster, 'node0'))?.revision).toBe(revision + 6);
  });

  it('kill and restart: the node comes back empty but with the state in force', async () => {
    await cluster.inspect('node1').send(['SET', 'data', 'v']);
    await cluster.kill('node1');
    await cluster.restart('node1');
    expect((await stateOn(cluster, 'node1'))?.revision).toBe(cluster.state.revision);
    expect(await cluster.keysOn('node1')).toEqual([]);
  });

  it('stop ends every process and removes their folders', async () => {
    const other = await startShardisCluster({ driver, cluster: 'short-lived', nodes: 2, proxied: true });
    const servers = other.servers;
    expect(other.seeds).toEqual([...other.nodes.values()].map((node) => node.proxy!.url));
    await other.stop();
    for (const server of servers) {
      expect(isRunning(server.pid)).toBe(false);
      expect(existsSync(server.dir)).toBe(false);
    }
  });
});
