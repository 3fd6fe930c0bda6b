import { Bench } from 'tinybench';
import { spread, type Spread } from './stats.ts';

/** One thing to time: `fn` does `opsPerCall` operations, so per-call overhead is amortised. */
export interface TimedTask {
  readonly name: string;
  readonly fn: () => unknown;
  readonly opsPerCall: number;
}

export interface TimingPlan {
  /** Interleaved repetitions: every task runs once per round, in a rotated order. */
  readonly rounds: number;
  /** Time budget per task and round, ms (tinybench `time`). */
  readonly timeMs: number;
  readonly warmupMs: number;
  /** Least calls per task and round, however slow the call (tinybench `iterations`). */
  readonly minCalls: number;
}

/**
 * Nanoseconds per operation for each task: in every round tinybench warms the task up and takes
 * the median call time; the figure is the median over rounds and the spread is their range.
 * Rounds interleave the tasks (and rotate their order) so that a noisy neighbour on this shared
 * machine slows every contender alike instead of whichever happened to run at that moment.
 */
export function timeInterleaved(tasks: readonly TimedTask[], plan: TimingPlan): Map<string, Spread> {
  const perRound = new Map<string, number[]>(tasks.map((task) => [task.name, []]));
  for (let round = 0; round < plan.rounds; round++) {
    const bench = new Bench({
      time: plan.timeMs,
      warmupTime: plan.warmupMs,
      iterations: plan.minCalls,
      warmupIterations: Math.min(plan.minCalls, 5),
      throws: true,
    });
    const shift = round % tasks.length;
    const order = [...tasks.slice(shift), ...tasks.slice(0, shift)];
    for (const task of order) bench.add(task.name, task.fn);
    bench.runSync();
    for (const task of order) {
      const result = bench.getTask(task.name)!.result;
      if (result.state !== 'completed') throw new Error(`timing ${task.name}: ${result.state === 'errored' ? result.error.message : result.state}`);
      perRound.get(task.name)!.push((result.latency.p50 * 1e6) / task.opsPerCall);
    }
  }
  return new Map([...perRound].map(([name, samples]) => [name, spread(samples)]));
}

/**
 * A loop that calls `target.locate` (or another one-argument method) over `inputs[start, end)`,
 * compiled separately for each contender. A loop shared by all contenders would see a different
 * receiver class from each, turn megamorphic, and charge every contender a dispatch cost that no
 * real caller pays. `new Function` gives each contender its own inline caches.
 */
export function batchLoop<T>(target: object, method: string, inputs: readonly T[], batch: number): () => unknown {
  if (inputs.length % batch !== 0) throw new Error(`batchLoop: ${inputs.length} inputs is not a multiple of the batch ${batch}`);
  const make = new Function(
    'target',
    'inputs',
    'batch',
    `let at = 0;
     return function loop() {
       let last;
       const end = at + batch;
       for (let i = at; i < end; i++) last = target.${method}(inputs[i]);
       at = end === inputs.length ? 0 : end;
       return last;
     };`,
  ) as (target: object, inputs: readonly T[], batch: number) => () => unknown;
  return make(target, inputs, batch);
}
