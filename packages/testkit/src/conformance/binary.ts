import { randomBytes } from 'node:crypto';
import { useFixture } from './fixture.ts';
import type { GroupContext } from './types.ts';

/** Keys made of bytes that are not UTF-8, and braces for hash tags. */
function binaryKeys(): Buffer[] {
  const keys: Buffer[] = [
    Buffer.from([0xff, 0xfe, 0x00, 0x80]),
    Buffer.from([0xc3, 0x28, 0x7b, 0x7d]),
    Buffer.from([0x7b, 0xff, 0x01, 0x7d, 0x61]),
    Buffer.from([0x7b, 0xff, 0x01, 0x7d, 0x62]),
    Buffer.from([0x7b, 0x7d, 0x7b, 0x80, 0x7d]),
    Buffer.from([0x7b, 0xe2, 0x82]),
  ];
  for (let i = 0; i < 30; i++) keys.push(Buffer.concat([Buffer.from([0xf0, i]), randomBytes(12)]));
  return keys;
}

/** Binary keys and values round-trip and live on the node computed from their bytes. */
export function binaryGroup(context: GroupContext): void {
  const { describe, it, expect } = context.test;
  describe('binary keys and values', () => {
    const fixture = useFixture(context, { cluster: 'conformance-binary', nodes: 3 });
    const keys = binaryKeys();
    const values = keys.map(() => Buffer.concat([Buffer.from([0xff, 0x00, 0xfe]), randomBytes(32)]));

    it('SET/GET round-trip byte for byte, and each key is on its owner only', async () => {
      const { client, cluster } = fixture;
      for (const [i, key] of keys.entries()) await client.call('SET', key, values[i]!);
      expect(new Set(keys.map((key) => cluster.owner(key))).size).toBe(3);
      for (const [i, key] of keys.entries()) {
        const got = await client.callBuffer('GET', key);
        expect(Buffer.isBuffer(got) && got.equals(values[i]!), `value of ${key.toString('hex')}`).toBe(true);
        const owner = cluster.owner(key);
        for (const node of cluster.topology.nodes) {
          expect(await cluster.inspect(node.id).send(['EXISTS', key]), `${key.toString('hex')} on ${node.id} (owner ${owner})`).toBe(node.id === owner ? 1 : 0);
        }
      }
    });

    it('a hash tag made of non-UTF-8 bytes keeps its keys together', async () => {
      const { client, cluster } = fixture;
      const [a, b] = [keys[2]!, keys[3]!];
      expect(cluster.owner(a)).toBe(cluster.owner(b));
      expect(await client.call('RENAME', a, Buffer.concat([b, Buffer.from('-renamed')]))).toBeTruthy();
      const renamed = Buffer.concat([b, Buffer.from('-renamed')]);
      const got = await client.callBuffer('GET', renamed);
      expect(Buffer.isBuffer(got) && got.equals(values[2]!)).toBe(true);
      expect(await cluster.inspect(cluster.owner(renamed)).send(['EXISTS', renamed])).toBe(1);
    });

    it('MGET over binary keys on several nodes answers Buffers in order', async () => {
      const { client } = fixture;
      const chosen = keys.slice(6, 20).reverse();
      const got = (await client.callBuffer('MGET', ...chosen)) as unknown[];
      expect(got.map((value) => (Buffer.isBuffer(value) ? value.toString('hex') : value))).toEqual(chosen.map((key) => values[keys.indexOf(key)]!.toString('hex')));
    });

    it('DEL over binary keys removes them from their owners', async () => {
      const { client, cluster } = fixture;
      const chosen = keys.slice(6);
      expect(await client.call('DEL', ...chosen)).toBe(chosen.length);
      for (const node of cluster.topology.nodes) {
        for (const key of chosen) expect(await cluster.inspect(node.id).send(['EXISTS', key])).toBe(0);
      }
    });
  });
}
