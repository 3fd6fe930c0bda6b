import { keysByOwner } from './checks.ts';
import { useFixture } from './fixture.ts';
import type { Arg, GroupContext } from './types.ts';

const STRINGS = 2_000;
const HASHES = 600;
const SETS = 400;

/** The adapter's cluster-wide scan reports every key of every node exactly once. */
export function scanGroup(context: GroupContext): void {
  const { describe, it, expect } = context.test;
  describe('SCAN completeness', () => {
    const fixture = useFixture(context, { cluster: 'conformance-scan', nodes: 4 });
    const strings = Array.from({ length: STRINGS }, (_, i) => `scan:s:${i}`);
    const hashes = Array.from({ length: HASHES }, (_, i) => `scan:h:${i}`);
    const sets = Array.from({ length: SETS }, (_, i) => `scan:t:${i}`);
    const all = [...strings, ...hashes, ...sets];

    const write = async () => {
      const commands: Arg[][] = [
        ...strings.map((key) => ['SET', key, 'v']),
        ...hashes.map((key) => ['HSET', key, 'f', 'v']),
        ...sets.map((key) => ['SADD', key, 'm']),
      ];
      for (let i = 0; i < commands.length; i += 500) {
        const results = await fixture.client.pipeline(commands.slice(i, i + 500));
        expect(results.filter(([error]) => error !== null)).toEqual([]);
      }
    };

    it(`reports each of ${STRINGS + HASHES + SETS} keys exactly once, and none of shardis's own`, async () => {
      const { client, cluster } = fixture;
      await write();
      expect(keysByOwner(cluster, all).size).toBe(4);
      const seen = await client.scanAll({ count: 50 });
      expect(seen.filter((key) => key.startsWith('__shardis__:'))).toEqual([]);
      expect(seen.length).toBe(all.length);
      expect(new Set(seen).size).toBe(all.length);
      expect([...seen].sort()).toEqual([...all].sort());
    });

    it('MATCH filters on every node', async () => {
      const seen = await fixture.client.scanAll({ match: 'scan:h:*', count: 100 });
      expect([...seen].sort()).toEqual([...hashes].sort());
    });

    it('TYPE filters on every node', async () => {
      const seen = await fixture.client.scanAll({ type: 'set', count: 100 });
      expect([...seen].sort()).toEqual([...sets].sort());
    });

    it('a MATCH that no key meets gives nothing, not control keys', async () => {
      expect(await fixture.client.scanAll({ match: '__shardis__:*' })).toEqual([]);
      expect(await fixture.client.scanAll({ match: 'scan:none:*' })).toEqual([]);
    });

    it('a stray copy on a node that does not own the key is not reported (the owner\'s is, once)', async () => {
      const { client, cluster } = fixture;
      const key = strings[0]!;
      const stray = cluster.topology.nodes.find((node) => node.id !== cluster.owner(key))!.id;
      await cluster.inspect(stray).send(['SET', key, 'stale copy']);
      try {
        const seen = await client.scanAll({ match: 'scan:s:*', count: 100 });
        expect(seen.filter((found) => found === key)).toEqual([key]);
        expect(seen.length).toBe(strings.length);
      } finally {
        await cluster.inspect(stray).send(['DEL', key]);
      }
    });

    it('control keys exist on every node all the while (so the checks above mean something)', async () => {
      const { cluster } = fixture;
      for (const node of cluster.topology.nodes) {
        const reply = await cluster.inspect(node.id).send(['EXISTS', `__shardis__:${cluster.cluster}:topology`]);
        expect(reply).toBe(1);
      }
    });
  });
}
