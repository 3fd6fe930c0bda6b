import fc from 'fast-check';

/** Helpers shared by the hash tests. None of them computes an expected value. */

/** A 64-bit result `out` (low, high) as 16 hex digits, the way references print it. */
export function hex64(out: Uint32Array): string {
  return out[1]!.toString(16).padStart(8, '0') + out[0]!.toString(16).padStart(8, '0');
}

/** Halves of a 64-bit hex constant, for seeds: [low, high]. */
export function halves(hex: string): [number, number] {
  const padded = hex.padStart(16, '0');
  return [parseInt(padded.slice(8), 16), parseInt(padded.slice(0, 8), 16)];
}

export function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/**
 * `XSUM_fillTestBuffer` from cli/xsum_sanity_check.c in Cyan4973/xxHash: the input of xxHash's
 * own sanity vectors. byte[i] = top byte of PRIME32 · PRIME64^i (mod 2^64).
 */
export function xxhSanityBuffer(length: number): Uint8Array {
  const buffer = new Uint8Array(length);
  let gen = 2654435761n;
  for (let i = 0; i < length; i++) {
    buffer[i] = Number(gen >> 56n);
    gen = (gen * 11400714785074694797n) & 0xffffffffffffffffn;
  }
  return buffer;
}

/** `bytes` copied into a longer buffer whose tail is garbage, as the reused scratch buffer is. */
export function inScratch(bytes: Uint8Array, garbage = 0xa5): Uint8Array {
  const buffer = new Uint8Array(bytes.length + 67).fill(garbage);
  buffer.set(bytes);
  return buffer;
}

/**
 * Random inputs up to `maxLength` bytes, half of them up to 64 bytes long. fast-check's default
 * size would keep arrays under about ten bytes and never reach the long paths.
 */
export function anyBytes(maxLength: number): fc.Arbitrary<Uint8Array> {
  return fc.oneof(fc.uint8Array({ maxLength: Math.min(64, maxLength), size: 'max' }), fc.uint8Array({ maxLength, size: 'max' }));
}
