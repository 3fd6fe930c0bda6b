import fc from 'fast-check';
import { createRequire } from 'node:module';
import { hash as refSip24 } from 'siphash';
import { describe, expect, it } from 'vitest';
import { isShardisError } from '../../src/errors.ts';
import { sipHash13, sipHash24 } from '../../src/hash/siphash.ts';
import { SIP13, SIP24 } from './fixtures/siphash-vectors.ts';
import { anyBytes, inScratch } from './support.ts';

/** The 8 tag bytes in output order (little-endian), as the vector tables list them. */
function tagHex(out: Uint32Array): string {
  return Buffer.from(new Uint8Array(out.buffer, out.byteOffset, 8)).toString('hex');
}

type SipReference = (key: Uint32Array, message: Uint8Array) => { h: number; l: number };
// The package's SipHash-1-3 is a separate CommonJS file beside a .ts source that does not compile
// under our settings, so it is loaded with require rather than resolved by TypeScript.
const refSip13 = (createRequire(import.meta.url)('siphash/lib/siphash13.js') as { hash: SipReference }).hash;

const KEY = Uint8Array.from({ length: 16 }, (_, i) => i);
const MESSAGE = Uint8Array.from({ length: 64 }, (_, i) => i);

describe.each([
  ['SipHash-2-4', sipHash24, SIP24, refSip24, 'siphash24'],
  ['SipHash-1-3', sipHash13, SIP13, refSip13, 'siphash13'],
] as const)('%s', (_title, make, vectors, reference, name) => {
  const out = new Uint32Array(2);

  it.each(vectors.map((expected, length) => ({ length, expected })))('message of $length bytes → $expected', ({ length, expected }) => {
    make(KEY).hash64(inScratch(MESSAGE.subarray(0, length)), length, out);
    expect(tagHex(out)).toBe(expected);
  });

  it('agrees with the siphash package (jedisct1) on random keys and inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), anyBytes(300), (key, bytes) => {
        const words = new Uint32Array(key.buffer.slice(key.byteOffset, key.byteOffset + 16));
        const expected = reference(words, bytes);
        make(key).hash64(inScratch(bytes), bytes.length, out);
        expect([out[1], out[0]]).toEqual([expected.h >>> 0, expected.l >>> 0]);
      }),
      { numRuns: 200 },
    );
  });

  it(`is named ${name}; hash32 is the low half of the tag; the key is copied`, () => {
    const key = KEY.slice();
    const hasher = make(key);
    key.fill(0);
    hasher.hash64(MESSAGE, 15, out);
    expect(hasher.name).toBe(name);
    expect(tagHex(out)).toBe(vectors[15]);
    expect(hasher.hash32(MESSAGE, 15)).toBe(out[0]);
  });

  it('rejects a key that is not 16 bytes, without showing it', () => {
    for (const key of [new Uint8Array(15).fill(0xab), new Uint8Array(17).fill(0xab), 'abababababababababababababababab']) {
      let caught: unknown;
      try {
        make(key as Uint8Array);
      } catch (error) {
        caught = error;
      }
      expect(isShardisError(caught)).toBe(true);
      expect((caught as { code: string }).code).toBe('ERR_INVALID_ARGUMENT');
      expect((caught as Error).message).not.toMatch(/ab|171/i);
    }
  });
});
