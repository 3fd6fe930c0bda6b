import type { MigrationSizes } from '../../contenders/migration/index.ts';

export interface MigrationSuiteSizes extends MigrationSizes {
  /** Repetitions of each (contender, load) run; medians over them. */
  readonly rounds: number;
  /** Concurrent callers of the load, half GET half SET over the keys being moved. */
  readonly callers: number;
  /** Load before the move starts and after it ends, ms: the baseline the dip is measured against. */
  readonly settleMs: number;
  readonly bucketMs: number;
  /** Run each mover idle as well as under load (a --quick run only exercises the loaded path). */
  readonly idle: boolean;
}

export const fullMigrationSizes: MigrationSuiteSizes = { keys: 300_000, valueBytes: 100, share: 1 / 3, rounds: 3, callers: 50, settleMs: 2000, bucketMs: 250, idle: true };
export const quickMigrationSizes: MigrationSuiteSizes = { keys: 6_000, valueBytes: 100, share: 1 / 3, rounds: 1, callers: 50, settleMs: 400, bucketMs: 100, idle: false };
