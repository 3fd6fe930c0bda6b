import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startRedisServers, stopAll, waitFor, type RedisServer } from '@shardis/testkit';

const run = promisify(execFile);

/** A local Redis Cluster of masters only, as `redis-cli --cluster create` lays it out. */
export interface RedisCluster {
  readonly servers: readonly RedisServer[];
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  /** The cluster node id of each server, in `servers` order. */
  readonly ids: readonly string[];
  stop(): Promise<void>;
}

/**
 * Starts `masters` redis-server processes with `--cluster-enabled yes` on free ports and joins them
 * with `redis-cli --cluster create … --cluster-yes`. Replica migration is off: in Redis 7 a master
 * that gives away all its slots otherwise turns itself into a replica of the receiver.
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const servers = await startRedisServers(masters, {
    args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-allow-replica-migration', 'no'],
  });
  try {
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 60_000 });
    await waitFor(async () => (await Promise.all(servers.map((s) => s.command('CLUSTER', 'INFO')))).every((info) => info.includes('cluster_state:ok')), {
      timeoutMs: 30_000,
      what: 'every cluster node to report cluster_state:ok',
    });
    const ids = await Promise.all(servers.map(async (server) => (await server.command('CLUSTER', 'MYID')).replace(/^\$\d+\r\n/, '').trim()));
    return { servers, nodes: servers.map((s) => ({ host: s.host, port: s.port })), ids, stop: () => stopAll(servers) };
  } catch (error) {
    await stopAll(servers);
    throw error;
  }
}
