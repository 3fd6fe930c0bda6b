import type { Hasher } from './hasher.ts';

/**
 * FNV-1a (Fowler–Noll–Vo), 32- and 64-bit, as specified in draft-eastlake-fnv. The 64-bit
 * product is computed on 16-bit limbs so it never leaves exact double arithmetic.
 */
export function fnv1a32(bytes: Uint8Array, length: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < length; i++) {
    hash ^= bytes[i]!;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

// 64-bit offset basis 0xcbf29ce484222325, prime 0x00000100000001b3 = 2^40 + 0x1b3.
export function fnv1a64(bytes: Uint8Array, length: number, out: Uint32Array): void {
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < length; i++) {
    h0 ^= bytes[i]!;
    // h * 0x1b3 + (h << 40)
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3;
    const t2 = h2 * 0x1b3 + (h0 << 8);
    const t3 = h3 * 0x1b3 + (h1 << 8);
    h0 = t0 & 0xffff;
    const c1 = t1 + (t0 >>> 16);
    h1 = c1 & 0xffff;
    const c2 = t2 + (c1 >>> 16);
    h2 = c2 & 0xffff;
    h3 = (t3 + (c2 >>> 16)) & 0xffff;
  }
  out[0] = (h1 << 16) | h0;
  out[1] = (h3 << 16) | h2;
}

/**
 * The `fnv1a` hasher: `hash32` is FNV-1a 32 and `hash64` is FNV-1a 64, two functions rather than
 * one truncated. Fast on short keys but weak: low bits avalanche poorly, so it is not the default.
 */
export const fnv1aHasher: Hasher = {
  name: 'fnv1a',
  hash32: fnv1a32,
  hash64: fnv1a64,
};
