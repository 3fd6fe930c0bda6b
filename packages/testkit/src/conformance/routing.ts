import { misplacedKeys, text } from './checks.ts';
import { useFixture } from './fixture.ts';
import type { Arg, GroupContext } from './types.ts';

interface TypeCase {
  readonly type: string;
  /** Commands that create and change the key, in order. */
  readonly write: (key: string) => Arg[][];
  /** A read through the client and what it must answer. */
  readonly read: (key: string) => Arg[];
  readonly expected: unknown;
}

const CASES: readonly TypeCase[] = [
  { type: 'string', write: (k) => [['SET', k, 'a'], ['APPEND', k, 'bc'], ['SETRANGE', k, 0, 'A']], read: (k) => ['GET', k], expected: 'Abc' },
  { type: 'counter', write: (k) => [['INCR', k], ['INCRBY', k, 41]], read: (k) => ['GET', k], expected: '42' },
  { type: 'hash', write: (k) => [['HSET', k, 'f', 'v', 'n', 1], ['HINCRBY', k, 'n', 2]], read: (k) => ['HMGET', k, 'f', 'n'], expected: ['v', '3'] },
  { type: 'list', write: (k) => [['RPUSH', k, 'b', 'c'], ['LPUSH', k, 'a']], read: (k) => ['LRANGE', k, 0, -1], expected: ['a', 'b', 'c'] },
  { type: 'set', write: (k) => [['SADD', k, 'x', 'y', 'x']], read: (k) => ['SCARD', k], expected: 2 },
  { type: 'zset', write: (k) => [['ZADD', k, 2, 'b', 1, 'a'], ['ZINCRBY', k, 5, 'a']], read: (k) => ['ZRANGE', k, 0, -1], expected: ['b', 'a'] },
  { type: 'stream', write: (k) => [['XADD', k, '1-1', 'f', 'v'], ['XADD', k, '1-2', 'f', 'w']], read: (k) => ['XLEN', k], expected: 2 },
  { type: 'bitmap', write: (k) => [['SETBIT', k, 7, 1], ['SETBIT', k, 100, 1]], read: (k) => ['BITCOUNT', k], expected: 2 },
  { type: 'hyperloglog', write: (k) => [['PFADD', k, 'a', 'b', 'c', 'a']], read: (k) => ['PFCOUNT', k], expected: 3 },
  { type: 'geo', write: (k) => [['GEOADD', k, 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania']], read: (k) => ['GEOSEARCH', k, 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'ASC'], expected: ['Catania', 'Palermo'] },
  { type: 'ttl', write: (k) => [['SET', k, 'v', 'PX', 600_000], ['PEXPIRE', k, 500_000]], read: (k) => ['EXISTS', k], expected: 1 },
];

const KEYS_PER_TYPE = 6;

/** Every data type's commands reach the key's owner, and only its owner, under the topology. */
export function routingGroup(context: GroupContext): void {
  const { test } = context;
  const { describe, it, expect } = test;
  describe('routing of every data type', () => {
    const fixture = useFixture(context, { cluster: 'conformance-routing', nodes: 3 });
    const keysOf = (type: string) => Array.from({ length: KEYS_PER_TYPE }, (_, i) => `routing:${type}:${i}`);

    it('writes of every type land on the owner only, and read back through the client', async () => {
      const { client, cluster } = fixture;
      for (const testCase of CASES) {
        for (const key of keysOf(testCase.type)) {
          for (const args of testCase.write(key)) await client.call(...args);
        }
      }
      const all = CASES.flatMap((testCase) => keysOf(testCase.type));
      // Spread over every node, or the check below proves little.
      expect(new Set(all.map((key) => cluster.owner(key))).size).toBe(cluster.topology.nodes.length);
      expect(await misplacedKeys(cluster, all)).toEqual([]);
      for (const testCase of CASES) {
        for (const key of keysOf(testCase.type)) {
          const reply = await client.call(...testCase.read(key));
          expect(Array.isArray(reply) ? reply.map(text) : typeof reply === 'number' ? reply : text(reply), `${testCase.type} ${key}`).toEqual(testCase.expected);
        }
      }
    });

    it('TTL commands act on the owner: PTTL through the client matches the owner, PERSIST clears it there', async () => {
      const { client, cluster } = fixture;
      for (const key of keysOf('ttl')) {
        const direct = Number(await cluster.inspect(cluster.owner(key)).send(['PTTL', key]));
        expect(direct).toBeGreaterThan(400_000);
        expect(Number(await client.call('PTTL', key))).toBeLessThanOrEqual(direct);
        expect(await client.call('PERSIST', key)).toBe(1);
        expect(await cluster.inspect(cluster.owner(key)).send(['PTTL', key])).toBe(-1);
      }
    });

    it('the type Redis reports for each key is the one written, read on the owner', async () => {
      const { client, cluster } = fixture;
      const redisType: Record<string, string> = { counter: 'string', bitmap: 'string', hyperloglog: 'string', geo: 'zset', ttl: 'string' };
      for (const testCase of CASES) {
        for (const key of keysOf(testCase.type)) {
          const expected = redisType[testCase.type] ?? testCase.type;
          expect(text(await client.call('TYPE', key))).toBe(expected);
          expect(text(await cluster.inspect(cluster.owner(key)).send(['TYPE', key]))).toBe(expected);
        }
      }
    });

    it('reads of a key on every node agree with a direct read of its owner', async () => {
      const { client, cluster } = fixture;
      for (const key of keysOf('string')) {
        const direct = await cluster.inspect(cluster.owner(key)).send(['GET', key]);
        expect(text(await client.call('GET', key))).toBe(text(direct));
      }
    });
  });
}
