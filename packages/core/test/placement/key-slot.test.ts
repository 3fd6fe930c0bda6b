import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The testkit root also exports harnesses built on @shardis/engine, which core cannot depend on
// (engine depends on core); the redis-server spawner alone needs nothing from either.
import { startRedis, type RedisServer } from '../../../testkit/src/redis-server.ts';
import clusterKeySlot from 'cluster-key-slot';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.ts';
import { crc16 } from '../../src/hash/crc16.ts';
import { keySlot, SLOT_COUNT } from '../../src/placement/key-slot.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('keySlot', () => {
  it.each([
    ['123456789', 0x31c3 & 16383],
    ['', 0],
    ['foo{}{bar}', 8363],
    ['{user1000}.following', keySlot('user1000')],
    ['foo{{bar}}zap', keySlot('{bar')],
    ['{{}}', keySlot('{')],
    ['}{', keySlot(utf8('}{'))],
    ['{}', keySlot(utf8('{}'))],
  ])('%j → %i', (key, slot) => {
    expect(keySlot(key)).toBe(slot);
    expect(keySlot(utf8(key))).toBe(slot);
  });

  it('puts a string and its UTF-8 bytes in the same slot', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (key) => {
        expect(keySlot(key)).toBe(keySlot(utf8(key)));
      }),
      { numRuns: 1_000 },
    );
  });

  it('rejects what is not a key', () => {
    expect(() => keySlot(42 as unknown as string)).toThrow(InvalidArgumentError);
  });

  it('agrees with npm cluster-key-slot except on its empty-first-tag bug, where Redis is right', () => {
    // cluster-key-slot, after an empty first tag "{}", keeps looking for a later "}" and hashes
    // what lies between; Redis hashes the whole key. `foo{}{bar}`: Redis 8363, cluster-key-slot 4015.
    expect(clusterKeySlot('foo{}{bar}')).toBe(4015);
    expect(keySlot('foo{}{bar}')).toBe(8363);
    const quirk = (bytes: Uint8Array) => {
      const open = bytes.indexOf(0x7b);
      return open !== -1 && bytes[open + 1] === 0x7d && bytes.indexOf(0x7d, open + 2) !== -1;
    };
    fc.assert(
      fc.property(fc.oneof(bracey, fc.uint8Array({ maxLength: 40 })), (key) => {
        const bytes = typeof key === 'string' ? utf8(key) : key;
        // Compare bytes: cluster-key-slot encodes a lone surrogate as CESU-8, clients send U+FFFD.
        if (quirk(bytes)) expect(keySlot(key)).toBe(crc16(bytes, bytes.length) & 16383);
        else expect(keySlot(key)).toBe(clusterKeySlot(Buffer.from(bytes)));
      }),
      { numRuns: 3_000 },
    );
  });
});

/** Keys made mostly of braces, so that every tag rule gets exercised. */
const bracey = fc.string({ unit: fc.constantFrom('{', '}', '{', '}', 'a', 'b', 'é', '€', '😀', ' '), maxLength: 12 });

describe('keySlot against a real redis-server --cluster-enabled yes', () => {
  let server: RedisServer | undefined;
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shardis-keyslot-'));
    server = await startRedis({ args: ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf')] });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function redisSlots(keys: readonly (string | Uint8Array)[]): Promise<number[]> {
    const slots: number[] = [];
    // A fresh connection per command (testkit's rawCommand); 32 at a time keeps it quick.
    for (let i = 0; i < keys.length; i += 32) {
      const batch = keys.slice(i, i + 32).map(async (key) => {
        const reply = await server!.command('CLUSTER', 'KEYSLOT', typeof key === 'string' ? key : Buffer.from(key));
        const match = /^:(\d+)\r\n$/.exec(reply);
        if (match === null) throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
        return Number(match[1]);
      });
      slots.push(...(await Promise.all(batch)));
    }
    return slots;
  }

  it('equals CLUSTER KEYSLOT for 3,000 generated keys: bytes, braces, unicode, empty', async () => {
    const keys: (string | Uint8Array)[] = [
      '',
      new Uint8Array(0),
      'foo{}{bar}',
      '{}',
      '{{}}',
      '}{',
      '{user1000}.following',
      'a{b}c{d}',
      ...fc.sample(fc.uint8Array({ maxLength: 64 }), { numRuns: 1_000, seed: 1 }),
      ...fc.sample(fc.uint8Array({ maxLength: 16 }).map((bytes) => bytes.map((b) => [0x7b, 0x7d, 0x00, 0xff][b % 4]!)), { numRuns: 300, seed: 2 }),
      ...fc.sample(bracey, { numRuns: 800, seed: 3 }),
      ...fc.sample(fc.string({ unit: 'binary', maxLength: 24 }), { numRuns: 600, seed: 4 }),
      ...fc.sample(fc.string({ unit: 'grapheme', maxLength: 10 }).map((s) => `{${s}}:${s}`), { numRuns: 292, seed: 5 }),
    ];
    expect(keys.length).toBe(3_000);
    const expected = await redisSlots(keys);
    const mismatches = keys.filter((key, i) => keySlot(key) !== expected[i]);
    expect(mismatches).toEqual([]);
    expect(expected[2]).toBe(8363);
    expect(Math.max(...expected)).toBeLessThan(SLOT_COUNT);
  }, 60_000);
});
