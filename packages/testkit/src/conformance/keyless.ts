import { rejectionOf, text } from './checks.ts';
import { useFixture } from './fixture.ts';
import type { GroupContext } from './types.ts';

/** Commands without keys follow Redis's request/response policies over the whole cluster. */
export function keylessGroup(context: GroupContext): void {
  const { describe, it, expect } = context.test;
  describe('keyless commands', () => {
    const fixture = useFixture(context, { cluster: 'conformance-keyless', nodes: 3 });
    const keys = Array.from({ length: 60 }, (_, i) => `keyless:${i}`);

    it('DBSIZE is the sum of every node\'s DBSIZE', async () => {
      const { client, cluster } = fixture;
      await client.call('MSET', ...keys.flatMap((key) => [key, 'v']));
      const perNode = await Promise.all(cluster.topology.nodes.map(async (node) => Number(await cluster.inspect(node.id).send(['DBSIZE']))));
      const total = perNode.reduce((sum, size) => sum + size, 0);
      expect(await client.call('DBSIZE')).toBe(total);
      expect(total).toBeGreaterThanOrEqual(keys.length);
    });

    it('PING answers PONG', async () => {
      expect(text(await fixture.client.call('PING'))).toBe('PONG');
    });

    it('INFO answers for every node, by node id', async () => {
      const { client, cluster } = fixture;
      const reply = (await client.call('INFO', 'server')) as Record<string, unknown>;
      expect(Object.keys(reply).sort()).toEqual(cluster.topology.nodes.map((node) => node.id).sort());
      for (const node of cluster.topology.nodes) expect(text(reply[node.id])).toContain(`tcp_port:${cluster.nodes.get(node.id)!.server.port}`);
    });

    it('SCRIPT LOAD loads on every node, so EVALSHA works for keys on any node', async () => {
      const { client, cluster } = fixture;
      const sha = text(await client.call('SCRIPT', 'LOAD', "return redis.call('INCR', KEYS[1])"));
      expect(sha).toMatch(/^[0-9a-f]{40}$/);
      for (const node of cluster.topology.nodes) expect(await cluster.inspect(node.id).send(['SCRIPT', 'EXISTS', sha])).toEqual([1]);
      expect(await client.call('SCRIPT', 'EXISTS', sha)).toEqual([1]);
      for (const key of keys.slice(0, 9)) expect(await client.call('EVALSHA', sha, 1, `${key}:n`)).toBe(1);
    });

    it('raw SCAN with a cursor loop returns every key exactly once, and never shardis\'s own keys', async () => {
      const { client } = fixture;
      const seen: string[] = [];
      let cursor = '0';
      let rounds = 0;
      do {
        const [next, batch] = (await client.call('SCAN', cursor, 'COUNT', 7)) as [unknown, unknown[]];
        cursor = text(next);
        seen.push(...batch.map(text));
        expect(++rounds).toBeLessThan(1000);
      } while (cursor !== '0');
      const expected = [...keys, ...keys.slice(0, 9).map((key) => `${key}:n`)];
      expect(seen.filter((key) => key.startsWith('__shardis__:'))).toEqual([]);
      expect([...seen].sort()).toEqual([...expected].sort());
    });

    it('FLUSHDB empties every node and the cluster keeps working: topology kept, writes routed, new clients connect', async () => {
      const { client, cluster } = fixture;
      expect(text(await client.call('FLUSHDB'))).toBe('OK');
      expect(await client.call('EXISTS', ...keys)).toBe(0);
      for (const node of cluster.topology.nodes) {
        expect(Number(await cluster.inspect(node.id).send(['HGET', `__shardis__:${cluster.cluster}:topology`, 'revision']))).toBe(cluster.state.revision);
        expect(await cluster.keysOn(node.id)).toEqual([]);
      }
      await client.call('SET', 'keyless:after-flush', 'v');
      expect(text(await client.call('GET', 'keyless:after-flush'))).toBe('v');
      const other = await fixture.newClient();
      expect(text(await other.call('GET', 'keyless:after-flush'))).toBe('v');
    });

    it('commands that would change a shared connection\'s state are refused with a reason', async () => {
      const error = await rejectionOf(fixture.client.call('SELECT', 1));
      expect(error.message).toMatch(/SELECT/);
    });
  });
}
