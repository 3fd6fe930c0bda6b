import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRespDriver, startRedis, type RedisServer } from '@shardis/testkit';
import type { NodeConnection } from '../../src/port.ts';
import { restoreExpiries } from '../../src/migration/move-batch.ts';

describe('restoreExpiries: undoing the TTL stretch of a slow MIGRATE', () => {
  let server: RedisServer;
  let node: NodeConnection;

  beforeAll(async () => {
    server = await startRedis();
    node = createRespDriver().connect({ id: 'n0', url: server.url }, 'control');
  });

  afterAll(async () => {
    await node?.close();
    await server?.stop();
  });

  it('shortens a stretched expiry back to the source\'s, and leaves alone keys a client changed since', async () => {
    const at = Date.now() + 60_000;
    await node.batch([
      ['SET', 'stretched', 'v', 'PXAT', at + 1500],
      ['SET', 'rewritten', 'v', 'PXAT', at + 300_000],
      ['SET', 'shortened', 'v', 'PXAT', at - 5_000],
      ['SET', 'persisted', 'v'],
    ]);
    const expiries = ['stretched', 'rewritten', 'shortened', 'persisted', 'missing'].map((key) => ({ key: Buffer.from(key), at }));
    expect(await restoreExpiries(node, { moved: 5, bytes: 0, expiries, big: [] }, 2000)).toBe(1);
    expect(await node.batch(['stretched', 'rewritten', 'shortened', 'persisted', 'missing'].map((key) => ['PEXPIRETIME', key]))).toEqual([at, at + 300_000, at - 5_000, -1, -2]);
  });

  it('a batch faster than the tolerance is not worth a round trip: nothing is touched', async () => {
    const at = Date.now() + 60_000;
    await node.send(['SET', 'quick', 'v', 'PXAT', at + 20]);
    expect(await restoreExpiries(node, { moved: 1, bytes: 0, expiries: [{ key: Buffer.from('quick'), at }], big: [] }, 10)).toBe(0);
    expect(await node.send(['PEXPIRETIME', 'quick'])).toBe(at + 20);
  });

  it('a key whose true expiry has passed while its batch stalled expires now', async () => {
    await node.send(['SET', 'overdue', 'v', 'PX', 1000]);
    const at = Date.now() - 500;
    expect(await restoreExpiries(node, { moved: 1, bytes: 0, expiries: [{ key: Buffer.from('overdue'), at }], big: [] }, 2000)).toBe(1);
    expect(await node.send(['EXISTS', 'overdue'])).toBe(0);
  });
});
