import { stateToFields } from '@shardis/engine';
import { waitFor } from '../wait.ts';
import { keysOnDifferentNodes, misplacedKeys, text } from './checks.ts';
import { useFixture } from './fixture.ts';
import type { GroupContext } from './types.ts';

const POLL_MS = 300;

interface BadDocument {
  readonly name: string;
  readonly corrupt: (fields: Record<string, string>) => Record<string, string>;
}

const BAD_DOCUMENTS: readonly BadDocument[] = [
  {
    name: 'a negative node weight',
    corrupt: (fields) => ({ ...fields, nodes: JSON.stringify((JSON.parse(fields['nodes']!) as Array<{ weight: number }>).map((node, i) => (i === 0 ? { ...node, weight: -1 } : node))) }),
  },
  { name: 'an unknown algorithm', corrupt: (fields) => ({ ...fields, algorithm: 'no-such-algorithm' }) },
  { name: 'garbage JSON in the node list', corrupt: (fields) => ({ ...fields, nodes: '[{"id": "node0", "url": ' }) },
  { name: 'a document for another cluster', corrupt: (fields) => ({ ...fields, cluster: 'someone-else' }) },
  { name: 'an unknown mode', corrupt: (fields) => ({ ...fields, mode: 'chaos' }) },
];

/** A malformed document with a higher revision is refused; the last good topology stays in force. */
export function invalidTopologyGroup(context: GroupContext): void {
  const { describe, it, expect } = context.test;
  describe('invalid topology update', () => {
    const fixture = useFixture(context, { cluster: 'conformance-invalid', nodes: 3, client: { pollIntervalMs: POLL_MS } });
    let revision = 0;
    const rejections: string[] = [];

    for (const bad of BAD_DOCUMENTS) {
      it(`${bad.name} is rejected (event); the last good topology stays and commands keep working`, async () => {
        const { client, cluster } = fixture;
        if (revision === 0) {
          revision = cluster.state.revision;
          client.engine.on('topology-rejected', (error) => rejections.push(error.message));
        }
        const good = cluster.state;
        const seen = rejections.length;
        await cluster.writeFields(bad.corrupt(stateToFields({ ...good, revision: ++revision })));
        await waitFor(() => rejections.length > seen, { timeoutMs: POLL_MS + 1_500, what: 'a topology-rejected event' });
        expect(client.engine.state?.revision).toBe(good.revision);
        const keys = keysOnDifferentNodes(cluster, `invalid:${revision}:`, 3);
        for (const key of keys) expect(text(await client.call('SET', key, 'v'))).toBe('OK');
        expect(((await client.call('MGET', ...keys)) as unknown[]).map(text)).toEqual(['v', 'v', 'v']);
        expect(await misplacedKeys(cluster, keys)).toEqual([]);
      });
    }

    it('a good topology written over the rejected one is taken', async () => {
      const { client, cluster } = fixture;
      await cluster.writeTopology({ weights: { node2: 3 } });
      const target = cluster.state.revision;
      expect(target).toBeGreaterThan(revision);
      await waitFor(() => client.engine.state?.revision === target, { timeoutMs: POLL_MS + 1_500, what: `revision ${target}` });
      const keys = keysOnDifferentNodes(cluster, 'invalid:after:', 3);
      for (const key of keys) await client.call('SET', key, 'v');
      expect(await misplacedKeys(cluster, keys)).toEqual([]);
    });
  });
}
