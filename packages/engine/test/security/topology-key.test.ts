import { createHash, createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TopologyKeyring, topologyKeyId } from '../../src/security/topology-key.ts';

const KEY = 'k'.repeat(16) + '-first-key-0123';
const OTHER = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const message = Buffer.from('shardis/state/v1\n{}');

describe('TopologyKeyring', () => {
  it('names a key by the first 8 hex digits of its SHA-256, strings as their UTF-8 bytes', () => {
    expect(topologyKeyId(KEY)).toBe(createHash('sha256').update(Buffer.from(KEY, 'utf8')).digest('hex').slice(0, 8));
    expect(topologyKeyId(OTHER)).toBe(createHash('sha256').update(OTHER).digest('hex').slice(0, 8));
    expect(TopologyKeyring.from([KEY, OTHER]).keyIds).toEqual([topologyKeyId(KEY), topologyKeyId(OTHER)]);
  });

  it('signs with the first key: v1:<key id>:<HMAC-SHA256 in hex>', () => {
    const signature = TopologyKeyring.from([KEY, OTHER]).sign(message);
    expect(signature).toBe(`v1:${topologyKeyId(KEY)}:${createHmac('sha256', Buffer.from(KEY)).update(message).digest('hex')}`);
  });

  it('verifies with every key (rotation), and tells unsigned, malformed, unknown and bad signatures apart', () => {
    const old = TopologyKeyring.from(OTHER);
    const both = TopologyKeyring.from([KEY, OTHER]);
    const byOld = old.sign(message);
    expect(both.check(message, byOld)).toBe('valid');
    expect(old.check(message, both.sign(message))).toBe('unknown-key');
    expect(both.check(Buffer.from('shardis/state/v1\n{"a":"b"}'), byOld)).toBe('bad-signature');
    expect(both.check(message, undefined)).toBe('unsigned');
    expect(both.check(message, '')).toBe('unsigned');
    expect(both.check(message, byOld.toUpperCase())).toBe('malformed');
    expect(both.check(message, `${byOld}0`)).toBe('malformed');
    expect(both.check(message, `v2${byOld.slice(2)}`)).toBe('malformed');
  });

  it('any other signature string is refused, never thrown on', () => {
    const keyring = TopologyKeyring.from(KEY);
    const good = keyring.sign(message);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 2000 }), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }).map((hex) => `v1:${keyring.signingKeyId}:${hex}`)), (signature) => {
        fc.pre(signature !== good);
        expect(keyring.check(message, signature)).not.toBe('valid');
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses weak or missing keys without quoting them', () => {
    for (const bad of ['short-secret', Buffer.alloc(15), [], [KEY, 'tiny'], 42, [null]] as unknown[]) {
      const error = (() => {
        try {
          TopologyKeyring.from(bad as string);
        } catch (caught) {
          return caught as Error & { code?: string };
        }
        return undefined;
      })();
      expect(error?.code).toBe('ERR_INVALID_ARGUMENT');
      expect(error?.message).not.toContain('short-secret');
      expect(error?.message).not.toContain('tiny');
    }
  });

  it('shows key ids, never key bytes, when printed', () => {
    const keyring = TopologyKeyring.from([KEY, OTHER]);
    const shown = `${inspect(keyring, { depth: 10, showHidden: true })} ${JSON.stringify(keyring)} ${String(Object.values(keyring))}`;
    expect(shown).toContain(topologyKeyId(KEY));
    expect(shown).not.toContain(KEY);
    expect(shown).not.toContain(OTHER.toString('hex'));
  });
});
