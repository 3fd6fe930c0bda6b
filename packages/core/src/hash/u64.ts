/**
 * Unsigned 64-bit arithmetic on pairs of 32-bit halves, for the hashes that are defined on 64-bit
 * words. BigInt allocates on every operation, so it is out; doubles are exact only up to 2^53, so
 * products go through 16-bit limbs. A function returns the low half and leaves the high half in
 * `HI[0]`, read right after the call: nothing is allocated per operation, and V8 inlines these.
 *
 * Halves are int32 (the natural result of `|`, `^`, `<<`), not uint32: V8 keeps int32 values
 * unboxed where a uint32 above 2^31 would become a heap number when stored. Only the final
 * store into a `Uint32Array` reinterprets them as unsigned.
 */

/**
 * The high half of the last result. A typed-array slot rather than a module-level `let`: reading
 * and writing a `let` from functions pays a context-slot access and a TDZ check every time, which
 * measured 20–25% slower for XXH64 on short keys.
 */
export const HI: Int32Array = new Int32Array(1);

/** 2^-32: multiplying by it is exact, and cheaper than dividing by 2^32. */
export const TWO_TO_MINUS_32 = 2.3283064365386963e-10;

/** High 32 bits of the 64-bit product of two uint32 (the low 32 bits are `Math.imul(a, b)`). */
export function mulHigh32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/**
 * High half of `(ah:al) * (bh:bl) mod 2^64`; the low half is `Math.imul(al, bl)`. A pure function,
 * so the hottest paths keep both halves in locals and never touch `HI`.
 */
export function mul64High(ah: number, al: number, bh: number, bl: number): number {
  return (mulHigh32(al, bl) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
}

/** `(ah:al) * (bh:bl) mod 2^64`. */
export function mul64(ah: number, al: number, bh: number, bl: number): number {
  HI[0] = mul64High(ah, al, bh, bl);
  return Math.imul(al, bl);
}

/**
 * XXH3's `mul128_fold64`: the full 128-bit product of two 64-bit words, its low 64 bits xored
 * with its high 64 bits.
 */
export function mulFold64(ah: number, al: number, bh: number, bl: number): number {
  // Four 32×32 partial products summed column by column; the carries stay exact in doubles.
  const c1 = (mulHigh32(al, bl) >>> 0) + (Math.imul(al, bh) >>> 0) + (Math.imul(ah, bl) >>> 0);
  const c2 =
    (mulHigh32(al, bh) >>> 0) + (mulHigh32(ah, bl) >>> 0) + (Math.imul(ah, bh) >>> 0) + Math.floor(c1 * TWO_TO_MINUS_32);
  const w3 = (mulHigh32(ah, bh) >>> 0) + Math.floor(c2 * TWO_TO_MINUS_32);
  HI[0] = c1 ^ w3;
  return Math.imul(al, bl) ^ c2;
}

/** `(ah:al) + (bh:bl) mod 2^64`. */
export function add64(ah: number, al: number, bh: number, bl: number): number {
  const low = (al >>> 0) + (bl >>> 0);
  HI[0] = (ah + bh + (low > 0xffffffff ? 1 : 0)) | 0;
  return low | 0;
}

/** `(ah:al) - (bh:bl) mod 2^64`. */
export function sub64(ah: number, al: number, bh: number, bl: number): number {
  const low = (al >>> 0) - (bl >>> 0);
  HI[0] = (ah - bh - (low < 0 ? 1 : 0)) | 0;
  return low | 0;
}

/** Rotate left by `r` in 1..63. */
export function rotl64(h: number, l: number, r: number): number {
  if (r === 32) {
    HI[0] = l | 0;
    return h | 0;
  }
  if (r > 32) {
    const t = h;
    h = l;
    l = t;
    r -= 32;
  }
  HI[0] = (h << r) | (l >>> (32 - r));
  return (l << r) | (h >>> (32 - r));
}

/** Little-endian 32-bit word at `bytes[i, i + 4)`, as int32. */
export function read32(bytes: Uint8Array, i: number): number {
  return bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
}

/** Big-endian 32-bit word at `bytes[i, i + 4)`, as int32. */
export function read32be(bytes: Uint8Array, i: number): number {
  return (bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!;
}
