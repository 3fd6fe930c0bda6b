import { createTopology, topologyPlacement, validateTopology, type AlgorithmName, type Topology } from '@shardis/core';
import { StateStore, stateToFields, type ClusterState, type NodeConnection, type RedisDriver } from '@shardis/engine';
import { startRedis, type RedisServer } from './redis-server.ts';
import { createRespDriver } from './resp/resp-driver.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
import { waitFor } from './wait.ts';

export interface ShardisClusterOptions {
  /** The adapter's driver: the topology is written the way that client library talks. */
  readonly driver: RedisDriver;
  readonly cluster: string;
  /** Data nodes to start. @default 3 */
  readonly nodes?: number;
  /** @default 'jump' */
  readonly algorithm?: AlgorithmName;
  /** Extra `redis-server` arguments for every node (ACL users, `--requirepass`…). */
  readonly redisArgs?: readonly string[];
  /** Put a TCP proxy in front of each node and name the proxies in the topology. @default false */
  readonly proxied?: boolean;
  /** Credentials for the harness's own inspection connections, when the servers require them. */
  readonly username?: string;
  readonly password?: string;
}

/** A change in the operator's vocabulary; every change bumps the epoch and the revision by one. */
export interface TopologyChange {
  readonly add?: ReadonlyArray<{ readonly id: string; readonly url: string; readonly weight?: number }>;
  readonly remove?: readonly string[];
  readonly weights?: Readonly<Record<string, number>>;
}

export interface ClusterNode {
  readonly id: string;
  readonly server: RedisServer;
  /** Present when the cluster is proxied: clients reach the node through it. */
  readonly proxy: TcpProxy | undefined;
  /** The url the topology names (the proxy's when proxied). */
  readonly url: string;
}

/**
 * N real redis-server processes holding one shardis cluster state, written with the engine's own
 * `StateStore` (compare-and-set on every node, then PUBLISH), as the operator CLI will write it.
 */
export interface ShardisCluster {
  readonly cluster: string;
  /** Every node started, by id, including nodes since removed from the topology. */
  readonly nodes: ReadonlyMap<string, ClusterNode>;
  readonly servers: readonly RedisServer[];
  /** Urls a client is given to find the topology. */
  readonly seeds: readonly string[];
  /** The topology in force (the last one written). */
  readonly topology: Topology;
  readonly state: ClusterState;
  /** The node that owns `key` under the topology in force. */
  owner(key: string | Buffer): string;
  /** Writes a stable state with the next revision and epoch; resolves once every node has it. */
  writeTopology(next: Topology | TopologyChange): Promise<ClusterState>;
  /**
   * Replaces the state hash on every node with these fields as they are (a malformed document, a
   * hand edit) and publishes its revision. The next `writeTopology` writes over it.
   */
  writeFields(fields: Readonly<Record<string, string>>): Promise<void>;
  /** Starts a new server and writes a topology that includes it. */
  addNode(options?: { readonly weight?: number }): Promise<ClusterNode>;
  /**
   * Writes a topology that adds a node the harness did not start (a Sentinel-managed group, say).
   * The topology names `url`; the harness writes through the adapter's driver at `connectUrl`
   * (default `url`), e.g. a `redis+sentinel://` url that follows failovers.
   */
  attachNode(node: { readonly id: string; readonly url: string; readonly connectUrl?: string }): Promise<ClusterState>;
  /** Writes a topology without the node; its server keeps running until `stop`. */
  removeNode(id: string): Promise<ClusterState>;
  /** SIGKILL: a crashed node. */
  kill(id: string): Promise<void>;
  /** Starts a killed node again (empty) and writes the state in force back onto it. */
  restart(id: string): Promise<void>;
  /** A direct connection to a node (never through its proxy), independent of the adapter under test. */
  inspect(id: string): NodeConnection;
  /** Every key on one node, shardis's own keys left out. */
  keysOn(id: string): Promise<string[]>;
  /** Stops every server and proxy, and closes every connection the harness opened. */
  stop(): Promise<void>;
}

export async function startShardisCluster(options: ShardisClusterOptions): Promise<ShardisCluster> {
  const count = options.nodes ?? 3;
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`nodes must be a positive integer, got ${count}`);
  const nodes = new Map<string, ClusterNode>();
  const control = new Map<string, NodeConnection>();
  const inspectors = new Map<string, NodeConnection>();
  const inspectDriver = createRespDriver({
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
  });
  const store = new StateStore({ cluster: options.cluster });
  let nextIndex = 0;

  const launch = async (): Promise<ClusterNode> => {
    const id = `node${nextIndex++}`;
    const server = await startRedis({ args: options.redisArgs ?? [] });
    const proxy = options.proxied === true ? await startTcpProxy({ targetPort: server.port }) : undefined;
    return { id, server, proxy, url: proxy?.url ?? server.url };
  };
  const register = (node: ClusterNode): ClusterNode => {
    nodes.set(node.id, node);
    control.set(node.id, options.driver.connect({ id: node.id, url: node.server.url }, 'control'));
    return node;
  };
  const connectionsFor = (...topologies: Topology[]): Map<string, NodeConnection> => {
    const ids = new Set(topologies.flatMap((topology) => topology.nodes.map((node) => node.id)));
    return new Map([...ids].map((id) => [id, control.get(id)!]));
  };

  // Started in parallel; registered in id order, which is also the topology's order.
  const launched = await Promise.allSettled(Array.from({ length: count }, () => launch()));
  const failed = launched.find((result) => result.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(launched.map((result) => (result.status === 'fulfilled' ? Promise.all([result.value.server.stop(), result.value.proxy?.stop()]) : undefined)));
    throw failed.reason;
  }
  for (const result of launched) if (result.status === 'fulfilled') register(result.value);
  const initial = createTopology({
    cluster: options.cluster,
    algorithm: options.algorithm ?? 'jump',
    nodes: [...nodes.values()].map((node) => ({ id: node.id, url: node.url })),
  });
  let state = await store.write(connectionsFor(initial), 0, { mode: 'stable', topology: initial });
  // The revision on the nodes, which `writeFields` may have moved past the last good state.
  let revision = state.revision;

  const harness: ShardisCluster = {
    cluster: options.cluster,
    nodes,
    get servers() {
      return [...nodes.values()].map((node) => node.server);
    },
    get seeds() {
      return state.topology.nodes.map((node) => node.url);
    },
    get topology() {
      return state.topology;
    },
    get state() {
      return state;
    },
    owner: (key) => topologyPlacement(state.topology).locate(key),
    async writeTopology(next) {
      const topology = 'version' in next ? next : applyChange(state.topology, next);
      state = await store.write(connectionsFor(state.topology, topology), revision, { mode: 'stable', topology });
      revision = state.revision;
      return state;
    },
    async writeFields(fields) {
      const connections = connectionsFor(state.topology);
      const args = ['HSET', store.keys.topology, ...Object.entries(fields).flat()];
      await Promise.all([...connections.values()].map(async (connection) => {
        await connection.send(['DEL', store.keys.topology]);
        await connection.send(args);
      }));
      const written = Number(fields['revision']);
      if (Number.isSafeInteger(written)) revision = Math.max(revision, written);
      await store.announce(connections, revision);
    },
    async addNode(nodeOptions = {}) {
      const node = register(await launch());
      await harness.writeTopology({ add: [{ id: node.id, url: node.url, ...(nodeOptions.weight === undefined ? {} : { weight: nodeOptions.weight }) }] });
      return node;
    },
    async attachNode(node) {
      control.set(node.id, options.driver.connect({ id: node.id, url: node.connectUrl ?? node.url }, 'control'));
      return harness.writeTopology({ add: [{ id: node.id, url: node.url }] });
    },
    removeNode: (id) => harness.writeTopology({ remove: [id] }),
    kill: (id) => nodeOf(nodes, id).server.kill(),
    async restart(id) {
      await nodeOf(nodes, id).server.restart();
      // The restarted server is empty; put the state back as a repairing writer would.
      const fields = stateToFields(state);
      const args = ['HSET', store.keys.topology, ...Object.entries(fields).flat()];
      await waitFor(() => control.get(id)!.send(args).then(() => true), { timeoutMs: 5_000, what: `${id} to accept the state after its restart` });
      // The inspection connection reconnects with a backoff; tests use it right after this.
      await waitFor(() => harness.inspect(id).send(['PING']).then(() => true), { timeoutMs: 5_000, what: `${id} to be inspectable again` });
    },
    inspect(id) {
      let connection = inspectors.get(id);
      if (connection === undefined) inspectors.set(id, (connection = inspectDriver.connect({ id, url: nodeOf(nodes, id).server.url }, 'control')));
      return connection;
    },
    async keysOn(id) {
      const reply = await harness.inspect(id).send(['KEYS', '*']);
      return (Array.isArray(reply) ? reply : []).map(String).filter((key) => !key.startsWith('__shardis__:')).sort();
    },
    async stop() {
      for (const connection of [...control.values(), ...inspectors.values()]) connection.disconnect();
      await Promise.all([...nodes.values()].map((node) => Promise.all([node.proxy?.stop(), node.server.stop()])));
    },
  };
  return harness;
}

function nodeOf(nodes: ReadonlyMap<string, ClusterNode>, id: string): ClusterNode {
  const node = nodes.get(id);
  if (node === undefined) throw new Error(`no node ${JSON.stringify(id)} in this harness (have ${[...nodes.keys()].join(', ')})`);
  return node;
}

/** The topology after `change`, with the placement's own `with()` so algorithm state carries over. */
export function applyChange(topology: Topology, change: TopologyChange): Topology {
  const urls = new Map(topology.nodes.map((node) => [node.id, node.url]));
  for (const node of change.add ?? []) urls.set(node.id, node.url);
  const spec = topologyPlacement(topology).with({
    ...(change.add === undefined ? {} : { add: change.add.map((node) => ({ id: node.id, ...(node.weight === undefined ? {} : { weight: node.weight }) })) }),
    ...(change.remove === undefined ? {} : { remove: change.remove }),
    ...(change.weights === undefined ? {} : { weights: change.weights }),
  }).toSpec();
  return validateTopology({
    version: topology.version,
    cluster: topology.cluster,
    epoch: topology.epoch + 1,
    algorithm: spec.algorithm,
    hash: spec.hash,
    hashTags: spec.hashTags,
    ...(spec.hashSeed === undefined ? {} : { hashSeed: spec.hashSeed }),
    params: spec.params,
    nodes: spec.nodes.map((node) => ({ id: node.id, url: urls.get(node.id)!, weight: node.weight })),
  });
}
