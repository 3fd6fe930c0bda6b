/**
 * The ketama family of MD5 rings, reproduced bit for bit so that a shardis client and an existing
 * deployment put every key on the same server:
 *
 * - `'ketama'`: npm `hashring` 3.2.0 (3rd-Eden), the ketama ring most Node.js code uses.
 * - `'libketama'`: libketama's `ketama_create_continuum` (the C library; memcached clients).
 * - `'twemproxy'`: twemproxy (nutcracker) `distribution: ketama`, `ketama_update` in nc_ketama.c.
 *
 * All three hash the string `"<server>-<i>"` (i = 0, 1, …) with MD5 and take four points from each
 * digest: the digest's bytes 0–3, 4–7, 8–11, 12–15 read little-endian. They differ in how many
 * digests a server gets (the `hashes` functions below) and in the order that breaks ties between
 * equal points (the first server in that order wins; all three sort stably, and glibc's qsort,
 * which libketama and twemproxy call, is a merge sort that keeps insertion order).
 */
import { md5 } from '../hash/md5.ts';
import { keyToBytes } from '../key.ts';
import { RANK_LIMIT } from './ring-points.ts';

export type KetamaCompat = 'ketama' | 'libketama' | 'twemproxy';

export const KETAMA_COMPATS: readonly KetamaCompat[] = Object.freeze(['ketama', 'libketama', 'twemproxy']);

/** Digests per server at an average weight: libketama and twemproxy fix it at 40, hashring's `vnode count` defaults to it. */
export const DEFAULT_KETAMA_HASHES = 40;

/**
 * MD5 digests (4 points each) per server, in the peer's own arithmetic. `weights` are in the
 * given order: the total is summed in that order, as the peers do, so float rounding agrees.
 *
 * - ketama (hashring): `Math.floor((w / Σw) * vnodes * n)` in doubles.
 * - libketama: `floorf(pct * 40.0 * (float)n)` with `pct = (float)w / (float)Σw` in float32. The
 *   product is taken in double (40.0 is a double literal) and rounded to float when passed to
 *   `floorf`. For equal weights hashring gives 39 where libketama gives 40 at n = 7, 14, 28, 49…
 *   and 40 where libketama gives 39 at n = 61, 122…
 * - twemproxy: `floorf((float)(pct * 160 / 4 * (float)n + 1e-10))`, every step in float32
 *   (`pct * 160` and `/ 4` are float operations), the sum in double, then rounded to float; the
 *   `1e-10` is below float precision and changes nothing. For equal weights it gives 39 at
 *   n = 25, 47, 50, 55, 71… where libketama gives 40 (test/placement/fixtures/ketama-counts.c).
 */
export function ketamaHashCounts(weights: readonly number[], compat: KetamaCompat, vnodes: number = DEFAULT_KETAMA_HASHES): number[] {
  const n = weights.length;
  let total = 0;
  for (const weight of weights) total += weight;
  const f = Math.fround;
  return weights.map((weight) => {
    switch (compat) {
      case 'ketama':
        return Math.floor((weight / total) * vnodes * n);
      case 'libketama': {
        const pct = f(f(weight) / f(total));
        return Math.floor(f(pct * vnodes * f(n)));
      }
      case 'twemproxy': {
        const pct = f(f(weight) / f(total));
        const perServer = f(f(f(pct * f(vnodes * 4)) / 4) * f(n));
        return Math.floor(f(perServer + 1e-10));
      }
    }
  });
}

/**
 * The order in which servers' points are inserted, which decides ties. hashring and libketama keep
 * the configured order. twemproxy sorts its servers by name when it validates the config
 * (`conf_validate_server`: `string_compare`, shorter names first, then bytewise), so the order the
 * servers were listed in does not matter there. Returns node indexes.
 */
export function ketamaTieOrder(ids: readonly string[], compat: KetamaCompat): number[] {
  const order = ids.map((_, i) => i);
  if (compat !== 'twemproxy') return order;
  const bytes = ids.map((id) => keyToBytes(id));
  return order.sort((a, b) => compareNames(bytes[a]!, bytes[b]!));
}

function compareNames(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * Packed points (see `buildContinuum`) for servers already in tie order: server `i` gets
 * `hashes[i]` digests of `"<id>-<k>"`, four points each, ranked `i`.
 */
export function ketamaPoints(ids: readonly string[], hashes: readonly number[]): Float64Array {
  let total = 0;
  for (const count of hashes) total += count * 4;
  const packed = new Float64Array(total);
  const digest = new Uint32Array(4);
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    const prefix = `${ids[i]!}-`;
    for (let k = 0; k < hashes[i]!; k++) {
      const bytes = keyToBytes(prefix + k);
      md5(bytes, bytes.length, digest);
      for (let j = 0; j < 4; j++) packed[at++] = digest[j]! * RANK_LIMIT + i;
    }
  }
  return packed;
}
