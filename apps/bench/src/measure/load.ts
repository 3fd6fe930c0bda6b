import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';

/** One operation of one caller; `i` counts that caller's operations. */
export type Operation = (caller: number, i: number) => Promise<unknown>;

export interface LoadOptions {
  /** Concurrent callers, each awaiting its previous operation before the next (closed loop). */
  readonly callers: number;
  /** Stop after this long, or when `signal` aborts, whichever comes first. */
  readonly durationMs: number;
  readonly signal?: AbortSignal;
  /** Width of the throughput-over-time buckets, ms. */
  readonly bucketMs?: number;
}

export interface TimelinePoint {
  /** Seconds since the load started (bucket start). */
  readonly t: number;
  readonly opsPerSecond: number;
  readonly p99Ms: number;
}

export interface LoadResult {
  readonly ops: number;
  readonly errors: number;
  /** First error message seen, for the report. */
  readonly firstError: string | undefined;
  readonly seconds: number;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly timeline: readonly TimelinePoint[];
}

function histogram(): RecordableHistogram {
  return createHistogram({ lowest: 1, highest: 60_000_000, figures: 3 });
}

/**
 * Closed-loop load: `callers` async loops, each awaiting one operation at a time, with latencies in
 * Node's HDR histogram (`perf_hooks.createHistogram`, microseconds) overall and per time bucket.
 * Failed operations are counted, not timed, and the caller goes on.
 */
export async function runLoad(operation: Operation, options: LoadOptions): Promise<LoadResult> {
  const bucketMs = options.bucketMs ?? 250;
  const overall = histogram();
  const buckets: { ops: number; latency: RecordableHistogram }[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const caller = async (index: number): Promise<void> => {
    for (let i = 0; performance.now() < deadline && options.signal?.aborted !== true; i++) {
      const t0 = performance.now();
      try {
        await operation(index, i);
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
        continue;
      }
      const t1 = performance.now();
      const micros = Math.max(1, Math.round((t1 - t0) * 1000));
      overall.record(micros);
      const slot = Math.floor((t1 - started) / bucketMs);
      const bucket = (buckets[slot] ??= { ops: 0, latency: histogram() });
      bucket.ops++;
      bucket.latency.record(micros);
    }
  };
  await Promise.all(Array.from({ length: options.callers }, (_, index) => caller(index)));
  const seconds = (performance.now() - started) / 1000;
  const ops = overall.count;
  const timeline = Array.from({ length: buckets.length }, (_, slot) => {
    const bucket = buckets[slot];
    return { t: (slot * bucketMs) / 1000, opsPerSecond: ((bucket?.ops ?? 0) * 1000) / bucketMs, p99Ms: bucket === undefined ? 0 : bucket.latency.percentile(99) / 1000 };
  });
  return {
    ops,
    errors,
    firstError,
    seconds,
    opsPerSecond: ops / seconds,
    p50Ms: ops === 0 ? Number.NaN : overall.percentile(50) / 1000,
    p99Ms: ops === 0 ? Number.NaN : overall.percentile(99) / 1000,
    timeline,
  };
}
