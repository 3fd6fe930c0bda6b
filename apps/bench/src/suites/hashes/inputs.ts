import { seededRandom } from '../../measure/stats.ts';

/** Distinct random inputs of one length, the same in every run (seeded). */
export function randomInputs(length: number, count: number, seed = length + 1): Uint8Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
    return bytes;
  });
}

/** Lengths the agreement check covers: every block boundary of the hashes up to 260 bytes. */
export const CHECK_LENGTHS: readonly number[] = Array.from({ length: 261 }, (_, i) => i);
