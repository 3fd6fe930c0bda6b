import { bytesTag, stringTag, type TagRange } from '../hash-tag.ts';
import { encodeUtf8, scratchBuffer, type Key } from '../key.ts';
import type { Hasher } from './hasher.ts';

/**
 * Hashes keys, not bytes: applies the hash-tag rule and UTF-8 encoding once, without allocating,
 * then calls the byte hasher. Every placement algorithm goes through one of these, so tags and
 * encoding behave the same everywhere.
 */
export class KeyHasher {
  readonly hasher: Hasher;
  readonly hashTags: boolean;
  /** Low and high halves of the last `hash64` result. */
  lo = 0;
  hi = 0;
  private readonly out = new Uint32Array(2);
  private readonly range: TagRange = { start: 0, end: 0 };

  constructor(hasher: Hasher, hashTags: boolean) {
    this.hasher = hasher;
    this.hashTags = hashTags;
  }

  hash32(key: Key): number {
    if (typeof key === 'string') {
      const hasher = this.hasher;
      const { start, end } = this.stringRange(key);
      if (hasher.hash32Ascii !== undefined) {
        const hash = hasher.hash32Ascii(key, start, end);
        if (hash >= 0) return hash;
      }
      const length = encodeUtf8(key, start, end);
      return hasher.hash32(scratchBuffer(), length);
    }
    const bytes = this.tagBytes(key);
    return this.hasher.hash32(bytes, bytes.length);
  }

  /** Hashes to 64 bits; read the result from `lo` and `hi`. */
  hash64(key: Key): void {
    const out = this.out;
    if (typeof key === 'string') {
      const hasher = this.hasher;
      const { start, end } = this.stringRange(key);
      // Most keys are ASCII: hash them from the string itself, without copying them to bytes.
      if (hasher.hash64Ascii === undefined || !hasher.hash64Ascii(key, start, end, out)) {
        // Encode first: a long key replaces the scratch buffer.
        const length = encodeUtf8(key, start, end);
        hasher.hash64(scratchBuffer(), length, out);
      }
    } else {
      const bytes = this.tagBytes(key);
      this.hasher.hash64(bytes, bytes.length, out);
    }
    this.lo = out[0]!;
    this.hi = out[1]!;
  }

  /** The 64-bit hash as a BigInt: for tests and tools, never for lookups. */
  hash64BigInt(key: Key): bigint {
    this.hash64(key);
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** The part of a string key that is hashed: its hash tag, or the whole key. */
  private stringRange(key: string): TagRange {
    const range = this.range;
    if (this.hashTags) {
      stringTag(key, range);
    } else {
      range.start = 0;
      range.end = key.length;
    }
    return range;
  }

  private tagBytes(key: Uint8Array): Uint8Array {
    if (!this.hashTags) return key;
    bytesTag(key, this.range);
    return this.range.start === 0 && this.range.end === key.length ? key : key.subarray(this.range.start, this.range.end);
  }
}
