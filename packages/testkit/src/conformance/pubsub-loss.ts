import type { ShardisCluster } from '../cluster-harness.ts';
import { waitFor } from '../wait.ts';
import { useFixture } from './fixture.ts';
import type { ConformanceClient, GroupContext } from './types.ts';

/** So long that a change seen sooner came through pub/sub or the reconnect check, not a poll. */
const NO_POLL_MS = 60_000;
const POLL_MS = 500;
const MARGIN_MS = 1500;

/** Subscribers to the topology channel on each node, counted by the servers themselves. */
async function subscribers(cluster: ShardisCluster): Promise<Map<string, number>> {
  const channel = `__shardis__:${cluster.cluster}:topology`;
  const counts = new Map<string, number>();
  for (const node of cluster.topology.nodes) {
    const reply = await cluster.inspect(node.id).send(['PUBSUB', 'NUMSUB', channel]);
    counts.set(node.id, Array.isArray(reply) ? Number(reply[1]) : 0);
  }
  return counts;
}

async function total(cluster: ShardisCluster): Promise<number> {
  return [...(await subscribers(cluster)).values()].reduce((sum, count) => sum + count, 0);
}

async function killSubscribers(cluster: ShardisCluster): Promise<void> {
  await Promise.all(cluster.topology.nodes.map((node) => cluster.inspect(node.id).send(['CLIENT', 'KILL', 'TYPE', 'pubsub'])));
}

async function caughtUp(client: ConformanceClient, cluster: ShardisCluster, timeoutMs: number, how: string): Promise<number> {
  const revision = cluster.state.revision;
  return waitFor(() => client.engine.state?.revision === revision, { timeoutMs, what: `the client to reach revision ${revision} ${how} (at ${client.engine.state?.revision})` });
}

/** Lost pub/sub messages and subscriber connections cost at most one poll interval. */
export function pubsubLossGroup(context: GroupContext): void {
  const { describe, it, expect } = context.test;
  describe('dropped pub/sub connection', () => {
    const fixture = useFixture(context, { cluster: 'conformance-pubsub', nodes: 3, proxied: true, client: { pollIntervalMs: NO_POLL_MS } });
    let weight = 1;
    const change = () => fixture.cluster.writeTopology({ weights: { node1: ++weight } });

    it('after CLIENT KILL TYPE pubsub on every node the client subscribes again and hears the next change', async () => {
      const { client, cluster } = fixture;
      await waitFor(async () => (await total(cluster)) === 1, { timeoutMs: 5_000, what: 'the client\'s subscription' });
      await killSubscribers(cluster);
      await waitFor(async () => (await total(cluster)) === 1, { timeoutMs: 5_000, what: 'the client to subscribe again' });
      await change();
      await caughtUp(client, cluster, MARGIN_MS, 'through pub/sub (polling is off)');
    });

    it('a change published while the subscriber is cut off is seen as soon as it reconnects', async () => {
      const { client, cluster } = fixture;
      await waitFor(async () => (await total(cluster)) === 1, { timeoutMs: 5_000, what: 'the client\'s subscription' });
      const [node] = [...(await subscribers(cluster))].find(([, count]) => count === 1)!;
      const proxy = cluster.nodes.get(node)!.proxy!;
      proxy.pause();
      proxy.dropConnections();
      try {
        await waitFor(async () => (await total(cluster)) === 0, { timeoutMs: 5_000, what: 'the subscriber to be gone' });
        await change();
      } finally {
        proxy.resume();
      }
      await caughtUp(client, cluster, 2 * MARGIN_MS, 'after its subscriber reconnected (polling is off)');
      expect(await total(cluster)).toBe(1);
    });

    it('a client whose subscriber is killed just before a change catches up within one poll interval', async () => {
      const { cluster } = fixture;
      const poller = await fixture.newClient({ pollIntervalMs: POLL_MS });
      await killSubscribers(cluster);
      await change();
      await caughtUp(poller, cluster, POLL_MS + MARGIN_MS, 'by polling or re-subscribing');
    });

    it('a change is seen by polling while the subscriber\'s node is black-holed', async () => {
      const { cluster } = fixture;
      await waitFor(async () => (await total(cluster)) === 2, { timeoutMs: 5_000, what: 'the earlier clients\' subscriptions' });
      const before = await subscribers(cluster);
      const poller = await fixture.newClient({ pollIntervalMs: POLL_MS });
      let node = '';
      await waitFor(async () => {
        node = [...(await subscribers(cluster))].find(([id, count]) => count > (before.get(id) ?? 0))?.[0] ?? '';
        return node !== '';
      }, { timeoutMs: 5_000, what: 'the new client\'s subscription' });
      // The poller's subscriber and one of the nodes it polls are cut off; two nodes still answer.
      const proxy = cluster.nodes.get(node)!.proxy!;
      proxy.pause();
      try {
        await change();
        await caughtUp(poller, cluster, POLL_MS + 2 * MARGIN_MS, `by polling the nodes it can still reach (${node} black-holed)`);
      } finally {
        proxy.resume();
      }
    });
  });
}
