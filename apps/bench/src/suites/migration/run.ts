import type { MigrationContender } from '../../contenders/migration/index.ts';
import { runLoad, type LoadResult } from '../../measure/load.ts';
import type { MigrationSuiteSizes } from './sizes.ts';

export interface MigrationRun {
  readonly contender: string;
  readonly loaded: boolean;
  readonly moved: number;
  readonly seconds: number;
  readonly keysPerSecond: number;
  /** Present under load: the client's view, and when the move started and ended on its clock. */
  readonly load?: LoadResult & { readonly moveStart: number; readonly moveEnd: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Prepares a fresh set-up, optionally starts the load and lets it settle, runs the move, lets the
 * load run on after it, and stops everything. Timing starts when the move is asked for and ends
 * when it reports done (the topology committed, or redis-cli exiting).
 */
export async function runMigration(contender: MigrationContender, loaded: boolean, sizes: MigrationSuiteSizes): Promise<MigrationRun> {
  const prepared = await contender.prepare(sizes);
  try {
    const stop = new AbortController();
    const value = 'w'.repeat(sizes.valueBytes);
    const client = prepared.client;
    const loadStarted = performance.now();
    const load = loaded
      ? runLoad((caller, i) => {
          const key = `bench:${(caller * 1_000_003 + i * 7919) % sizes.keys}`;
          return i % 2 === 0 ? client.get(key) : client.set(key, value);
        }, { callers: sizes.callers, durationMs: 24 * 3600_000, signal: stop.signal, bucketMs: sizes.bucketMs })
      : undefined;
    if (loaded) await sleep(sizes.settleMs);
    const started = performance.now();
    const { moved } = await prepared.migrate();
    const ended = performance.now();
    if (loaded) await sleep(sizes.settleMs);
    stop.abort();
    const result = await load;
    const seconds = (ended - started) / 1000;
    return {
      contender: contender.name,
      loaded,
      moved,
      seconds,
      keysPerSecond: moved / seconds,
      ...(result === undefined ? {} : { load: { ...result, moveStart: (started - loadStarted) / 1000, moveEnd: (ended - loadStarted) / 1000 } }),
    };
  } finally {
    await prepared.stop();
  }
}

/** Client throughput during the move over the median before it: 1 means no dip. */
export function dip(run: MigrationRun): { readonly lowest: number; readonly average: number; readonly p99Before: number; readonly p99During: number } | undefined {
  const load = run.load;
  if (load === undefined) return undefined;
  const before = load.timeline.filter((p) => p.t + 1e-9 < load.moveStart && p.t > 0);
  const during = load.timeline.filter((p) => p.t >= load.moveStart && p.t < load.moveEnd);
  if (before.length === 0 || during.length === 0) return undefined;
  const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;
  const baseline = median(before.map((p) => p.opsPerSecond));
  return {
    lowest: Math.min(...during.map((p) => p.opsPerSecond)) / baseline,
    average: during.reduce((sum, p) => sum + p.opsPerSecond, 0) / during.length / baseline,
    p99Before: median(before.map((p) => p.p99Ms)),
    p99During: Math.max(...during.map((p) => p.p99Ms)),
  };
}
