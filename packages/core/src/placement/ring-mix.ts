/**
 * Integer mixers for the placements that derive many values from one hash: ring points, per-node
 * rendezvous seeds, maglev offsets. They are bijections with full avalanche, so a weak byte hash
 * (FNV-1a, the default) still yields well-spread points, which is what Druid lacked when FNV-1a
 * points left some nodes with a quarter of the share of others. 64-bit values travel as uint32
 * halves: BigInt would allocate on every step.
 */
import type { Hasher } from '../hash/hasher.ts';
import { keyToBytes } from '../key.ts';

/** MurmurHash3's 32-bit finalizer `fmix32`. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** High half of the last `fmix64` result (uint32). */
export let mixHi = 0;

/**
 * MurmurHash3's 64-bit finalizer `fmix64` on `(hi:lo)`: returns the low half as uint32 and leaves
 * the high half in `mixHi`. `x ^= x >>> 33` touches only the low half (`lo ^= hi >>> 1`). Each
 * 64-bit product is `lo·Cl` (low word by `Math.imul`, high word from 16-bit limbs, every partial
 * product an exact int32 `Math.imul`) plus the cross terms `lo·Ch + hi·Cl` in the high word.
 */
export function fmix64(lo: number, hi: number): number {
  lo ^= hi >>> 1;
  // x *= 0xff51afd7ed558ccd
  hi = (mulHigh(lo, 0x8ccd, 0xed55) + Math.imul(lo, 0xff51afd7) + Math.imul(hi, 0xed558ccd)) | 0;
  lo = Math.imul(lo, 0xed558ccd);
  lo ^= hi >>> 1;
  // x *= 0xc4ceb9fe1a85ec53
  hi = (mulHigh(lo, 0xec53, 0x1a85) + Math.imul(lo, 0xc4ceb9fe) + Math.imul(hi, 0x1a85ec53)) | 0;
  lo = Math.imul(lo, 0x1a85ec53);
  lo ^= hi >>> 1;
  mixHi = hi >>> 0;
  return lo >>> 0;
}

/** High 32 bits of `a · (b1·2^16 + b0)` for uint32 `a` and 16-bit `b0`, `b1` (int32 result). */
function mulHigh(a: number, b0: number, b1: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const t = Math.imul(a0, b0) >>> 0;
  const w1 = (Math.imul(a1, b0) >>> 0) + (t >>> 16);
  const w2 = (Math.imul(a0, b1) >>> 0) + (w1 & 0xffff);
  return Math.imul(a1, b1) + (w1 >>> 16) + (w2 >>> 16);
}

const idHash = new Uint32Array(2);

/**
 * A node's 64-bit seed: `fmix64(hash64(UTF-8 id))` with the placement's hasher, written to
 * `out[0]` (low) and `out[1]` (high). Depends on the id only, never on the other nodes.
 */
export function nodeSeed(hasher: Hasher, id: string, out: Uint32Array): void {
  const bytes = keyToBytes(id);
  hasher.hash64(bytes, bytes.length, idHash);
  out[0] = fmix64(idHash[0]!, idHash[1]!);
  out[1] = mixHi;
}
