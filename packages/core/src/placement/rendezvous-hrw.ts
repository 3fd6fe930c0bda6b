/**
 * Weighted highest-random-weight selection over a set of candidates (nodes, or clusters of nodes
 * in the skeleton variant). Thaler & Ravishankar, "Using name-based mappings to increase hit
 * rates", IEEE/ACM ToN 6(1), 1998; weights by logarithmic scoring as in Schindelhauer & Schomaker,
 * "Weighted distributed hash tables", SPAA 2005: candidate `i` scores `-w_i / ln(u_i)` with
 * `u_i` uniform in (0, 1), which gives it exactly the share `w_i / Σw`, and a candidate's change
 * of weight only moves keys to or from that candidate.
 *
 * `u_i` comes from one 64-bit key hash `(kh:kl)` per lookup and a precomputed 64-bit seed
 * `(sh:sl)` per candidate: `x = fmix32(fmix32(kl ^ sl) + (kh ^ sh))` (MurmurHash3's finalizer,
 * a bijection with full avalanche, applied to each half in turn) and `u = (x + 0.5) / 2^32`.
 * Everything is int32 arithmetic (`Math.imul`), about 3 ns per candidate; a 64-bit `fmix64` on
 * 16-bit limbs costs 2.5 times that for resolution the score does not need. When all weights are
 * equal the score is a monotone function of `u`, so `x` is compared directly and no logarithm is
 * taken. Ties (equal score) go to the larger `x`, then to the lower index, so the two paths agree
 * and the result never depends on anything but ids, weights and the key.
 */
const TWO_POW_32 = 0x100000000;

export interface Candidates {
  readonly seedLo: Uint32Array;
  readonly seedHi: Uint32Array;
  readonly weight: Float64Array;
  /** All weights equal: rank by `u` alone. */
  readonly uniform: boolean;
}

export function candidates(seedLo: Uint32Array, seedHi: Uint32Array, weight: Float64Array): Candidates {
  let uniform = true;
  for (let i = 1; i < weight.length; i++) if (weight[i] !== weight[0]) uniform = false;
  return { seedLo, seedHi, weight, uniform };
}

/** `fmix32(fmix32(kl ^ sl) + (kh ^ sh))` as uint32; `best` inlines the same steps. */
export function draw(keyLo: number, keyHi: number, seedLo: number, seedHi: number): number {
  let h = keyLo ^ seedLo;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = ((h ^ (h >>> 16)) + (keyHi ^ seedHi)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function score(u32: number, weight: number): number {
  return -weight / Math.log((u32 + 0.5) / TWO_POW_32);
}

/** Index of the winning candidate for the key hash `(keyHi:keyLo)`. */
export function best(set: Candidates, keyLo: number, keyHi: number): number {
  const { seedLo, seedHi, weight } = set;
  const count = seedLo.length;
  const uniform = set.uniform;
  let winner = 0;
  let bestU = -1;
  let bestScore = -1;
  // The hot loop: `draw` written out, so no call boxes a uint32 and nothing allocates.
  for (let i = 0; i < count; i++) {
    let h = keyLo ^ seedLo[i]!;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h = ((h ^ (h >>> 16)) + (keyHi ^ seedHi[i]!)) | 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    const u = (h ^ (h >>> 16)) >>> 0;
    if (uniform) {
      if (u > bestU) {
        bestU = u;
        winner = i;
      }
      continue;
    }
    const s = -weight[i]! / Math.log((u + 0.5) / TWO_POW_32);
    if (s > bestScore || (s === bestScore && u > bestU)) {
      bestScore = s;
      bestU = u;
      winner = i;
    }
  }
  return winner;
}

/** All candidate indexes, best first: the order `best` would pick them in if each winner left. */
export function ranked(set: Candidates, keyLo: number, keyHi: number): number[] {
  const { seedLo, seedHi, weight } = set;
  const count = seedLo.length;
  const us = new Float64Array(count);
  const scores = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const u = draw(keyLo, keyHi, seedLo[i]!, seedHi[i]!);
    us[i] = u;
    scores[i] = set.uniform ? u : score(u, weight[i]!);
  }
  const order = Array.from({ length: count }, (_, i) => i);
  return order.sort((a, b) => scores[b]! - scores[a]! || us[b]! - us[a]! || a - b);
}
