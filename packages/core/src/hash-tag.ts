import { indexOf } from './strings.ts';
/**
 * Redis Cluster's hash-tag rule, byte for byte (`keyHashSlot` in redis/src/cluster.c): the tag is
 * what lies between the first `{` and the first `}` after it, and only when that is non-empty;
 * otherwise the whole key is hashed. `foo{}{bar}` hashes whole, because its first `{` opens an
 * empty tag: Redis does not look for a later one (npm `cluster-key-slot` does, and is wrong).
 */

const OPEN = 0x7b; // '{'
const CLOSE = 0x7d; // '}'

/** Start and end (exclusive) of the part of a string key that is hashed. */
export interface TagRange {
  start: number;
  end: number;
}

/**
 * Returns `start` and writes the end into `range`. Strings are searched by UTF-16 index: `{` and
 * `}` are ASCII, and no other code point's UTF-8 bytes contain 0x7B or 0x7D, so the tag's bytes
 * are exactly the UTF-8 bytes of the substring.
 */
export function stringTag(key: string, range: TagRange): void {
  const open = indexOf(key, '{', 0);
  if (open !== -1) {
    const close = indexOf(key, '}', open + 1);
    if (close > open + 1) {
      range.start = open + 1;
      range.end = close;
      return;
    }
  }
  range.start = 0;
  range.end = key.length;
}

export function bytesTag(key: Uint8Array, range: TagRange): void {
  const open = key.indexOf(OPEN);
  if (open !== -1) {
    const close = key.indexOf(CLOSE, open + 1);
    if (close > open + 1) {
      range.start = open + 1;
      range.end = close;
      return;
    }
  }
  range.start = 0;
  range.end = key.length;
}

/** The hash tag of a key, or `undefined` when the whole key is hashed. */
export function hashTag(key: string): string | undefined;
export function hashTag(key: Uint8Array): Uint8Array | undefined;
export function hashTag(key: string | Uint8Array): string | Uint8Array | undefined {
  const range: TagRange = { start: 0, end: 0 };
  if (typeof key === 'string') {
    stringTag(key, range);
    return range.start === 0 && range.end === key.length ? undefined : key.slice(range.start, range.end);
  }
  bytesTag(key, range);
  return range.start === 0 && range.end === key.length ? undefined : key.subarray(range.start, range.end);
}
