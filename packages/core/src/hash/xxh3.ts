import type { Hasher } from './hasher.ts';
import { K_SECRET, P64_1H, P64_1L, P64_2H, P64_2L, P64_3H, P64_3L, avalanche } from './xxh3-common.ts';
import { xxh3Long } from './xxh3-long.ts';
import { HI, TWO_TO_MINUS_32, add64, mulHigh32, read32, sub64 } from './u64.ts';

/**
 * XXH3-64 (xxHash 0.8 `XXH3_64bits_withSeed`, xxhash.h in Cyan4973/xxHash) with the default
 * secret. Inputs up to 240 bytes take the reference's dedicated paths (0–16, 17–128, 129–240
 * bytes) here, where one 128-bit multiply covers 16 input bytes while XXH64 spends three 64-bit
 * multiplies on every 8: that is why it is the faster of the two on keys. Longer inputs take the
 * striped path in xxh3-long.ts.
 */

const MX2H = 0x9fb21c65;
const MX2L = 0x1e98df25;

// Each path ends in a finaliser that writes the 64-bit result to `out` (low, high). They multiply
// with `mulHigh32` and `Math.imul` directly rather than through `mul64`, keeping every value in
// locals: these run on every key.

/** `XXH64_avalanche`: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32. */
function avalanche64(h: number, l: number, out: Uint32Array): void {
  l ^= h >>> 1;
  let ph = (mulHigh32(l, P64_2L) + Math.imul(l, P64_2H) + Math.imul(h, P64_2L)) | 0;
  let pl = Math.imul(l, P64_2L);
  l = pl ^ ((pl >>> 29) | (ph << 3));
  h = ph ^ (ph >>> 29);
  ph = (mulHigh32(l, P64_3L) + Math.imul(l, P64_3H) + Math.imul(h, P64_3L)) | 0;
  pl = Math.imul(l, P64_3L);
  out[0] = pl ^ ph;
  out[1] = ph;
}

/** `XXH3_rrmxmx`: h ^= rotl(h, 49) ^ rotl(h, 24); h *= MX2; h ^= (h >> 35) + len; h *= MX2; h ^= h >> 28. */
function rrmxmx(h: number, l: number, len: number, out: Uint32Array): void {
  // rotl(h, 49) = (l << 17 | h >>> 15 : h << 17 | l >>> 15); rotl(h, 24) = (h << 24 | l >>> 8 : l << 24 | h >>> 8)
  const xh = h ^ ((l << 17) | (h >>> 15)) ^ ((h << 24) | (l >>> 8));
  const xl = l ^ ((h << 17) | (l >>> 15)) ^ ((l << 24) | (h >>> 8));
  let ph = (mulHigh32(xl, MX2L) + Math.imul(xl, MX2H) + Math.imul(xh, MX2L)) | 0;
  let pl = Math.imul(xl, MX2L);
  // (h >> 35) + len fits in 32 bits plus a carry: h >>> 3 < 2^29 and len < 2^32.
  const t = (ph >>> 3) + len;
  const yl = pl ^ t;
  const yh = ph ^ (t > 0xffffffff ? 1 : 0);
  ph = (mulHigh32(yl, MX2L) + Math.imul(yl, MX2H) + Math.imul(yh, MX2L)) | 0;
  pl = Math.imul(yl, MX2L);
  out[0] = pl ^ ((pl >>> 28) | (ph << 4));
  out[1] = ph ^ (ph >>> 28);
}

/**
 * Everything the 0–240-byte paths take from the secret, with the seed already folded in, as int32
 * halves. A `mix16B` secret offset q has four entries: high and low of (secret[q, q+8) + seed),
 * then of (secret[q+8, q+16) − seed). Offsets 0, 16, … 112 sit at index q / 4; the 129–240-byte
 * path's offsets 3, 19, … 99 at MID + 4j, and 119 at MID + 28. Indices 32–41 hold the `bitflip`
 * words of the 9–16, 4–8, 1–3 and 0-byte paths. Recomputed only when the seed changes, so the
 * common unseeded call reads ready-made words instead of assembling them from secret bytes.
 */
const seeded = new Int32Array(74);
/** Where the 129–240-byte path's secret words start in `seeded`: offsets 3 + 16j, then 119. */
const MID = 42;
let seededH = -1;
let seededL = -1;

function useSeed(sh: number, sl: number): void {
  if (sh === seededH && sl === seededL) return;
  const k = K_SECRET;
  for (let q = 0; q < 128; q += 16) seedWords(q, q >> 2, sh, sl);
  for (let j = 0; j < 7; j++) seedWords(3 + 16 * j, MID + 4 * j, sh, sl);
  seedWords(136 - 17, MID + 28, sh, sl);
  seeded[33] = add64(read32(k, 28) ^ read32(k, 36), read32(k, 24) ^ read32(k, 32), sh, sl);
  seeded[32] = HI[0]!;
  seeded[35] = sub64(read32(k, 44) ^ read32(k, 52), read32(k, 40) ^ read32(k, 48), sh, sl);
  seeded[34] = HI[0]!;
  // The 4–8-byte path first folds the seed: seed ^= (u64)swap32((u32)seed) << 32.
  seeded[37] = sub64(read32(k, 12) ^ read32(k, 20), read32(k, 8) ^ read32(k, 16), sh ^ bswap(sl), sl);
  seeded[36] = HI[0]!;
  seeded[39] = add64(0, read32(k, 0) ^ read32(k, 4), sh, sl);
  seeded[38] = HI[0]!;
  seeded[40] = sh ^ read32(k, 60) ^ read32(k, 68);
  seeded[41] = sl ^ read32(k, 56) ^ read32(k, 64);
  seededH = sh;
  seededL = sl;
}

/** The four `seeded` entries of secret offset `q`, at index `w`. */
function seedWords(q: number, w: number, sh: number, sl: number): void {
  const k = K_SECRET;
  seeded[w + 1] = add64(read32(k, q + 4), read32(k, q), sh, sl);
  seeded[w] = HI[0]!;
  seeded[w + 3] = sub64(read32(k, q + 12), read32(k, q + 8), sh, sl);
  seeded[w + 2] = HI[0]!;
}

function len0to16(s: Uint8Array, len: number, out: Uint32Array): void {
  const f = seeded;
  if (len > 8) {
    const lh = read32(s, 4) ^ f[32]!;
    const ll = read32(s, 0) ^ f[33]!;
    const hh = read32(s, len - 4) ^ f[34]!;
    const hl = read32(s, len - 8) ^ f[35]!;
    // mul128_fold64(input_lo, input_hi), column by column as in mix16
    const c1 = (mulHigh32(ll, hl) >>> 0) + (Math.imul(ll, hh) >>> 0) + (Math.imul(lh, hl) >>> 0);
    const c2 =
      (mulHigh32(ll, hh) >>> 0) + (mulHigh32(lh, hl) >>> 0) + (Math.imul(lh, hh) >>> 0) + Math.floor(c1 * TWO_TO_MINUS_32);
    const foldH = c1 ^ ((mulHigh32(lh, hh) >>> 0) + Math.floor(c2 * TWO_TO_MINUS_32));
    const foldL = Math.imul(ll, hl) ^ c2;
    // acc = len + swap64(input_lo) + input_hi + fold: four 32-bit low halves sum exactly in a double.
    const sum = len + (bswap(lh) >>> 0) + (hl >>> 0) + (foldL >>> 0);
    avalanche((bswap(ll) + hh + foldH + Math.floor(sum * TWO_TO_MINUS_32)) | 0, sum | 0, out);
  } else if (len >= 4) {
    rrmxmx(read32(s, 0) ^ f[36]!, read32(s, len - 4) ^ f[37]!, len, out);
  } else if (len > 0) {
    const combined = (s[0]! << 16) | (s[len >>> 1]! << 24) | s[len - 1]! | (len << 8);
    avalanche64(f[38]!, combined ^ f[39]!, out);
  } else {
    avalanche64(f[40]!, f[41]!, out);
  }
}

function bswap(v: number): number {
  return (v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24);
}

/** The accumulator of the 17–240-byte paths (high, low): module-level, so calls allocate nothing. */
const acc = new Int32Array(2);

/** `acc += mul128_fold64` of the 16 input bytes at `p` xor the seeded secret words at `w`. */
function mix16(s: Uint8Array, p: number, w: number): void {
  const f = seeded;
  const ah = read32(s, p + 4) ^ f[w]!;
  const al = read32(s, p) ^ f[w + 1]!;
  const bh = read32(s, p + 12) ^ f[w + 2]!;
  const bl = read32(s, p + 8) ^ f[w + 3]!;
  // The 128-bit product column by column, as `mulFold64` does, with every value in locals.
  const c1 = (mulHigh32(al, bl) >>> 0) + (Math.imul(al, bh) >>> 0) + (Math.imul(ah, bl) >>> 0);
  const c2 =
    (mulHigh32(al, bh) >>> 0) + (mulHigh32(ah, bl) >>> 0) + (Math.imul(ah, bh) >>> 0) + Math.floor(c1 * TWO_TO_MINUS_32);
  const foldH = c1 ^ ((mulHigh32(ah, bh) >>> 0) + Math.floor(c2 * TWO_TO_MINUS_32));
  const sum = (acc[1]! >>> 0) + ((Math.imul(al, bl) ^ c2) >>> 0);
  acc[0] = acc[0]! + foldH + (sum > 0xffffffff ? 1 : 0);
  acc[1] = sum;
}

/** `acc = len * PRIME64_1`. */
function startAcc(len: number): void {
  acc[1] = Math.imul(len, P64_1L);
  acc[0] = mulHigh32(len, P64_1L) + Math.imul(len, P64_1H);
}

/**
 * 17–128 bytes: the i-th 16 bytes from the front with secret offset 32i and the i-th from the
 * back with 32i + 16, for i up to (len − 1) / 32: the reference's `XXH_SIZE_OPT` form of the path
 * (the same sum, in another order).
 */
function len17to128(s: Uint8Array, len: number, out: Uint32Array): void {
  startAcc(len);
  const n = (len - 1) >>> 5;
  for (let i = 0; i <= n; i++) {
    mix16(s, 16 * i, 8 * i);
    mix16(s, len - 16 * (i + 1), 8 * i + 4);
  }
  avalanche(acc[0]!, acc[1]!, out);
}

function len129to240(s: Uint8Array, len: number, out: Uint32Array): void {
  startAcc(len);
  for (let i = 0; i < 8; i++) mix16(s, 16 * i, 4 * i);
  avalanche(acc[0]!, acc[1]!, out);
  const firstL = out[0]!;
  const firstH = out[1]!;
  acc[0] = 0;
  acc[1] = 0;
  // Secret offsets 136 − 17 (XXH3_SECRET_SIZE_MIN − XXH3_MIDSIZE_LASTOFFSET) for the last 16
  // bytes, and 16·(i − 8) + 3 (XXH3_MIDSIZE_STARTOFFSET) for the rest.
  mix16(s, len - 16, MID + 28);
  const rounds = len >>> 4;
  for (let i = 8; i < rounds; i++) mix16(s, 16 * i, MID + 4 * (i - 8));
  const l = add64(firstH, firstL, acc[0]!, acc[1]!);
  avalanche(HI[0]!, l, out);
}

/** XXH3-64 of `bytes[0, length)` with a 64-bit seed given as halves; `out[0]` low, `out[1]` high. */
export function xxh3(bytes: Uint8Array, length: number, out: Uint32Array, seedLow = 0, seedHigh = 0): void {
  if (length > 240) {
    xxh3Long(bytes, length, seedHigh | 0, seedLow | 0, out);
    return;
  }
  useSeed(seedHigh | 0, seedLow | 0);
  if (length <= 16) len0to16(bytes, length, out);
  else if (length <= 128) len17to128(bytes, length, out);
  else len129to240(bytes, length, out);
}

const out64 = new Uint32Array(2);

/** XXH3-64 with seed 0. `hash32` is the low 32 bits of the 64-bit hash. */
export const xxh3Hasher: Hasher = {
  name: 'xxh3',
  hash32(bytes: Uint8Array, length: number): number {
    xxh3(bytes, length, out64);
    return out64[0]!;
  },
  hash64: xxh3,
};
