import { redactUrl } from '@shardis/core';
import { ClusterAdmin, CONTROL_PREFIX, isControlKey, MigrationWorker, stateNodes, type ClusterState, type NodeConnection, type RedisDriver, type WorkerOptions } from '@shardis/engine';
import { ioredisDriver } from '@shardis/ioredis';
import type { Connection } from './connection.ts';
import { CliError, errorCode } from './errors.ts';

export type Probe = { readonly ok: true; readonly keys: number } | { readonly ok: false; readonly error: string };

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

  constructor(connection: Connection, options: { extraSeeds?: readonly string[]; driver?: RedisDriver } = {}) {
    this.connection = connection;
    this.driver = options.driver ?? ioredisDriver(connection.redisOptions);
    this.seeds = [...new Set([...connection.seeds, ...(options.extraSeeds ?? [])])];
    this.admin = new ClusterAdmin({ driver: this.driver, cluster: connection.cluster, seeds: this.seeds });
  }

  /**
   * The cluster's state. When no seed has one, says whether the seeds answered at all, so an
   * unreachable or password-protected seed is not mistaken for a cluster that was never created.
   */
  async state(): Promise<ClusterState> {
    try {
      return await this.admin.access.require();
    } catch (error) {
      if (errorCode(error) !== 'ERR_TOPOLOGY_NOT_FOUND') throw error;
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

  /** Whether a url answers with these credentials, and how many data keys it holds. */
  async probe(url: string, countKeys = true): Promise<Probe> {
    const connection = this.driver.connect({ id: `probe:${url}`, url }, 'control');
    // A failed command often only says "max retries reached"; the connection's error says why.
    let cause: Error | undefined;
    const stop = connection.onEvent((event) => {
      if (event.type === 'error') cause = event.error;
    });
    try {
      await connection.send(['PING']);
      return { ok: true, keys: countKeys ? await dataKeyCount(connection) : 0 };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: cause !== undefined && /max retries/i.test(message) ? cause.message : message };
    } finally {
      stop();
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

  worker(options: Omit<WorkerOptions, 'driver' | 'cluster' | 'seeds'>, driver: RedisDriver = this.driver): MigrationWorker {
    const worker = new MigrationWorker({
      driver,
      cluster: this.connection.cluster,
      seeds: this.seeds,
      ...(this.connection.migrateAuth === undefined ? {} : { migrateAuth: this.connection.migrateAuth }),
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
