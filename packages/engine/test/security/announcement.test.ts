import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAnnouncement, readAnnouncement } from '../../src/security/announcement.ts';
import { TopologyKeyring, topologyKeyId } from '../../src/security/topology-key.ts';
import { CheckScheduler, HINT_INTERVAL_MS } from '../../src/topology/watcher.ts';

const KEY = 'announcement-test-key-0123456789';
const keyring = TopologyKeyring.from(KEY);
const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('announcements', () => {
  it('unsigned: the revision in decimal, as every version has published', () => {
    expect(formatAnnouncement('c1', 42)).toBe('42');
    expect(readAnnouncement(bytes('42'), 'c1')).toBe(42);
    expect(readAnnouncement(bytes('42'), 'c1', { after: 42 })).toBeUndefined();
  });

  it('signed: "<revision> v1:<key id>:<HMAC over shardis/announce/v1\\n<cluster>\\n<revision>>"', () => {
    const hex = createHmac('sha256', Buffer.from(KEY)).update('shardis/announce/v1\nc1\n42').digest('hex');
    expect(formatAnnouncement('c1', 42, keyring)).toBe(`42 v1:${topologyKeyId(KEY)}:${hex}`);
    expect(readAnnouncement(bytes(formatAnnouncement('c1', 42, keyring)), 'c1', { keyring })).toBe(42);
    // A client without the key still takes the hint.
    expect(readAnnouncement(bytes(formatAnnouncement('c1', 42, keyring)), 'c1')).toBe(42);
  });

  it('with a key: unsigned, forged, other-cluster, replayed and bumped announcements are ignored', () => {
    const signed = formatAnnouncement('c1', 42, keyring);
    expect(readAnnouncement(bytes('43'), 'c1', { keyring })).toBeUndefined();
    expect(readAnnouncement(bytes(formatAnnouncement('c2', 42, keyring)), 'c1', { keyring })).toBeUndefined();
    expect(readAnnouncement(bytes(signed), 'c1', { keyring, after: 42 })).toBeUndefined();
    expect(readAnnouncement(bytes(signed.replace(/^42/, '43')), 'c1', { keyring })).toBeUndefined();
    const stranger = TopologyKeyring.from('another-key-altogether-0123456789');
    expect(readAnnouncement(bytes(formatAnnouncement('c1', 42, stranger)), 'c1', { keyring })).toBeUndefined();
  });

  it('random payloads: a revision or nothing, never a throw; with a key, always nothing', () => {
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ maxLength: 120 }).map(bytes),
      fc.tuple(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.string({ maxLength: 80 })).map(([n, tail]) => bytes(`${n}${tail}`)),
    );
    fc.assert(
      fc.property(payload, (message) => {
        const revision = readAnnouncement(message, 'c1');
        expect(revision === undefined || (Number.isSafeInteger(revision) && revision > 0)).toBe(true);
        expect(readAnnouncement(message, 'c1', { keyring })).toBeUndefined();
      }),
      { numRuns: 5000 },
    );
  });
});

describe('pub/sub hints are rate-limited', () => {
  it('a flood of hints starts at most one check per interval', async () => {
    let checks = 0;
    const scheduler = new CheckScheduler(async () => void checks++, 60_000, () => undefined);
    const started = Date.now();
    while (Date.now() - started < 500) {
      for (let i = 0; i < 1000; i++) scheduler.hint();
      await sleep(1);
    }
    await sleep(HINT_INTERVAL_MS + 20);
    scheduler.stop();
    const elapsed = Date.now() - started;
    expect(checks).toBeGreaterThanOrEqual(2);
    expect(checks).toBeLessThanOrEqual(Math.ceil(elapsed / HINT_INTERVAL_MS) + 1);
  });

  it('a single hint is acted on at once', async () => {
    let checks = 0;
    const scheduler = new CheckScheduler(async () => void checks++, 60_000, () => undefined);
    scheduler.hint();
    await sleep(5);
    expect(checks).toBe(1);
    scheduler.stop();
  });
});
