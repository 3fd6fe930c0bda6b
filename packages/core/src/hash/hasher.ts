/**
 * A hash function over bytes. Implementations are pure and synchronous: lookups are a hot path,
 * so a native or WASM hasher is injected at construction time, never imported lazily.
 *
 * Both widths are required so that every placement algorithm accepts every hasher. Where an
 * algorithm is natively 32-bit, `hash64` is documented by the hasher (for example CRC32 puts the
 * value in the low half and zero in the high half).
 */
export interface Hasher {
  /** Stable name, stored in topologies so that every client hashes alike, e.g. `"xxhash64"`. */
  readonly name: string;
  /** Unsigned 32-bit hash of `bytes[0, length)`. */
  hash32(bytes: Uint8Array, length: number): number;
  /** 64-bit hash of `bytes[0, length)`, written as unsigned halves: `out[0]` low, `out[1]` high. */
  hash64(bytes: Uint8Array, length: number, out: Uint32Array): void;
  /**
   * Optional fast path: the same 64-bit hash of `text[start, end)` read straight from the string,
   * when every character is ASCII (one byte each). Returns false, having written nothing that
   * matters, for any other text, and the caller encodes it to UTF-8 and calls `hash64`.
   */
  hash64Ascii?(text: string, start: number, end: number, out: Uint32Array): boolean;
  /** Optional fast path for `hash32`, likewise: the hash, or -1 when the text is not all ASCII. */
  hash32Ascii?(text: string, start: number, end: number): number;
}
