import { startShardisCluster, type ShardisCluster, type ShardisClusterOptions } from '../cluster-harness.ts';
import type { ConformanceClient, ConformanceClientOptions, GroupContext } from './types.ts';

export interface FixtureOptions extends Omit<ShardisClusterOptions, 'driver' | 'cluster'> {
  /** Cluster name; also keeps each group's Redis keys apart in logs. */
  readonly cluster: string;
  /** Options for every client the fixture makes (seeds and cluster are filled in). */
  readonly client?: Omit<ConformanceClientOptions, 'cluster' | 'seeds'>;
}

/** Servers and clients of one group: started once in `beforeAll`, all stopped in `afterAll`. */
export interface Fixture {
  readonly cluster: ShardisCluster;
  /** The group's first client. */
  readonly client: ConformanceClient;
  /** One more client on the same cluster; closed with the fixture. */
  newClient(options?: Partial<ConformanceClientOptions>): Promise<ConformanceClient>;
}

export function useFixture(context: GroupContext, options: FixtureOptions): Fixture {
  const { test, factory } = context;
  let cluster: ShardisCluster | undefined;
  let first: ConformanceClient | undefined;
  const clients: ConformanceClient[] = [];
  const credentials = {
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
  };

  const fixture: Fixture = {
    get cluster() {
      if (cluster === undefined) throw new Error('the cluster is not started (did beforeAll fail?)');
      return cluster;
    },
    get client() {
      if (first === undefined) throw new Error('the client is not connected (did beforeAll fail?)');
      return first;
    },
    async newClient(extra = {}) {
      const client = await factory.createClient({ ...credentials, ...options.client, cluster: options.cluster, seeds: fixture.cluster.seeds, ...extra });
      clients.push(client);
      return client;
    },
  };

  test.beforeAll(async () => {
    const { client: _client, ...clusterOptions } = options;
    cluster = await startShardisCluster({ ...clusterOptions, driver: factory.driver(credentials) });
    first = await fixture.newClient();
  }, 60_000);

  test.afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
    await cluster?.stop();
  }, 60_000);

  return fixture;
}
