import type { Balance } from '../../measure/stats.ts';
import type { Quality } from './quality.ts';
import type { Speed } from './speed.ts';

/** Everything measured for one contender at one node count. */
export interface ContenderResult {
  readonly name: string;
  readonly origin: 'shardis' | 'npm';
  readonly quality: Quality;
  readonly speed: Speed;
}

/** Everything measured at one node count. */
export interface NodeCountResult {
  readonly nodeCount: number;
  /** The balance of a uniformly random assignment of the same keys to the same nodes. */
  readonly floor: Balance;
  readonly results: readonly ContenderResult[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

export interface AlgorithmsData {
  readonly keys: number;
  readonly nodeCounts: readonly number[];
  readonly reference: string;
  readonly agreement: readonly string[];
  readonly byNodeCount: readonly NodeCountResult[];
}

export function resultOf(data: AlgorithmsData, nodeCount: number, name: string): ContenderResult | undefined {
  return data.byNodeCount.find((entry) => entry.nodeCount === nodeCount)?.results.find((result) => result.name === name);
}

export function lookupsPerSecond(result: ContenderResult): number {
  return 1e9 / result.speed.lookupNs.median;
}
