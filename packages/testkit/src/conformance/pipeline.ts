import { codeOf, keysOnDifferentNodes, text } from './checks.ts';
import { useFixture } from './fixture.ts';
import type { Arg, GroupContext } from './types.ts';

/** Pipelines over several nodes keep the caller's order, and a failed command stays in its place. */
export function pipelineGroup(context: GroupContext): void {
  const { describe, it, expect } = context.test;
  describe('pipelines', () => {
    const fixture = useFixture(context, { cluster: 'conformance-pipeline', nodes: 3 });

    it('a WRONGTYPE error in the middle stays in place; the commands around it still run', async () => {
      const { client, cluster } = fixture;
      const [a, b, c] = keysOnDifferentNodes(cluster, 'pipe:wrongtype:', 3) as [string, string, string];
      const results = await client.pipeline([
        ['SET', a, '1'],
        ['INCR', a],
        ['SET', b, 'text'],
        ['LPUSH', a, 'x'],
        ['INCR', b],
        ['RPUSH', c, 'x', 'y'],
        ['GET', a],
        ['LLEN', c],
      ]);
      expect(results).toHaveLength(8);
      const [set, incr, setB, lpush, incrB, rpush, get, llen] = results as Array<[Error | null, unknown]>;
      expect([set![0], incr![0], setB![0], rpush![0], get![0], llen![0]]).toEqual([null, null, null, null, null, null]);
      expect(text(set![1])).toBe('OK');
      expect(incr![1]).toBe(2);
      expect(lpush![0]?.message).toMatch(/^WRONGTYPE/);
      expect(incrB![0]?.message).toMatch(/not an integer/);
      expect(rpush![1]).toBe(2);
      expect(text(get![1])).toBe('2');
      expect(llen![1]).toBe(2);
    });

    it('commands on one key run in pipeline order, while several nodes are written at once', async () => {
      const { client, cluster } = fixture;
      const keys = keysOnDifferentNodes(cluster, 'pipe:order:', 3);
      const commands: Arg[][] = [];
      for (let i = 0; i < 90; i++) commands.push(['APPEND', keys[i % 3]!, `${i},`]);
      const results = await client.pipeline(commands);
      expect(results.every(([error]) => error === null)).toBe(true);
      keys.forEach((_key, k) => {
        // APPEND answers the new length: the running total of this key's appends, in order.
        let length = 0;
        const lengths = Array.from({ length: 30 }, (_, i) => (length += `${i * 3 + k},`.length));
        expect(results.filter((_, i) => i % 3 === k).map(([, reply]) => reply)).toEqual(lengths);
      });
      for (const [k, key] of keys.entries()) {
        const expected = Array.from({ length: 30 }, (_, i) => `${i * 3 + k},`).join('');
        expect(text(await client.call('GET', key))).toBe(expected);
        expect(text(await cluster.inspect(cluster.owner(key)).send(['GET', key]))).toBe(expected);
      }
    });

    it('a command refused by routing (CROSSSLOT) fails in its place only', async () => {
      const { client, cluster } = fixture;
      const [a, b] = keysOnDifferentNodes(cluster, 'pipe:cross:') as [string, string];
      const results = await client.pipeline([['SET', a, 'x'], ['RENAME', a, b], ['SET', b, 'y'], ['GET', a]]);
      expect(results[0]![0]).toBeNull();
      expect(codeOf(results[1]![0])).toBe('ERR_CROSSSLOT');
      expect(results[2]![0]).toBeNull();
      expect(text(results[3]![1])).toBe('x');
      expect(text(await client.call('GET', b))).toBe('y');
    });

    it('split commands inside a pipeline keep their reply shape and place', async () => {
      const { client, cluster } = fixture;
      const keys = keysOnDifferentNodes(cluster, 'pipe:split:', 3);
      const results = await client.pipeline([
        ['MSET', ...keys.flatMap((key) => [key, `v-${key}`])],
        ['MGET', ...[...keys].reverse()],
        ['EXISTS', ...keys],
        ['DEL', ...keys],
        ['MGET', ...keys],
      ]);
      expect(results.map(([error]) => error)).toEqual([null, null, null, null, null]);
      expect(text(results[0]![1])).toBe('OK');
      expect((results[1]![1] as unknown[]).map(text)).toEqual([...keys].reverse().map((key) => `v-${key}`));
      expect(results[2]![1]).toBe(3);
      expect(results[3]![1]).toBe(3);
      expect(results[4]![1]).toEqual([null, null, null]);
    });
  });
}
