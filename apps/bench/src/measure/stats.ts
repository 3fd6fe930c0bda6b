/** Small, dependency-free statistics used by every suite. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** Population standard deviation: the loads of all nodes are the whole population. */
export function stddev(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i]! - m) ** 2;
  return Math.sqrt(sum / values.length);
}

/** A median with the range it came from: what every timed figure is reported as. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Every repetition, in run order, for the JSON results. */
  readonly samples: readonly number[];
}

export function spread(samples: readonly number[]): Spread {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples: [...samples] };
}

export interface Balance {
  /** Most loaded node over the mean load: 1 is perfect. */
  readonly maxOverMean: number;
  /** Standard deviation of the loads over the mean load: 0 is perfect. */
  readonly stddevOverMean: number;
}

export function balanceOf(counts: ArrayLike<number>): Balance {
  const m = mean(counts);
  let max = 0;
  for (let i = 0; i < counts.length; i++) max = Math.max(max, counts[i]!);
  return { maxOverMean: max / m, stddevOverMean: stddev(counts) / m };
}

/**
 * SplitMix32-style generator: seeded, so the random floor and the hash inputs are the same in
 * every run and on every machine (Math.random would make the floor itself noisy between runs).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 0x100000000;
  };
}

/**
 * The balance a placement gets if every key picks a node uniformly at random: the floor that
 * any per-key hash placement (jump, rendezvous, ring, maglev…) fluctuates around, because key
 * hashes are themselves random. Median of `trials` simulations with the same key and node counts.
 */
export function randomAssignmentFloor(keys: number, nodes: number, trials = 5, seed = 0x5eed): Balance {
  const random = seededRandom(seed);
  const maxes: number[] = [];
  const stddevs: number[] = [];
  const counts = new Float64Array(nodes);
  for (let t = 0; t < trials; t++) {
    counts.fill(0);
    for (let k = 0; k < keys; k++) counts[Math.floor(random() * nodes)]! += 1;
    const balance = balanceOf(counts);
    maxes.push(balance.maxOverMean);
    stddevs.push(balance.stddevOverMean);
  }
  return { maxOverMean: median(maxes), stddevOverMean: median(stddevs) };
}
