import { Option, type Command } from 'commander';
import type { WorkerOptions } from '@shardis/engine';
import { byteSize, duration, integer } from './parsers.ts';

/** Flags of every command that runs a worker (`migrate`, and changes with `--wait`). */
export interface WorkerFlags {
  readonly batchSize: number;
  readonly scanCount: number;
  readonly migrateTimeout: number;
  readonly bigKeyBytes: number;
  readonly bigKeyTimeout: number;
  readonly maxKeysPerSecond?: number;
  readonly workerId?: string;
  readonly workerLease: number;
  readonly pollInterval: number;
  readonly retries: number;
  readonly metricsPort?: number;
  readonly metricsHost: string;
}

export function addWorkerOptions(command: Command): Command {
  return command
    .optionsGroup('Worker options:')
    .addOption(new Option('--batch-size <n>', 'keys per MIGRATE').argParser(integer(1, 100_000)).default(1000))
    .addOption(new Option('--scan-count <n>', 'least SCAN COUNT per page (raised so a page fills about one batch); a checkpoint per page').argParser(integer(1, 100_000)).default(1000))
    .addOption(new Option('--migrate-timeout <duration>', 'MIGRATE timeout for ordinary batches').argParser(duration).default(10_000, '10s'))
    .addOption(new Option('--big-key-bytes <size>', 'keys larger than this move alone, with --big-key-timeout').argParser(byteSize).default(10 * 1024 * 1024, '10MiB'))
    .addOption(new Option('--big-key-timeout <duration>', 'MIGRATE timeout for a big key').argParser(duration).default(120_000, '2m'))
    .addOption(new Option('--max-keys-per-second <n>', 'throttle: move at most this many keys per second (default: no limit)').argParser(integer(1)))
    .addOption(new Option('--worker-id <id>', 'name of this worker in leases and metrics (default: random)'))
    .addOption(new Option('--worker-lease <duration>', 'lease on a source node; another worker takes over after it expires').argParser(duration).default(10_000, '10s'))
    .addOption(new Option('--poll-interval <duration>', 'how often an idle or waiting worker looks again').argParser(duration).default(500, '500ms'))
    .addOption(new Option('--retries <n>', 'retries after an error before giving up (daemons retry forever)').argParser(integer(0, 1000)).default(5))
    .addOption(new Option('--metrics-port <port>', 'serve Prometheus metrics on http://<metrics-host>:<port>/metrics (0: any free port)').argParser(integer(0, 65535)))
    .addOption(new Option('--metrics-host <host>', 'address the metrics endpoint listens on').default('127.0.0.1'));
}

export interface WorkerSettings {
  readonly options: Omit<WorkerOptions, 'driver' | 'cluster' | 'seeds' | 'onEvent' | 'topologyKey'>;
  /** Why a flag was lowered (throttle), to log. */
  readonly adjustments: readonly string[];
}

/**
 * Worker options from flags. Under a throttle, a page must still finish well within the worker's
 * lease (the lease is renewed between pages). The worker sizes pages so that each moves about
 * one batch, and sources move in parallel sharing the rate, so the batch size (and SCAN COUNT
 * with it) is lowered to what one of `sources` moves in a quarter of the lease.
 */
export function workerSettings(flags: WorkerFlags, sources = 1): WorkerSettings {
  let scanCount = flags.scanCount;
  let batchSize = flags.batchSize;
  const adjustments: string[] = [];
  if (flags.maxKeysPerSecond !== undefined) {
    const perPage = Math.max(1, Math.floor((flags.maxKeysPerSecond * flags.workerLease) / 1000 / 4 / Math.max(1, sources)));
    if (batchSize > perPage) {
      adjustments.push(`--batch-size lowered from ${batchSize} to ${perPage}: at ${flags.maxKeysPerSecond} keys/s shared by up to ${sources} source(s), a page must fit in a quarter of the ${flags.workerLease} ms worker lease`);
      batchSize = perPage;
    }
    scanCount = Math.min(scanCount, perPage);
  }
  return {
    options: {
      batchSize,
      scanCount,
      timeoutMs: flags.migrateTimeout,
      bigKeyBytes: flags.bigKeyBytes,
      bigKeyTimeoutMs: flags.bigKeyTimeout,
      workerLeaseMs: flags.workerLease,
      pollMs: flags.pollInterval,
      ...(flags.maxKeysPerSecond === undefined ? {} : { maxKeysPerSecond: flags.maxKeysPerSecond }),
      ...(flags.workerId === undefined ? {} : { workerId: flags.workerId }),
    },
    adjustments,
  };
}
