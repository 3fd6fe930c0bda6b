import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { stateNodes, type ClusterState, type MigrationWorker, type NodeConnection, type WorkerEvent } from '@shardis/engine';
import { EXIT_INTERRUPTED, EXIT_OK, errorCode } from './errors.ts';
import type { Output } from './io.ts';
import type { Logger } from './logger.ts';
import { migrationMetrics } from './metrics/migration-metrics.ts';
import { startMetricsServer, type MetricsServer } from './metrics/server.ts';
import { ProgressBlock } from './progress.ts';
import type { Session } from './session.ts';
import { MigrationTracker } from './tracker.ts';
import { workerSettings, type WorkerFlags } from './worker-options.ts';
import { eventJson, logEvent, progressLines, stateSummary, tlsMigrateHint } from './worker-view.ts';

export interface RunWorkerOptions {
  readonly session: Session;
  readonly output: Output;
  readonly logger: Logger;
  readonly flags: WorkerFlags;
  /** JSON lines on stdout instead of a progress block. */
  readonly json: boolean;
  /** Keep waiting for the next change after the cluster is stable. */
  readonly daemon: boolean;
  readonly version: string;
}

export interface WorkerResult {
  readonly exitCode: number;
  readonly state: ClusterState | undefined;
  readonly interrupted: boolean;
  readonly tracker: MigrationTracker;
}

/** Says which process holds a lease: host, pid, and a random part for restarts that reuse a pid. */
function defaultWorkerId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
}

/** Errors after which retrying cannot help (the cluster is gone, or its document is not trusted). */
const FATAL = new Set(['ERR_TOPOLOGY_NOT_FOUND', 'ERR_TOPOLOGY_REJECTED']);

/**
 * Runs a migration worker until the cluster is stable, or forever (`daemon`), with logs, a
 * progress block, JSON lines and metrics. SIGINT/SIGTERM stop it between pages: every page is
 * checkpointed in Redis, so `shardis migrate` resumes where it stopped. A second signal leaves
 * at once (still safe: a batch is one atomic MIGRATE, and the next worker reconciles).
 */
export async function runWorker(options: RunWorkerOptions): Promise<WorkerResult> {
  const { session, output, logger, flags } = options;
  const known = await session.admin.access.read().catch(() => undefined);
  // The worker writes states (commits, rollbacks): unsigned ones over a signed cluster would strand every client.
  if (known !== undefined) await session.requireSigningKey(known, 'a worker');
  // Under a throttle, pages are sized for every node moving keys at once.
  const settings = workerSettings({ ...flags, workerId: flags.workerId ?? defaultWorkerId() }, known === undefined ? 1 : stateNodes(known).length);
  const log = logger.child({ worker: settings.options.workerId });
  for (const note of settings.adjustments) log.warn(note);
  const tracker = new MigrationTracker();
  const progress = new ProgressBlock(output, !options.json);
  const seen: { revision?: number; waitingFor?: number; tlsHint?: boolean } = {};
  let worker!: MigrationWorker;
  const onEvent = (event: WorkerEvent) => {
    tracker.handle(event);
    const hint = seen.tlsHint === true ? undefined : tlsMigrateHint(event, usesTls(session, tracker.state));
    if (hint !== undefined) {
      seen.tlsHint = true;
      log.warn(hint);
    }
    if (event.type === 'moving') readBaselines(worker, tracker, event.migrationId, event.sources);
    // The barrier reports once a second: one JSON line per revision waited for is enough.
    const repeated = event.type === 'waiting-for-clients' && seen.waitingFor === event.revision;
    logEvent(log, event, seen);
    if (options.json && !repeated) output.jsonLine(eventJson(event));
    progress.update(progressLines(tracker), event.type !== 'progress' || event.progress.done);
  };
  worker = session.worker({ ...settings.options, onEvent });
  const controller = new AbortController();
  const unsubscribe = stopOnSignals(output, log, controller);
  const ticker = setInterval(() => progress.update(progressLines(tracker)), 500);
  ticker.unref();
  let metrics: MetricsServer | undefined;
  try {
    if (flags.metricsPort !== undefined) metrics = await serveMetrics(options, tracker, worker.id, log);
    log.info(options.daemon ? 'worker started; waiting for changes' : 'worker started', { batchSize: settings.options.batchSize, scanCount: settings.options.scanCount, maxKeysPerSecond: flags.maxKeysPerSecond });
    const state = await loop(worker, tracker, log, options, controller.signal);
    const interrupted = controller.signal.aborted;
    const stable = state?.mode === 'stable';
    if (interrupted) log.warn(stable ? 'stopped' : 'stopped before the cluster was stable; run `shardis migrate` to resume from the checkpoint', state === undefined ? {} : stateSummary(state));
    return { exitCode: interrupted && !stable && !options.daemon ? EXIT_INTERRUPTED : EXIT_OK, state, interrupted, tracker };
  } finally {
    clearInterval(ticker);
    unsubscribe();
    progress.stop();
    await metrics?.close();
  }
}

function usesTls(session: Session, state: ClusterState | undefined): boolean {
  return session.connection.tls || (state !== undefined && stateNodes(state).some((node) => node.url.startsWith('rediss:')));
}

/** The first SIGINT/SIGTERM stops the worker between pages; a second one leaves at once. */
function stopOnSignals(output: Output, log: Logger, controller: AbortController): () => void {
  let signals = 0;
  return output.io.onSignal((signal) => {
    signals++;
    if (signals === 1) {
      log.warn(`${signal}: stopping after the current page; progress is checkpointed (send again to leave now)`);
      controller.abort();
    } else {
      log.error(`${signal} again: leaving now; the next worker resumes from the last checkpoint`);
      output.io.exit?.(EXIT_INTERRUPTED);
    }
  });
}

async function serveMetrics(options: RunWorkerOptions, tracker: MigrationTracker, workerId: string, log: Logger): Promise<MetricsServer> {
  const { output, flags, session } = options;
  const registry = migrationMetrics(tracker, { workerId, cluster: session.connection.cluster, driver: session.driver.name, version: options.version });
  const server = await startMetricsServer(registry, { host: flags.metricsHost, port: flags.metricsPort ?? 0, scrub: (text) => output.scrub(text) });
  log.info('metrics endpoint listening', { url: server.url });
  if (options.json) output.jsonLine({ type: 'metrics', time: new Date().toISOString(), url: server.url });
  return server;
}

async function loop(worker: MigrationWorker, tracker: MigrationTracker, log: Logger, options: RunWorkerOptions, signal: AbortSignal): Promise<ClusterState | undefined> {
  let failures = 0;
  for (;;) {
    try {
      const state = await worker.runUntilStable(signal);
      failures = 0;
      if (!options.daemon) return state;
      await sleep(options.flags.pollInterval, undefined, { signal });
    } catch (error) {
      if (signal.aborted) return tracker.state;
      const code = errorCode(error) ?? 'ERR_WORKER';
      tracker.recordError(code);
      failures++;
      if (!options.daemon && (FATAL.has(code) || failures > options.flags.retries)) throw error;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(failures - 1, 6));
      log.error('worker error; retrying', { error: error instanceof Error ? error : new Error(String(error)), attempt: failures, retryInMs: delay });
      try {
        await sleep(delay, undefined, { signal });
      } catch {
        return tracker.state;
      }
    }
  }
}

/**
 * Reads each source's checkpoint and key count when a move begins. Sent on the worker's own
 * connection to that node, before the mover's first command, so it sees the checkpoint the
 * mover resumes from: per-process counters then count only keys moved by this process.
 */
function readBaselines(worker: MigrationWorker, tracker: MigrationTracker, migrationId: number, sources: readonly string[]): void {
  const state = tracker.state;
  if (state === undefined) return;
  const connections = worker.access.connectionsFor(state);
  // The engine's checkpoint key (source-mover.ts progressKey).
  const key = `${worker.access.keys.migrationPrefix}${migrationId}:progress`;
  for (const source of sources) {
    const connection: NodeConnection | undefined = connections.get(source);
    connection?.batch([['HGETALL', key], ['DBSIZE']]).then(([fields, size]) => {
      const saved = new Map<string, string>();
      if (Array.isArray(fields)) for (let i = 0; i + 1 < fields.length; i += 2) saved.set(String(fields[i]), String(fields[i + 1]));
      tracker.baseline(source, {
        moved: Number(saved.get('moved') ?? 0),
        bytes: Number(saved.get('bytes') ?? 0),
        scanned: Number(saved.get('scanned') ?? 0),
        done: saved.get('done') === '1',
        keysNow: typeof size === 'number' ? size : 0,
      });
    }, () => undefined);
  }
}
