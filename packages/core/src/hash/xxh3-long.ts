import {
  K_SECRET,
  P32_1,
  P32_2,
  P32_3,
  P64_1H,
  P64_1L,
  P64_2H,
  P64_2L,
  P64_3H,
  P64_3L,
  P64_4H,
  P64_4L,
  P64_5H,
  P64_5L,
  avalanche,
} from './xxh3-common.ts';
import { HI, add64, mul64, mulFold64, mulHigh32, read32, sub64 } from './u64.ts';

/**
 * XXH3's path for inputs above 240 bytes (`XXH3_hashLong_64b`): eight 64-bit lanes take 64-byte
 * stripes, 16 stripes make a 1 KiB block, and the lanes are scrambled after each block. The
 * secret is read as little-endian words prepared once per secret, so the inner loop reads input
 * bytes only.
 */

/** The eight lanes as (high, low) pairs; module-level so that a call allocates nothing. */
const lanes = new Int32Array(16);
const INIT_LANES = [0, P32_3, P64_1H, P64_1L, P64_2H, P64_2L, P64_3H, P64_3L, P64_4H, P64_4L, 0, P32_2, P64_5H, P64_5L, 0, P32_1];

/** A secret, its words at every multiple of 8 (`[2k]` low, `[2k + 1]` high), and those at 121. */
interface PreparedSecret {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  /** The 64 bytes at 192 − 64 − 7 (XXH_SECRET_LASTACC_START), which the last stripe uses. */
  readonly last: Int32Array;
}

function prepare(
  bytes: Uint8Array,
  secret: PreparedSecret = { bytes, words: new Int32Array(48), last: new Int32Array(16) },
): PreparedSecret {
  for (let i = 0; i < 48; i++) secret.words[i] = read32(bytes, 4 * i);
  for (let i = 0; i < 16; i++) secret.last[i] = read32(bytes, 121 + 4 * i);
  return secret;
}

const DEFAULT_SECRET = prepare(K_SECRET);
/** The secret of the last non-zero seed (`XXH3_initCustomSecret`), kept while the seed repeats. */
const custom = prepare(new Uint8Array(192));
let customH = 0;
let customL = 0;

/** Each 16-byte pair of secret words becomes (low + seed, high − seed). */
function seededSecret(sh: number, sl: number): PreparedSecret {
  if (sh === customH && sl === customL) return custom;
  const bytes = custom.bytes;
  for (let i = 0; i < 192; i += 16) {
    writeWord(bytes, i, add64(read32(K_SECRET, i + 4), read32(K_SECRET, i), sh, sl), HI[0]!);
    writeWord(bytes, i + 8, sub64(read32(K_SECRET, i + 12), read32(K_SECRET, i + 8), sh, sl), HI[0]!);
  }
  prepare(bytes, custom);
  customH = sh;
  customL = sl;
  return custom;
}

function writeWord(bytes: Uint8Array, at: number, l: number, h: number): void {
  for (let i = 0; i < 4; i++) {
    bytes[at + i] = l >>> (8 * i);
    bytes[at + 4 + i] = h >>> (8 * i);
  }
}

/** `XXH3_accumulate_512`: the stripe at `p` with the secret words from `w`. */
function accumulate512(s: Uint8Array, p: number, words: Int32Array, w: number): void {
  const a = lanes;
  for (let i = 0; i < 8; i++) {
    const vl = read32(s, p + 8 * i);
    const vh = read32(s, p + 8 * i + 4);
    const kl = vl ^ words[w + 2 * i]!;
    const kh = vh ^ words[w + 2 * i + 1]!;
    // lane[i ^ 1] += input; lane[i] += (u32)key * (key >> 32). Int32Array stores wrap mod 2^32.
    const j = 2 * (i ^ 1);
    let sum = (a[j + 1]! >>> 0) + (vl >>> 0);
    a[j] = a[j]! + vh + (sum > 0xffffffff ? 1 : 0);
    a[j + 1] = sum;
    sum = (a[2 * i + 1]! >>> 0) + (Math.imul(kl, kh) >>> 0);
    a[2 * i] = a[2 * i]! + mulHigh32(kl, kh) + (sum > 0xffffffff ? 1 : 0);
    a[2 * i + 1] = sum;
  }
}

/** `XXH3_scrambleAcc` with the secret's last 64 bytes: lane = (lane ^ lane >> 47 ^ key) * PRIME32_1. */
function scramble(words: Int32Array): void {
  const a = lanes;
  for (let i = 0; i < 8; i++) {
    const h = a[2 * i]! ^ words[33 + 2 * i]!;
    const l = a[2 * i + 1]! ^ (a[2 * i]! >>> 15) ^ words[32 + 2 * i]!;
    a[2 * i] = mulHigh32(l, P32_1) + Math.imul(h, P32_1);
    a[2 * i + 1] = Math.imul(l, P32_1);
  }
}

/** XXH3-64 of `s[0, len)` for len > 240, with the seed as halves; writes `out` (low, high). */
export function xxh3Long(s: Uint8Array, len: number, sh: number, sl: number, out: Uint32Array): void {
  const secret = sh === 0 && sl === 0 ? DEFAULT_SECRET : seededSecret(sh, sl);
  const words = secret.words;
  lanes.set(INIT_LANES);
  const blockLength = 1024; // 16 stripes of 64 bytes: (192 − 64) / 8 stripes per block
  const blocks = Math.floor((len - 1) / blockLength);
  for (let n = 0; n < blocks; n++) {
    for (let stripe = 0; stripe < 16; stripe++) accumulate512(s, n * blockLength + 64 * stripe, words, 2 * stripe);
    scramble(words);
  }
  const stripes = ((len - 1 - blockLength * blocks) / 64) | 0;
  for (let stripe = 0; stripe < stripes; stripe++) accumulate512(s, blocks * blockLength + 64 * stripe, words, 2 * stripe);
  accumulate512(s, len - 64, secret.last, 0);
  // XXH3_mergeAccs with the secret from byte 11 (XXH_SECRET_MERGEACCS_START), from len * PRIME64_1.
  const bytes = secret.bytes;
  let rl = mul64(0, len, P64_1H, P64_1L);
  let rh = HI[0]!;
  for (let i = 0; i < 4; i++) {
    const q = 11 + 16 * i;
    const ml = mulFold64(
      lanes[4 * i]! ^ read32(bytes, q + 4),
      lanes[4 * i + 1]! ^ read32(bytes, q),
      lanes[4 * i + 2]! ^ read32(bytes, q + 12),
      lanes[4 * i + 3]! ^ read32(bytes, q + 8),
    );
    rl = add64(rh, rl, HI[0]!, ml);
    rh = HI[0]!;
  }
  avalanche(rh, rl, out);
}
