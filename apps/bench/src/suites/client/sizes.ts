/** How hard and how long the client suite pushes: the load for a full run, a taste with --quick. */
export interface ClientSizes {
  /** Concurrent callers per measurement, each awaiting its previous command. */
  readonly callers: number;
  readonly durationMs: number;
  /** Interleaved repetitions of every (contender, command) measurement. */
  readonly rounds: number;
  /** Distinct keys, written once before the first measurement so that every GET hits. */
  readonly keyspace: number;
  readonly valueBytes: number;
}

export const fullClientSizes: ClientSizes = { callers: 50, durationMs: 5000, rounds: 3, keyspace: 100_000, valueBytes: 100 };
export const quickClientSizes: ClientSizes = { callers: 50, durationMs: 600, rounds: 1, keyspace: 5_000, valueBytes: 100 };

/** Spreads a caller's i-th command over the keyspace without a shared random generator. */
export function benchKey(caller: number, i: number, keyspace: number): string {
  return `bench:${(caller * 1_000_003 + i * 7919) % keyspace}`;
}
