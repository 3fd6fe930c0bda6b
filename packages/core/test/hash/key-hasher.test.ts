import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashTag } from '../../src/hash-tag.ts';
import { KeyHasher } from '../../src/hash/key-hasher.ts';
import { resolveHasher } from '../../src/hash/registry.ts';

/** Every kind of string a key can be: ASCII, braces, astral graphemes, and lone surrogates. */
const anyKey: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('a', 'b', '{', '}', 'é', '€', '😀', '\ud800', '\udfff', '\u0000'), maxLength: 40 }),
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes)),
);

/** What ioredis and node-redis put on the wire for a string key. */
function utf8(key: string): Uint8Array {
  return Buffer.from(key, 'utf8');
}

/** The bytes Redis Cluster hashes: the tag's bytes if there is one, else the whole key's. */
function taggedBytes(key: string): Uint8Array {
  return utf8(hashTag(key) ?? key);
}

describe.each(['xxh3', 'murmur3x86', 'md5', 'crc16'])('KeyHasher over %s', (name) => {
  const hasher = resolveHasher(name);
  const out = new Uint32Array(2);
  const direct = (bytes: Uint8Array): [number, number, number] => {
    hasher.hash64(bytes, bytes.length, out);
    return [out[0]!, out[1]!, hasher.hash32(bytes, bytes.length)];
  };
  const viaKeyHasher = (keyHasher: KeyHasher, key: string | Uint8Array): [number, number, number] => {
    keyHasher.hash64(key);
    return [keyHasher.lo, keyHasher.hi, keyHasher.hash32(key)];
  };

  it('hashes a string exactly as its UTF-8 bytes (lone surrogates as U+FFFD), tags off', () => {
    const keyHasher = new KeyHasher(hasher, false);
    fc.assert(
      fc.property(anyKey, (key) => {
        const bytes = utf8(key);
        expect(viaKeyHasher(keyHasher, key)).toEqual(direct(bytes));
        expect(viaKeyHasher(keyHasher, bytes)).toEqual(direct(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('applies hash tags when hashTags is true, to strings and bytes alike', () => {
    const keyHasher = new KeyHasher(hasher, true);
    fc.assert(
      fc.property(anyKey, (key) => {
        const expected = direct(taggedBytes(key));
        expect(viaKeyHasher(keyHasher, key)).toEqual(expected);
        expect(viaKeyHasher(keyHasher, utf8(key))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('hashes the whole key, braces and all, when hashTags is false', () => {
    const on = new KeyHasher(hasher, true);
    const off = new KeyHasher(hasher, false);
    expect(viaKeyHasher(on, '{user1000}.following')).toEqual(direct(utf8('user1000')));
    expect(viaKeyHasher(off, '{user1000}.following')).toEqual(direct(utf8('{user1000}.following')));
    expect(viaKeyHasher(on, 'foo{}{bar}')).toEqual(direct(utf8('foo{}{bar}')));
  });

  it('handles keys far beyond the 1 KiB scratch buffer (1 MB), ASCII and not', () => {
    const keyHasher = new KeyHasher(hasher, true);
    const ascii = 'k'.repeat(1_000_000);
    const mixed = `${'é€😀x'.repeat(100_000)}\ud800`;
    for (const key of [ascii, mixed, `${ascii}{tag}`]) {
      expect(viaKeyHasher(keyHasher, key)).toEqual(direct(taggedBytes(key)));
    }
    // The scratch buffer grew; a short key afterwards still hashes only its own bytes.
    expect(viaKeyHasher(keyHasher, 'user:1:profile')).toEqual(direct(utf8('user:1:profile')));
  });

  it('hashes empty keys as empty input', () => {
    for (const hashTags of [true, false]) {
      const keyHasher = new KeyHasher(hasher, hashTags);
      expect(viaKeyHasher(keyHasher, '')).toEqual(direct(new Uint8Array(0)));
      expect(viaKeyHasher(keyHasher, new Uint8Array(0))).toEqual(direct(new Uint8Array(0)));
    }
  });

  it('hash64BigInt joins the halves', () => {
    const keyHasher = new KeyHasher(hasher, false);
    const [lo, hi] = direct(utf8('user:42:profile'));
    expect(keyHasher.hash64BigInt('user:42:profile')).toBe((BigInt(hi) << 32n) | BigInt(lo));
  });
});
