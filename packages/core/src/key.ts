import { charCodeAt } from './strings.ts';
/**
 * A key as Redis stores it. Strings are hashed as their UTF-8 bytes (what ioredis and node-redis
 * put on the wire, lone surrogates becoming U+FFFD), so a string key and its `Uint8Array` encoding
 * always land on the same node.
 */
export type Key = string | Uint8Array;

const textEncoder = new TextEncoder();

/**
 * Reusable scratch space: hashing never allocates for keys of ordinary size. Safe because
 * hashing is synchronous and JavaScript runs one call at a time on a thread.
 */
let scratch = new Uint8Array(1024);

/** The shared scratch buffer after the last `encodeUtf8` call. */
export function scratchBuffer(): Uint8Array {
  return scratch;
}

/**
 * Writes the UTF-8 bytes of `text[start, end)` into the scratch buffer and returns their count.
 * ASCII, the common case for keys, is copied by a plain loop; anything else goes to TextEncoder.
 */
export function encodeUtf8(text: string, start: number, end: number): number {
  const length = end - start;
  if (length * 3 > scratch.length) scratch = new Uint8Array(Math.max(length * 3, scratch.length * 2));
  const buffer = scratch;
  for (let i = 0; i < length; i++) {
    const code = charCodeAt(text, start + i);
    if (code >= 0x80) return encodeUtf8Slow(text, start, end);
    buffer[i] = code;
  }
  return length;
}

function encodeUtf8Slow(text: string, start: number, end: number): number {
  const part = start === 0 && end === text.length ? text : text.slice(start, end);
  return textEncoder.encodeInto(part, scratch).written;
}

/** A fresh UTF-8 copy of a key (for callers that keep bytes, never for the hot path). */
export function keyToBytes(key: Key): Uint8Array {
  return typeof key === 'string' ? textEncoder.encode(key) : key;
}
