import { memoryUsage } from 'node:process';
import type { MigrationTracker } from '../tracker.ts';
import { Registry } from './registry.ts';

const MODES = ['stable', 'migrating', 'frozen'] as const;

/**
 * The worker's metrics, read from the tracker at scrape time. Names and meanings are listed in
 * the README; `*_total` counters count what this process did since it started.
 */
export function migrationMetrics(tracker: MigrationTracker, info: { workerId: string; cluster: string; driver: string; version: string }): Registry {
  const registry = new Registry();
  const startedAt = Date.now() / 1000;
  registry.gauge('shardis_migrator_info', 'Worker identity; always 1.', (g) => g.set(1, { worker_id: info.workerId, cluster: info.cluster, driver: info.driver, version: info.version }));
  registry.gauge('shardis_cluster_revision', 'Revision of the cluster state the worker last read.', (g) => g.set(tracker.state?.revision ?? 0));
  registry.gauge('shardis_cluster_epoch', 'Epoch of the target placement the worker last read.', (g) => g.set(tracker.state?.topology.epoch ?? 0));
  registry.gauge('shardis_cluster_mode', 'Cluster mode: 1 for the current one (stable, migrating, frozen).', (g) => {
    for (const mode of MODES) g.set(tracker.state?.mode === mode ? 1 : 0, { mode });
  });
  registry.gauge('shardis_migration_id', 'Epoch the keys are moving to; 0 when no move has started in this process.', (g) => g.set(tracker.migrationId ?? 0));
  registry.counter('shardis_migration_keys_moved_total', 'Keys this process moved, by source node.', (c) => {
    for (const [source, value] of tracker.movedBySource) c.set(value, { source });
  });
  registry.counter('shardis_migration_bytes_moved_total', 'Bytes (MEMORY USAGE) of the keys this process moved, by source node.', (c) => {
    for (const [source, value] of tracker.bytesBySource) c.set(value, { source });
  });
  registry.counter('shardis_migration_keys_scanned_total', 'Keys this process scanned on source nodes (moving or not).', (c) => {
    for (const [source, value] of tracker.scannedBySource) c.set(value, { source });
  });
  registry.gauge('shardis_migration_keys_per_second', 'Keys moved per second over the last 10 s.', (g) => g.set(round(tracker.keysPerSecond())));
  registry.gauge('shardis_migration_bytes_per_second', 'Bytes moved per second over the last 10 s.', (g) => g.set(round(tracker.bytesPerSecond())));
  registry.counter('shardis_migration_batches_failed_total', 'MIGRATE batches that failed half-way and were reconciled, by source and target.', (c) => {
    for (const { source, target, count } of tracker.batchesFailed.values()) c.set(count, { source, target });
  });
  registry.counter('shardis_migration_big_keys_total', 'Keys over --big-key-bytes, moved alone with the long timeout, by source.', (c) => {
    for (const [source, value] of tracker.bigKeys) c.set(value, { source });
  });
  registry.counter('shardis_migration_errors_total', 'Errors that interrupted the worker loop (retried), by error code.', (c) => {
    for (const [code, value] of tracker.errors) c.set(value, { code });
  });
  registry.gauge('shardis_migration_sources_done', 'Source nodes of the migration under way that have moved all their leaving keys.', (g) => g.set(tracker.totals().done));
  registry.gauge('shardis_migration_sources_pending', 'Source nodes of the migration under way still to finish.', (g) => g.set(tracker.totals().pending));
  registry.gauge('shardis_migration_barrier_waiting_seconds', 'How long the worker has been waiting for clients to acknowledge a revision; 0 when not waiting.', (g) => g.set(round(tracker.barrierWaitMs() / 1000)));
  registry.counter('shardis_migration_barrier_wait_seconds_total', 'Total time spent waiting for clients to acknowledge revisions.', (c) => c.set(round((tracker.barrierTotalMs + tracker.barrierWaitMs()) / 1000)));
  registry.gauge('shardis_migration_clients_behind', 'Clients that have not acknowledged the revision the worker waits for.', (g) => g.set(tracker.behind.length));
  registry.gauge('shardis_migration_last_progress_timestamp_seconds', 'Unix time of the last page of keys moved (or of the start of the current work); 0 if none.', (g) => g.set(tracker.lastProgressAt === undefined ? 0 : tracker.lastProgressAt / 1000));
  registry.gauge('shardis_migration_lag_seconds', 'Seconds since the last progress while a migration is under way; 0 when there is nothing to move.', (g) => g.set(round(tracker.lagSeconds())));
  registry.counter('shardis_migration_commits_total', 'Migrations this process committed (wrote STABLE).', (c) => c.set(tracker.commits));
  registry.counter('shardis_migration_rollbacks_total', 'Aborted migrations this process started moving back.', (c) => c.set(tracker.rollbacks));
  registry.counter('shardis_migration_fenced_connections_total', 'Connections of clients whose lease lapsed, closed before a move went on.', (c) => c.set(tracker.fencedConnections));
  registry.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch in seconds.', (g) => g.set(round(startedAt)));
  registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', (g) => g.set(memoryUsage.rss()));
  return registry;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
