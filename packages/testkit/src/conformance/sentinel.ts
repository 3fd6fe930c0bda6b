import type { SentinelGroup } from '../sentinel.ts';
import { startSentinelGroup } from '../sentinel.ts';
import { rawCommand } from '../redis-server.ts';
import { waitFor } from '../wait.ts';
import { keyOwnedBy, text } from './checks.ts';
import { useFixture } from './fixture.ts';
import type { GroupContext } from './types.ts';

const HA_NODE = 'ha';

/** Replication offsets of primary and replica, read from INFO. */
async function offsets(group: SentinelGroup): Promise<[number, number]> {
  const primary = await rawCommand(group.primary.port, ['INFO', 'replication']);
  const replica = await rawCommand(group.replica.port, ['INFO', 'replication']);
  const read = (info: string, field: string) => Number(new RegExp(`${field}:(\\d+)`).exec(info)?.[1] ?? -1);
  return [read(primary, 'master_repl_offset'), read(replica, 'slave_repl_offset')];
}

/**
 * A node reached through Sentinel (`redis+sentinel://…/<name>`) is served again after its primary
 * fails over. Topology urls are `redis://` or `rediss://` only (core's validation), so the topology
 * names the primary and the client maps the node to its Sentinel url with `mapNodeUrl`.
 */
export function sentinelGroup(context: GroupContext): void {
  const { describe, it, expect, beforeAll, afterAll } = context.test;
  describe('Sentinel HA', () => {
    const fixture = useFixture(context, { cluster: 'conformance-sentinel', nodes: 2 });
    let group: SentinelGroup | undefined;
    beforeAll(async () => {
      group = await startSentinelGroup({ name: 'conformance' });
    }, 60_000);
    afterAll(async () => {
      await group?.stop();
    }, 60_000);

    it('keys of a Sentinel-managed node live on its primary, and are served again after a failover', async () => {
      const { cluster } = fixture;
      const ha = group!;
      await cluster.attachNode({ id: HA_NODE, url: ha.primary.url, connectUrl: ha.url });
      const client = await fixture.newClient({ mapNodeUrl: (node) => (node.id === HA_NODE ? ha.url : node.url) });
      expect(client.engine.state?.revision).toBe(cluster.state.revision);
      const key = keyOwnedBy(cluster, HA_NODE, 'sentinel:');
      expect(text(await client.call('SET', key, 'before'))).toBe('OK');
      expect(await rawCommand(ha.primary.port, ['EXISTS', key])).toBe(':1\r\n');
      await waitFor(async () => {
        const [primary, replica] = await offsets(ha);
        return primary > 0 && primary === replica;
      }, { timeoutMs: 5_000, what: 'the replica to catch up' });
      const oldPort = ha.primary.port;
      await ha.primary.kill();
      const newPort = await ha.waitForFailover(oldPort);
      expect(newPort).toBe(ha.replica.port);
      await waitFor(async () => text(await client.call('GET', key)) === 'before', { timeoutMs: 15_000, what: 'the shard to be served by the new primary' });
      expect(text(await client.call('SET', key, 'after'))).toBe('OK');
      expect(await rawCommand(newPort, ['GET', key])).toBe('$5\r\nafter\r\n');
    }, 60_000);
  });
}
