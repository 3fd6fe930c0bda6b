import { RESP_TYPES } from '@redis/client';
import { afterAll, beforeAll, expect, expectTypeOf, it } from 'vitest';
import { createShardedClient, type ShardedClientType } from '../src/index.ts';
import { startCluster, type TestCluster } from './cluster.ts';

const BUFFERS = { [RESP_TYPES.BLOB_STRING]: Buffer } as const;
/** Bytes that are not UTF-8: any text decoding on the way would change them. */
const binary = (tag: number) => Buffer.from([0xff, 0xfe, 0x00, tag, 0x80, 0xc3]);

let cluster: TestCluster;
let client: ShardedClientType;

beforeAll(async () => {
  cluster = await startCluster('replies');
  client = await createShardedClient({ cluster: 'replies', seeds: [cluster.nodes[2]!.url] }).connect();
});
afterAll(async () => {
  await client?.close();
  await cluster?.stop();
});

it('binary keys and values round-trip byte for byte and live on their owner', async () => {
  const keys = Array.from({ length: 12 }, (_, i) => binary(i));
  expect(new Set(keys.map((key) => cluster.owner(key))).size).toBe(3);
  for (const [i, key] of keys.entries()) await client.set(key, binary(100 + i));
  const buffers = client.withTypeMapping(BUFFERS);
  for (const [i, key] of keys.entries()) {
    expect(await buffers.get(key)).toEqual(binary(100 + i));
    const owner = cluster.direct.get(cluster.owner(key))!.withTypeMapping(BUFFERS);
    expect(await owner.get(key)).toEqual(binary(100 + i));
    expect(await cluster.holders(key)).toEqual([cluster.owner(key)]);
  }
  expect(await buffers.mGet(keys)).toEqual(keys.map((_, i) => binary(100 + i)));
});

it('withTypeMapping returns Buffers (typed so) and leaves the client as it was', async () => {
  await client.hSet('tm:hash', { field: 'value' });
  const buffers = client.withTypeMapping(BUFFERS);
  const value = await buffers.hGet('tm:hash', 'field');
  expect(value).toEqual(Buffer.from('value'));
  expectTypeOf(value).toEqualTypeOf<Buffer | null>();
  const all = await buffers.hGetAll('tm:hash');
  expect(all['field']).toEqual(Buffer.from('value'));
  expect(await client.hGet('tm:hash', 'field')).toBe('value');
  const batches: Buffer[][] = [];
  for await (const batch of buffers.scanIterator({ MATCH: 'tm:*' })) batches.push(batch);
  expect(batches.flat()).toEqual([Buffer.from('tm:hash')]);
  const [reply] = await buffers.multi().hGet('tm:hash', 'field').exec();
  expect(reply).toEqual(Buffer.from('value'));
});

it('commandOptions.typeMapping applies to every command of a client', async () => {
  const buffered = await createShardedClient({ cluster: 'replies', seeds: [cluster.nodes[0]!.url], commandOptions: { typeMapping: BUFFERS } }).connect();
  try {
    await buffered.set('tm:string', 'text');
    const value = await buffered.get('tm:string');
    expectTypeOf(value).toEqualTypeOf<Buffer | null>();
    expect(value).toEqual(Buffer.from('text'));
    expect(await buffered.lRange('tm:none', 0, -1)).toEqual([]);
    expect(await buffered.incr('tm:counter')).toBe(1);
    expect(await buffered.set('tm:string', 'x')).toBe('OK');
  } finally {
    await buffered.close();
  }
});

it('numbers as strings with { [RESP_TYPES.NUMBER]: String }, as node-redis does', async () => {
  const strings = client.withTypeMapping({ [RESP_TYPES.NUMBER]: String });
  expect(await strings.incr('tm:n')).toBe('1');
  expect(await client.incr('tm:n')).toBe(2);
});
