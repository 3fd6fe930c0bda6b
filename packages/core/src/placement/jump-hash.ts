import { InvalidArgumentError } from '../errors.ts';

/**
 * Jump consistent hash: John Lamping and Eric Veach, "A Fast, Minimal Memory, Consistent Hash
 * Algorithm" (2014, arXiv:1406.2294), Figure 1:
 *
 *     int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets) {
 *       int64_t b = -1, j = 0;
 *       while (j < num_buckets) {
 *         b = j;
 *         key = key * 2862933555777941757ULL + 1;
 *         j = (b + 1) * (double(1LL << 31) / double((key >> 33) + 1));
 *       }
 *       return b;
 *     }
 *
 * Both functions below return exactly what that C++ returns for every 64-bit key (checked against
 * vectors from the compiled reference, and against each other on random keys). The `j` step is the
 * same IEEE-754 double arithmetic in the same order, so it rounds the same way.
 */

/** Bucket counts must fit the reference's `int32_t num_buckets`. */
export const MAX_JUMP_BUCKETS: number = 0x7fffffff;

const MASK64 = (1n << 64n) - 1n;
const MULTIPLIER = 2862933555777941757n;
// The multiplier 0x27bb2ee6_87b0b0fd as 32-bit halves and the low half's 16-bit limbs.
const M_LO = 0x87b0b0fd;
const M_HI = 0x27bb2ee6;
const M0 = 0xb0fd;
const M1 = 0x87b0;
const TWO_31 = 2147483648;

function checkBuckets(buckets: number): void {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_JUMP_BUCKETS) {
    throw new InvalidArgumentError('buckets', `must be an integer in [1, 2^31), got ${String(buckets)}`);
  }
}

/**
 * The reference algorithm on a BigInt key. For tests, tools and other languages' vectors: it
 * allocates a BigInt per step, so lookups use {@link jumpHash32}.
 * @throws InvalidArgumentError when `key` is not in [0, 2^64) or `buckets` not in [1, 2^31).
 */
export function jumpHash(key: bigint, buckets: number): number {
  if (typeof key !== 'bigint' || key < 0n || key > MASK64) {
    throw new InvalidArgumentError('key', `must be a bigint in [0, 2^64), got ${String(key)}`);
  }
  checkBuckets(buckets);
  let state = key;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    state = (state * MULTIPLIER + 1n) & MASK64;
    j = Math.floor((b + 1) * (TWO_31 / (Number(state >> 33n) + 1)));
  }
  return b;
}

/**
 * The same function on the key's unsigned 32-bit halves (`lo` = bits 0–31, `hi` = bits 32–63),
 * with no BigInt and no allocation.
 * @throws InvalidArgumentError when a half is not a 32-bit integer or `buckets` not in [1, 2^31).
 */
export function jumpHash32(lo: number, hi: number, buckets: number): number {
  if (!isWord(lo)) throw new InvalidArgumentError('lo', `must be a 32-bit integer, got ${String(lo)}`);
  if (!isWord(hi)) throw new InvalidArgumentError('hi', `must be a 32-bit integer, got ${String(hi)}`);
  checkBuckets(buckets);
  return jumpBucket(lo >>> 0, hi >>> 0, buckets);
}

function isWord(value: number): boolean {
  return Number.isInteger(value) && value >= -0x80000000 && value <= 0xffffffff;
}

/**
 * Unchecked {@link jumpHash32} for placements, which validate once at construction.
 * `lo`/`hi` may be signed or unsigned 32-bit; `buckets` must be in [1, 2^31).
 *
 * The LCG step `key = key * M + 1 (mod 2^64)` in 32-bit halves: the low half of `lo * M_LO` is
 * `Math.imul`; its high half needs `lo` in 16-bit limbs so every partial product stays below 2^53;
 * the cross terms `hi * M_LO` and `lo * M_HI` only reach the high half, where `Math.imul` is exact.
 */
export function jumpBucket(lo: number, hi: number, buckets: number): number {
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    const a0 = lo & 0xffff;
    const a1 = lo >>> 16;
    const p00 = a0 * M0;
    const mid = a1 * M0 + a0 * M1 + (p00 >>> 16);
    // mid < 2^34, so mid / 2^16 < 2^18 and `>>> 0` truncates it exactly (faster than Math.floor).
    const carryOut = a1 * M1 + ((mid / 0x10000) >>> 0);
    // The `+ 1` carries into the high half only when the low half wraps to 0.
    const low = (Math.imul(lo, M_LO) + 1) >>> 0;
    hi = (carryOut + Math.imul(hi, M_LO) + Math.imul(lo, M_HI) + (low === 0 ? 1 : 0)) >>> 0;
    lo = low;
    j = Math.floor((b + 1) * (TWO_31 / ((hi >>> 1) + 1)));
  }
  return b;
}
