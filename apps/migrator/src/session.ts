import { redactUrl } from '@shardis/core';
import { ClusterAdmin, CONTROL_PREFIX, isControlKey, MigrationWorker, stateNodes, stateSigning, TopologyKeyring, type ClusterAccessOptions, type ClusterState, type NodeConnection, type RedisDriver, type TopologyRejectedError, type WorkerOptions } from '@shardis/engine';
import { ioredisDriver } from '@shardis/ioredis';
import type { Connection } from './connection.ts';
import { CliError, errorCode, UsageError } from './errors.ts';

export type Probe = { readonly ok: true; readonly keys: number } | { readonly ok: false; readonly error: string };

export interface SessionOptions {
  /** Nodes to read the state from besides the seeds (`init` reads its own nodes). */
  readonly extraSeeds?: readonly string[];
  readonly driver?: RedisDriver;
  /** Take an unsigned state in force and sign what is written (`resign --accept-unsigned`: turning signing on). */
  readonly acceptUnsigned?: boolean;
}

/** A node whose state was refused, and why (kind and the engine's reason: never key material). */
export interface Refusal {
  readonly node: string;
  readonly kind: TopologyRejectedError['kind'];
  readonly reason: string;
}

/**
 * One command's view of a cluster: the driver (ioredis, with the user's credentials and TLS), a
 * `ClusterAdmin`, and the helpers commands share. Close it when done.
 */
export class Session {
  readonly connection: Connection;
  readonly driver: RedisDriver;
  readonly admin: ClusterAdmin;
  private readonly seeds: readonly string[];
  private readonly workers: MigrationWorker[] = [];
  /** Nodes (or `seed:<url>`) whose state was refused: unsigned, forged, signed with another key… */
  readonly refused = new Map<string, Refusal>();

  constructor(connection: Connection, options: SessionOptions = {}) {
    this.connection = connection;
    this.driver = options.driver ?? ioredisDriver(connection.redisOptions);
    this.seeds = [...new Set([...connection.seeds, ...(options.extraSeeds ?? [])])];
    const key = connection.topologyKeys.key;
    // Accepting an unsigned state means signing without verifying: the engine's own signer, no verifier.
    const signing: Partial<ClusterAccessOptions> = key === undefined ? {} : options.acceptUnsigned === true ? { signTopology: stateSigning(TopologyKeyring.from(key)).sign } : { topologyKey: key };
    this.admin = new ClusterAdmin({ driver: this.driver, cluster: connection.cluster, seeds: this.seeds, ...signing, onTopologyRejected: (node, error) => this.refuse(node, error) });
  }

  private refuse(node: string, error: TopologyRejectedError): void {
    this.refused.set(node, { node: node.startsWith('seed:') ? `seed ${redactUrl(node.slice(5))}` : node, kind: error.kind, reason: error.reason });
  }

  /**
   * The cluster's state. When no seed has one, says whether the seeds answered at all, so an
   * unreachable or password-protected seed is not mistaken for a cluster that was never created,
   * and whether states were there but refused (signed topologies).
   */
  async state(): Promise<ClusterState> {
    try {
      return await this.admin.access.require();
    } catch (error) {
      if (errorCode(error) !== 'ERR_TOPOLOGY_NOT_FOUND') throw error;
      if (this.refused.size > 0) {
        const detail = [...this.refused.values()].map((refusal) => `${refusal.node}: ${refusal.kind}`).join('; ');
        const held = this.connection.topologyKeys.ids;
        throw new CliError('ERR_TOPOLOGY_REJECTED', `no node holds a state this command trusts (${detail}); ${held.length === 0 ? 'no topology key given' : `keys held: ${held.join(', ')}`}: check --topology-key-file / SHARDIS_TOPOLOGY_KEY${this.refused.size > 0 && [...this.refused.values()].every((refusal) => refusal.kind === 'unsigned') ? ', or sign the state for the first time with `shardis resign --accept-unsigned`' : ''}`, { cause: error });
      }
      const probes = await Promise.all(this.seeds.map(async (url) => [url, await this.probe(url)] as const));
      const failed = probes.filter(([, probe]) => !probe.ok);
      const detail = failed.map(([url, probe]) => `${redactUrl(url)}: ${probe.ok ? '' : probe.error}`).join('; ');
      if (failed.length === probes.length) throw new CliError('ERR_SEEDS_UNREACHABLE', `cannot read cluster ${JSON.stringify(this.connection.cluster)}: no seed answers (${detail})`, { cause: error });
      throw new CliError(
        'ERR_TOPOLOGY_NOT_FOUND',
        `no topology for cluster ${JSON.stringify(this.connection.cluster)} on ${probes.length - failed.length} reachable seed(s)${failed.length > 0 ? ` (unreachable: ${detail})` : ''}; run \`shardis init\`, or check --cluster`,
        { cause: error },
      );
    }
  }

  /**
   * Refuses to go on unless every node of the state answers: a change written while a node is
   * down would wait for it forever (the move needs every node), and `verify` cannot vouch for
   * keys it cannot see.
   */
  async requireReachable(state: ClusterState, what: string): Promise<void> {
    const nodes = stateNodes(state);
    const probes = await Promise.all(nodes.map(async (node) => ({ node, probe: await this.probe(node.url, false) })));
    const down = probes.filter(({ probe }) => !probe.ok);
    if (down.length === 0) return;
    const detail = down.map(({ node, probe }) => `${node.id} at ${redactUrl(node.url)}: ${probe.ok ? '' : probe.error}`).join('; ');
    throw new CliError('ERR_NODE_UNREACHABLE', `${what} needs every node to answer, and ${down.length} of ${nodes.length} do not (${detail})`);
  }

  /**
   * Refuses a write that clients would refuse: a state written without the key over a signed one
   * (every client that holds the key would keep the old topology, and a change would wait for
   * them forever).
   */
  async requireSigningKey(state: ClusterState, what: string): Promise<void> {
    if (this.connection.topologyKeys.key !== undefined) return;
    const keyId = await this.signerOf(state);
    if (keyId !== undefined) throw new UsageError(`the cluster's state is signed (key ${keyId}), and ${what} would write an unsigned one that every client holding the key refuses; pass --topology-key-file (or SHARDIS_TOPOLOGY_KEY / SHARDIS_TOPOLOGY_KEY_FILE)`);
  }

  /** Id of the key that signed `state` on the nodes that hold it, or undefined when it is unsigned. */
  async signerOf(state: ClusterState): Promise<string | undefined> {
    return /^v1:([0-9a-f]{8}):/.exec((await this.stateFields(state))?.['signature'] ?? '')?.[1];
  }

  /** The state hash as stored (signature included) on a node that holds `state`'s revision. */
  async stateFields(state: ClusterState): Promise<Record<string, string> | undefined> {
    const connections = this.admin.access.connectionsFor(state);
    const found = await Promise.all([...connections.values()].map((connection) => this.admin.access.store.fetch(connection).catch(() => ({}) as Record<string, string>)));
    return found.find((hash) => hash['revision'] === String(state.revision));
  }

  /** Whether a url answers with these credentials, and how many data keys it holds. */
  async probe(url: string, countKeys = true): Promise<Probe> {
    const connection = this.driver.connect({ id: `probe:${url}`, url }, 'control');
    try {
      await connection.send(['PING']);
      return { ok: true, keys: countKeys ? await dataKeyCount(connection) : 0 };
    } catch (error) {
      // The driver reports why (ECONNREFUSED, WRONGPASS, a TLS error), not just that it gave up.
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    } finally {
      await connection.close().catch(() => connection.disconnect());
    }
  }

  /**
   * Up to `max` data keys, taken from each node in proportion to the keys it holds (`keysByNode`),
   * so that the sample stands for the whole keyspace. SCAN order is hash-table order: random
   * enough for an estimate.
   */
  async sampleKeys(state: ClusterState, max: number, keysByNode: ReadonlyMap<string, number>): Promise<Buffer[]> {
    const connections = this.admin.access.connectionsFor(state);
    const total = [...keysByNode.values()].reduce((sum, n) => sum + n, 0);
    if (total === 0) return [];
    const samples = await Promise.all(
      state.topology.nodes.map(async (node) => {
        const connection = connections.get(node.id);
        const quota = Math.ceil((max * (keysByNode.get(node.id) ?? 0)) / total);
        return connection === undefined || quota === 0 ? [] : scanSample(connection, quota).catch(() => []);
      }),
    );
    return samples.flat();
  }

  /** A worker with this session's driver, credentials and topology keys; it reports refused states as events. */
  worker(options: Omit<WorkerOptions, 'driver' | 'cluster' | 'seeds' | 'topologyKey'>): MigrationWorker {
    const key = this.connection.topologyKeys.key;
    const worker = new MigrationWorker({
      driver: this.driver,
      cluster: this.connection.cluster,
      seeds: this.seeds,
      ...(this.connection.migrateAuth === undefined ? {} : { migrateAuth: this.connection.migrateAuth }),
      ...(key === undefined ? {} : { topologyKey: key }),
      ...options,
    });
    this.workers.push(worker);
    return worker;
  }

  async close(): Promise<void> {
    await Promise.all([this.admin.close(), ...this.workers.map((worker) => worker.close())]);
  }
}

async function scanSample(connection: NodeConnection, max: number): Promise<Buffer[]> {
  const keys: Buffer[] = [];
  let cursor = '0';
  do {
    const reply = await connection.send(['SCAN', cursor, 'COUNT', 1000]);
    if (!Array.isArray(reply)) break;
    cursor = String(reply[0]);
    for (const key of (Array.isArray(reply[1]) ? reply[1] : []) as Buffer[]) {
      if (!isControlKey(key) && keys.length < max) keys.push(key);
    }
  } while (cursor !== '0' && keys.length < max);
  return keys;
}

/** DBSIZE less shardis's own keys (topology, leases, checkpoints). */
export async function dataKeyCount(connection: NodeConnection): Promise<number> {
  const total = Number(await connection.send(['DBSIZE']));
  if (total === 0) return 0;
  let control = 0;
  let cursor = '0';
  do {
    const reply = await connection.send(['SCAN', cursor, 'MATCH', `${CONTROL_PREFIX}*`, 'COUNT', 1000]);
    if (!Array.isArray(reply)) break;
    cursor = String(reply[0]);
    control += Array.isArray(reply[1]) ? reply[1].length : 0;
  } while (cursor !== '0');
  return Math.max(0, total - control);
}
