import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, isShardisError } from '../../src/errors.ts';
import type { Hasher } from '../../src/hash/hasher.ts';
import { sipHash24 } from '../../src/hash/siphash.ts';
import { DEFAULT_HASH, builtinHashNames, isKeyedHash, resolveHasher } from '../../src/hash/registry.ts';
import { SIP24 } from './fixtures/siphash-vectors.ts';

const REFERENCE_KEY_HEX = '000102030405060708090a0b0c0d0e0f';

function thrown(call: () => unknown): Error & { code?: string; argument?: string } {
  try {
    call();
  } catch (error) {
    expect(isShardisError(error)).toBe(true);
    return error as Error & { code?: string; argument?: string };
  }
  throw new Error('expected a throw');
}

const custom: Hasher = { name: 'mine', hash32: () => 1, hash64: (_b, _l, out) => out.fill(1) };

describe('resolveHasher', () => {
  it('lists every built-in hash', () => {
    expect(builtinHashNames().sort()).toEqual(
      ['city32', 'city64', 'crc16', 'crc32', 'fnv1a', 'md5', 'murmur3', 'murmur3x86', 'sha1', 'siphash13', 'siphash24', 'xxh3', 'xxhash64'].sort(),
    );
    expect(builtinHashNames()).toContain(DEFAULT_HASH);
  });

  it('gives the default for undefined, the named hasher for a name, and a Hasher object back unchanged', () => {
    expect(resolveHasher(undefined).name).toBe(DEFAULT_HASH);
    for (const name of builtinHashNames().filter((n) => !isKeyedHash(n))) expect(resolveHasher(name).name).toBe(name);
    expect(resolveHasher(custom)).toBe(custom);
  });

  it('finds user hashers by name in extra, also when passed as a bare array', () => {
    expect(resolveHasher('mine', { extra: [custom] })).toBe(custom);
    expect(resolveHasher('mine', [custom])).toBe(custom);
    expect(resolveHasher('xxh3', [custom]).name).toBe('xxh3');
  });

  it('throws UnknownHashError for an unknown name and InvalidArgumentError for a malformed Hasher', () => {
    const unknown = thrown(() => resolveHasher('md6'));
    expect(unknown.code).toBe('ERR_UNKNOWN_HASH');
    expect(unknown.message).toContain('xxh3');
    const malformed = thrown(() => resolveHasher({ name: 'x', hash32: () => 0 } as unknown as Hasher));
    expect(malformed).toBeInstanceOf(InvalidArgumentError);
    expect(malformed.argument).toBe('options.hash');
  });

  it('builds a keyed hash from a name and a 32-hex-digit seed (the key bytes in order)', () => {
    const hasher = resolveHasher('siphash24', { seed: REFERENCE_KEY_HEX });
    const message = Uint8Array.from({ length: 64 }, (_, i) => i);
    const out = new Uint32Array(2);
    hasher.hash64(message, 63, out);
    expect(Buffer.from(out.buffer).toString('hex')).toBe(SIP24[63]);
    expect(resolveHasher('siphash13', { seed: REFERENCE_KEY_HEX.toUpperCase() }).name).toBe('siphash13');
    expect(isKeyedHash('siphash24') && isKeyedHash('siphash13') && !isKeyedHash('xxh3')).toBe(true);
  });

  const SECRET = 'c0ffee00c0ffee00c0ffee00c0ffee0';
  it.each([
    ['no seed', undefined],
    ['31 hex digits', SECRET],
    ['33 hex digits', `${SECRET}00`],
    ['a non-hex digit', `${SECRET}g`],
    ['a 0x prefix', `0x${SECRET}`],
    ['an empty string', ''],
  ])('rejects a keyed hash with %s, naming hashSeed and never quoting the seed', (_case, seed) => {
    const error = thrown(() => resolveHasher('siphash24', { seed }));
    expect(error.code).toBe('ERR_INVALID_ARGUMENT');
    expect(error.argument).toBe('hashSeed');
    expect(error.message).not.toContain('c0ffee');
  });

  it('rejects a seed given to an unkeyed hash, by name, by default or as an object', () => {
    const seed = 'c0ffee00c0ffee00c0ffee00c0ffee00';
    for (const hash of ['xxh3', undefined, custom, 'mine']) {
      const error = thrown(() => resolveHasher(hash, { seed, extra: [custom] }));
      expect(error.argument).toBe('hashSeed');
      expect(error.message).not.toContain('c0ffee');
    }
  });

  it('accepts a keyed Hasher object with a well-formed seed beside it, and checks that seed', () => {
    const hasher = sipHash24(new Uint8Array(16));
    expect(resolveHasher(hasher, { seed: REFERENCE_KEY_HEX })).toBe(hasher);
    expect(thrown(() => resolveHasher(hasher, { seed: 'zz' })).argument).toBe('hashSeed');
  });
});
