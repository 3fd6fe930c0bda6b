import { keysByOwner, misplacedKeys, text } from './checks.ts';
import { useFixture } from './fixture.ts';
import type { GroupContext } from './types.ts';

const KEYS = Array.from({ length: 24 }, (_, i) => `fan:${i}`);

/** A deterministic shuffle, so a failure reproduces. */
function shuffled<T>(items: readonly T[]): T[] {
  const result = [...items];
  let seed = 12345;
  for (let i = result.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

/** MGET, MSET, DEL, UNLINK, EXISTS and TOUCH over keys of several nodes behave as on one server. */
export function fanOutGroup(context: GroupContext): void {
  const { describe, it, expect } = context.test;
  describe('multi-key fan-out', () => {
    const fixture = useFixture(context, { cluster: 'conformance-fanout', nodes: 3 });

    it('MSET writes each key on its owner; MGET answers in the caller\'s order, nil for missing keys', async () => {
      const { client, cluster } = fixture;
      expect(keysByOwner(cluster, KEYS).size).toBe(3);
      expect(text(await client.call('MSET', ...KEYS.flatMap((key) => [key, `value-of-${key}`])))).toBe('OK');
      expect(await misplacedKeys(cluster, KEYS)).toEqual([]);
      const order = shuffled([...KEYS, 'fan:missing:1', 'fan:missing:2']);
      const reply = (await client.call('MGET', ...order)) as unknown[];
      expect(reply.map((value) => (value === null ? null : text(value)))).toEqual(order.map((key) => (key.startsWith('fan:missing') ? null : `value-of-${key}`)));
    });

    it('MGET with a key named twice answers it twice, in place', async () => {
      const { client } = fixture;
      const [a, b] = [KEYS[0]!, KEYS[1]!];
      const reply = (await client.call('MGET', a, b, a)) as unknown[];
      expect(reply.map(text)).toEqual([`value-of-${a}`, `value-of-${b}`, `value-of-${a}`]);
    });

    it('EXISTS and TOUCH sum their counts over nodes, counting a repeated key each time', async () => {
      const { client } = fixture;
      const some = shuffled(KEYS).slice(0, 10);
      expect(await client.call('EXISTS', ...some, 'fan:missing:1', some[0]!)).toBe(11);
      expect(await client.call('TOUCH', ...some, 'fan:missing:2')).toBe(10);
    });

    it('DEL and UNLINK sum the keys removed, and remove them from every owner', async () => {
      const { client, cluster } = fixture;
      const order = shuffled(KEYS);
      const deleted = order.slice(0, 12);
      const unlinked = order.slice(12);
      expect(await client.call('DEL', ...deleted, 'fan:missing:1')).toBe(12);
      expect(await client.call('UNLINK', ...unlinked, ...unlinked.slice(0, 2))).toBe(12);
      for (const id of cluster.nodes.keys()) expect((await cluster.keysOn(id)).filter((key) => key.startsWith('fan:'))).toEqual([]);
      expect(await client.call('EXISTS', ...KEYS)).toBe(0);
    });

    it('a split MSET overwrites on every node, and MGET sees the new values', async () => {
      const { client } = fixture;
      await client.call('MSET', ...KEYS.flatMap((key) => [key, 'first']));
      await client.call('MSET', ...KEYS.flatMap((key, i) => [key, `second-${i}`]));
      const reply = (await client.call('MGET', ...KEYS)) as unknown[];
      expect(reply.map(text)).toEqual(KEYS.map((_, i) => `second-${i}`));
    });
  });
}
