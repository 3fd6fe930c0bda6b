import type { ShardisCluster } from '../cluster-harness.ts';
import { codeOf, keysOnDifferentNodes, misplacedKeys, rejectionOf, text } from './checks.ts';
import { useFixture } from './fixture.ts';
import type { Arg, ConformanceClient, GroupContext } from './types.ts';

interface CrossCase {
  readonly name: string;
  /** Redis's command stats names that must not move on any node when the command is refused. */
  readonly stats: readonly string[];
  readonly setup: (keys: readonly string[]) => Arg[][];
  readonly run: (client: ConformanceClient, keys: readonly string[]) => Promise<unknown>;
  /** Checks the result when the keys share a hash tag (one node). */
  readonly verify: (client: ConformanceClient, keys: readonly string[], result: unknown) => Promise<void>;
}

/** Sum of `calls` and `rejected_calls` per command on one node. */
async function commandStats(cluster: ShardisCluster, id: string): Promise<Map<string, number>> {
  const info = text(await cluster.inspect(id).send(['INFO', 'commandstats']));
  const stats = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+).*?(?:rejected_calls=(\d+))?/gm)) {
    stats.set(match[1]!, Number(match[2]) + Number(match[3] ?? 0));
  }
  return stats;
}

async function allStats(cluster: ShardisCluster, names: readonly string[]): Promise<string[]> {
  const result: string[] = [];
  for (const id of cluster.nodes.keys()) {
    const stats = await commandStats(cluster, id);
    for (const name of names) result.push(`${id} ${name}=${stats.get(name) ?? 0}`);
  }
  return result;
}

/** Multi-key commands whose keys live on different nodes fail with CROSSSLOT before anything is sent. */
export function crossSlotGroup(context: GroupContext): void {
  const { describe, it, expect } = context.test;
  const cases: CrossCase[] = [
    {
      name: 'RENAME', stats: ['rename'],
      setup: ([a]) => [['SET', a!, 'a']],
      run: (client, [a, b]) => client.call('RENAME', a!, b!),
      verify: async (client, [a, b]) => expect([await client.call('EXISTS', a!), text(await client.call('GET', b!))]).toEqual([0, 'a']),
    },
    {
      name: 'SMOVE', stats: ['smove'],
      setup: ([a, b]) => [['SADD', a!, 'm', 'n'], ['SADD', b!, 'o']],
      run: (client, [a, b]) => client.call('SMOVE', a!, b!, 'm'),
      verify: async (client, [, b], result) => expect([result, await client.call('SCARD', b!)]).toEqual([1, 2]),
    },
    {
      name: 'LMOVE', stats: ['lmove'],
      setup: ([a, b]) => [['RPUSH', a!, 'x', 'y'], ['RPUSH', b!, 'z']],
      run: (client, [a, b]) => client.call('LMOVE', a!, b!, 'LEFT', 'RIGHT'),
      verify: async (client, [, b], result) => expect([text(result), (await client.call('LRANGE', b!, 0, -1) as unknown[]).map(text)]).toEqual(['x', ['z', 'x']]),
    },
    {
      name: 'SINTERSTORE', stats: ['sinterstore'],
      setup: ([a, b]) => [['SADD', a!, '1', '2', '3'], ['SADD', b!, '2', '3', '4']],
      run: (client, [a, b, c]) => client.call('SINTERSTORE', c!, a!, b!),
      verify: async (client, [, , c], result) => expect([result, await client.call('SCARD', c!)]).toEqual([2, 2]),
    },
    {
      name: 'MULTI/EXEC', stats: ['multi', 'exec'],
      setup: () => [],
      run: (client, [a, b]) => client.multi([['SET', a!, '1'], ['INCR', b!]]),
      verify: async (_client, _keys, result) => expect((result as Array<[Error | null, unknown]>).map(([error, reply]) => [error, typeof reply === 'number' ? reply : text(reply)])).toEqual([[null, 'OK'], [null, 1]]),
    },
    {
      name: 'EVAL with 2 keys', stats: ['eval'],
      setup: () => [],
      run: (client, [a, b]) => client.call('EVAL', "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCR', KEYS[2])", 2, a!, b!, 'v'),
      verify: async (client, [a], result) => expect([result, text(await client.call('GET', a!))]).toEqual([1, 'v']),
    },
  ];

  describe('CROSSSLOT', () => {
    const fixture = useFixture(context, { cluster: 'conformance-crossslot', nodes: 3 });

    for (const [index, testCase] of cases.entries()) {
      it(`${testCase.name} across nodes fails with ERR_CROSSSLOT before anything is sent`, async () => {
        const { client, cluster } = fixture;
        const keys = keysOnDifferentNodes(cluster, `cross:${index}:`, 3);
        for (const args of testCase.setup(keys)) await client.call(...args);
        const before = await Promise.all(keys.map((key) => cluster.inspect(cluster.owner(key)).send(['DUMP', key])));
        const statsBefore = await allStats(cluster, testCase.stats);
        const error = await rejectionOf(testCase.run(client, keys));
        expect(codeOf(error), error.message).toBe('ERR_CROSSSLOT');
        expect(await allStats(cluster, testCase.stats)).toEqual(statsBefore);
        expect(await Promise.all(keys.map((key) => cluster.inspect(cluster.owner(key)).send(['DUMP', key])))).toEqual(before);
        const present = keys.filter((_, i) => before[i] !== null);
        expect(await misplacedKeys(cluster, present)).toEqual([]);
      });

      it(`${testCase.name} succeeds when the keys share a {hash tag}`, async () => {
        const { client, cluster } = fixture;
        const keys = ['a', 'b', 'c'].map((suffix) => `{cross:${index}}:${suffix}`);
        for (const args of testCase.setup(keys)) await client.call(...args);
        const result = await testCase.run(client, keys);
        await testCase.verify(client, keys, result);
        const owner = cluster.owner(keys[0]!);
        expect(keys.map((key) => cluster.owner(key))).toEqual([owner, owner, owner]);
      });
    }
  });
}
