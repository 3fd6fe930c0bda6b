import { HI, add64, mul64High, read32 } from './u64.ts';

/**
 * CityHash64's paths for 0–32 bytes (`HashLen0to16`, `HashLen17to32` in google/cityhash 1.1.1
 * src/city.cc), the lengths keys have. Unlike the register file of city64.ts, every 64-bit value
 * here is a pair of int32 locals, and each product is `Math.imul` (low half) plus `mul64High`.
 * Results are written to `out` (low, high).
 */

const K0H = 0xc3a5c85c;
const K0L = 0x97cb3127;
const K1H = 0xb492b66f;
const K1L = 0xbe98f273;
const K2H = 0x9ae16a3b;
const K2L = 0x2f90404f;

/** `HashLen16(u, v, mul)`: a = (u ^ v) * mul; a ^= a >> 47; b = (v ^ a) * mul; b ^= b >> 47; b * mul. */
export function hashLen16(uh: number, ul: number, vh: number, vl: number, mh: number, ml: number, out: Uint32Array): void {
  let xh = uh ^ vh;
  let xl = ul ^ vl;
  const ah = mul64High(xh, xl, mh, ml);
  const al = Math.imul(xl, ml) ^ (ah >>> 15);
  xh = vh ^ ah;
  xl = vl ^ al;
  const bh = mul64High(xh, xl, mh, ml);
  const bl = Math.imul(xl, ml) ^ (bh >>> 15);
  out[0] = Math.imul(bl, ml);
  out[1] = mul64High(bh, bl, mh, ml);
}

/** `mul = k2 + len * 2`, low half: K2L + 64 stays below 2^32, so the high half is K2H. */
function mulLow(len: number): number {
  return (K2L + 2 * len) | 0;
}

/** CityHash64 for 0 ≤ len ≤ 16. */
export function city64To16(s: Uint8Array, len: number, out: Uint32Array): void {
  if (len >= 8) {
    const ml = mulLow(len);
    const al = add64(read32(s, 4), read32(s, 0), K2H, K2L); // a = Fetch64(s) + k2
    const ah = HI[0]!;
    const bh = read32(s, len - 4);
    const bl = read32(s, len - 8);
    // c = Rotate(b, 37) * mul + a
    let rh = (bl >>> 5) | (bh << 27);
    let rl = (bh >>> 5) | (bl << 27);
    const cl = add64(mul64High(rh, rl, K2H, ml), Math.imul(rl, ml), ah, al);
    const ch = HI[0]!;
    // d = (Rotate(a, 25) + b) * mul
    rh = (ah >>> 25) | (al << 7);
    rl = (al >>> 25) | (ah << 7);
    const sl = add64(rh, rl, bh, bl);
    const sh = HI[0]!;
    hashLen16(ch, cl, mul64High(sh, sl, K2H, ml), Math.imul(sl, ml), K2H, ml, out);
  } else if (len >= 4) {
    // HashLen16(len + (a << 3), Fetch32(s + len - 4), mul) with a = Fetch32(s)
    const a = read32(s, 0);
    const ul = add64(a >>> 29, a << 3, 0, len);
    hashLen16(HI[0]!, ul, 0, read32(s, len - 4), K2H, mulLow(len), out);
  } else if (len > 0) {
    // ShiftMix(y * k2 ^ z * k0) * k2
    const y = s[0]! + (s[len >>> 1]! << 8);
    const z = len + (s[len - 1]! << 2);
    const xh = mul64High(0, y, K2H, K2L) ^ mul64High(0, z, K0H, K0L);
    const xl = Math.imul(y, K2L) ^ Math.imul(z, K0L) ^ (xh >>> 15);
    out[0] = Math.imul(xl, K2L);
    out[1] = mul64High(xh, xl, K2H, K2L);
  } else {
    out[0] = K2L;
    out[1] = K2H;
  }
}

/** CityHash64 for 17 ≤ len ≤ 32. */
export function city64To32(s: Uint8Array, len: number, out: Uint32Array): void {
  const ml = mulLow(len);
  // a = Fetch64(s) * k1; b = Fetch64(s + 8); c = Fetch64(s + len - 8) * mul; d = Fetch64(s + len - 16) * k2
  let h = read32(s, 4);
  let l = read32(s, 0);
  const ah = mul64High(h, l, K1H, K1L);
  const al = Math.imul(l, K1L);
  const bh = read32(s, 12);
  const bl = read32(s, 8);
  h = read32(s, len - 4);
  l = read32(s, len - 8);
  const ch = mul64High(h, l, K2H, ml);
  const cl = Math.imul(l, ml);
  h = read32(s, len - 12);
  l = read32(s, len - 16);
  const dh = mul64High(h, l, K2H, K2L);
  const dl = Math.imul(l, K2L);
  // u = Rotate(a + b, 43) + Rotate(c, 30) + d
  l = add64(ah, al, bh, bl);
  h = HI[0]!;
  let ul = add64((l >>> 11) | (h << 21), (h >>> 11) | (l << 21), (ch >>> 30) | (cl << 2), (cl >>> 30) | (ch << 2));
  ul = add64(HI[0]!, ul, dh, dl);
  const uh = HI[0]!;
  // v = a + Rotate(b + k2, 18) + c
  l = add64(bh, bl, K2H, K2L);
  h = HI[0]!;
  let vl = add64((h >>> 18) | (l << 14), (l >>> 18) | (h << 14), ah, al);
  vl = add64(HI[0]!, vl, ch, cl);
  hashLen16(uh, ul, HI[0]!, vl, K2H, ml, out);
}
