/**
 * The one contract of the hashes suite: a hash function from some implementation (shardis's pure
 * TypeScript, a native addon, WebAssembly, node:crypto, node:zlib), loaded once.
 */
export interface HashFunctions {
  /** Hashes `input`; the result only keeps the call from being optimised away. */
  bytes(input: Uint8Array): unknown;
  /**
   * Hashes a string key the way a client does on every command: UTF-8 encoding included (and,
   * for shardis, the hash-tag scan of `KeyHasher`). Absent when the implementation takes no string.
   */
  key?(key: string): unknown;
  /** The result as lowercase hex in the byte order of `HashContender.output`, for the agreement check. */
  digest(input: Uint8Array): string;
}

export type HashOrigin = 'shardis (pure TS)' | 'native (N-API)' | 'WebAssembly' | 'node:crypto' | 'node:zlib';

export interface HashContender {
  readonly name: string;
  readonly origin: HashOrigin;
  /**
   * What `digest` returns, e.g. `xxh64` (64-bit value, hex) or `md5[0..8)` (first 8 digest bytes).
   * Contenders with the same `output` must agree on every input: checked before timing.
   */
  readonly output: string;
  load(): Promise<HashFunctions>;
}

export function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

export function hex64(value: bigint): string {
  return BigInt.asUintN(64, value).toString(16).padStart(16, '0');
}

export function hexBytes(bytes: Uint8Array, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += bytes[i]!.toString(16).padStart(2, '0');
  return text;
}
