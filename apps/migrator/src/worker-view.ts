import type { ClusterState, WorkerEvent } from '@shardis/engine';
import { bar, formatBytes, formatCount, formatDuration, formatPercent } from './format.ts';
import { printableKey } from './io.ts';
import type { Logger } from './logger.ts';
import type { MigrationTracker, SourceState } from './tracker.ts';

/**
 * MIGRATE between TLS nodes needs `tls-cluster yes` on the source (SECURITY.md, TLS): without it
 * a batch fails with IOERR, and reconciling retries it forever without another event. Returns the
 * hint for the first such failure when nodes use TLS; the caller logs it once.
 */
export function tlsMigrateHint(event: WorkerEvent, tls: boolean): string | undefined {
  if (!tls || event.type !== 'batch-failed' || !/\bIOERR\b/.test(event.error.message)) return undefined;
  return `MIGRATE from ${event.source} to ${event.target} failed with IOERR between TLS nodes. The source opens that connection itself, over TLS only with \`tls-cluster yes\`: set it on every node that may be a source, with a tls-ca-cert-file that trusts the targets (and a client certificate if they require one); see SECURITY.md, TLS`;
}

/** A state in a few fields, for logs and JSON lines (the topology itself is not repeated). */
export function stateSummary(state: ClusterState): Record<string, unknown> {
  return {
    revision: state.revision,
    mode: state.mode,
    epoch: state.topology.epoch,
    ...(state.source === undefined ? {} : { fromEpoch: state.source.epoch }),
    nodes: state.topology.nodes.map((node) => node.id),
  };
}

/** The worker's event as one JSON line (`--json`). */
export function eventJson(event: WorkerEvent): Record<string, unknown> {
  const time = new Date().toISOString();
  switch (event.type) {
    case 'state':
    case 'committed':
    case 'reversing':
      return { type: event.type, time, state: stateSummary(event.state) };
    case 'progress': {
      const { cursor: _cursor, ...progress } = event.progress;
      return { type: 'progress', time, ...progress };
    }
    case 'big-key':
      return { type: 'big-key', time, source: event.source, key: printableKey(event.key), bytes: event.bytes };
    case 'batch-failed':
      return { type: 'batch-failed', time, source: event.source, target: event.target, error: event.error.message };
    case 'topology-rejected':
      return { type: 'topology-rejected', time, node: event.node, kind: event.error.kind, message: event.error.reason };
    default: {
      const { type, ...rest } = event as { type: string } & Record<string, unknown>;
      return { type, time, ...plainFields(rest) };
    }
  }
}

/**
 * Log lines for worker events: what an operator needs at `info`, every page at `debug`. `seen`
 * remembers what was said, so the barrier's once-a-second event and repeated states log once.
 */
export function logEvent(logger: Logger, event: WorkerEvent, seen: { revision?: number; waitingFor?: number }): void {
  switch (event.type) {
    case 'state':
      if (seen.revision === event.state.revision) return;
      seen.revision = event.state.revision;
      logger.info(event.state.mode === 'stable' ? 'cluster is stable' : `cluster is ${event.state.mode}`, stateSummary(event.state));
      return;
    case 'waiting-for-clients': {
      const fields = { revision: event.revision, behind: event.behind.length, clients: event.behind.slice(0, 5) };
      if (seen.waitingFor === event.revision) logger.debug('still waiting for clients', fields);
      else logger.info('waiting for clients to acknowledge the revision', fields);
      seen.waitingFor = event.revision;
      return;
    }
    case 'moving':
      logger.info('moving keys', { migration: event.migrationId, sources: event.sources });
      return;
    case 'progress': {
      const { source, moved, bytes, scanned, done } = event.progress;
      if (done) logger.info('source done', { source, moved, bytes, scanned });
      else logger.debug('page moved', { source, moved, bytes, scanned });
      return;
    }
    case 'big-key':
      logger.warn('big key moved alone', { source: event.source, key: printableKey(event.key, 80), bytes: event.bytes });
      return;
    case 'batch-failed':
      logger.warn('MIGRATE batch failed; reconciling', { source: event.source, target: event.target, error: event.error });
      return;
    case 'committed':
      logger.info('migration committed', stateSummary(event.state));
      return;
    case 'reversing':
      logger.warn('abort: moving keys back', stateSummary(event.state));
      return;
    case 'fenced':
      logger.warn('closed connections of clients whose lease lapsed', { connections: event.connections });
      return;
    case 'topology-rejected':
      // A node holds a state no key of ours verifies (unsigned, forged, another key): it is ignored.
      logger.warn('refused the state a node holds', { node: event.node, kind: event.error.kind, message: event.error.reason });
      return;
    default: {
      // Events this CLI does not know by name (a newer engine): logged as they come.
      const { type, ...rest } = event as { type: string } & Record<string, unknown>;
      logger.warn(`worker event: ${type}`, plainFields(rest));
    }
  }
}

/** Event fields fit for JSON: errors as `{ code, message }`, states summarised. */
function plainFields(fields: Record<string, unknown>): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) plain[key] = { ...((value as { code?: unknown }).code === undefined ? {} : { code: (value as { code?: unknown }).code }), message: value.message };
    else if (value !== null && typeof value === 'object' && 'revision' in value && 'topology' in value) plain[key] = stateSummary(value as ClusterState);
    else plain[key] = value;
  }
  return plain;
}

function sourceFraction(source: SourceState): number {
  if (source.done) return 1;
  if (source.total === undefined || source.total <= 0) return 0;
  // The estimate can overshoot (keys written meanwhile); never claim done before the checkpoint does.
  return Math.min(0.99, source.scanned / source.total);
}

/** The progress block: a summary line, one bar per source, and who the barrier waits for. */
export function progressLines(tracker: MigrationTracker): string[] {
  const state = tracker.state;
  if (state === undefined) return ['reading the cluster state…'];
  if (tracker.barrierSince !== undefined) {
    const ids = tracker.behind.slice(0, 3).join(', ');
    return [`waiting ${formatDuration(tracker.barrierWaitMs())} for ${tracker.behind.length} client(s) to acknowledge revision ${state.revision}${ids === '' ? '' : ` (${ids}${tracker.behind.length > 3 ? ', …' : ''})`}`];
  }
  if (tracker.sources.size === 0) return [state.mode === 'stable' ? `stable at revision ${state.revision}; waiting for a change` : `${state.mode} (revision ${state.revision}); preparing`];
  const totals = tracker.totals();
  const sources = [...tracker.sources.values()];
  // Weighted by each source's size when every size is known, else the mean of the bars.
  const sized = sources.every((source) => source.total !== undefined);
  const weight = (source: SourceState) => (sized ? Math.max(1, source.total!) : 1);
  const overall = sources.reduce((sum, source) => sum + sourceFraction(source) * weight(source), 0) / Math.max(1, sources.reduce((sum, source) => sum + weight(source), 0));
  const elapsed = tracker.movingSince === undefined ? 0 : Date.now() - tracker.movingSince;
  const eta = overall > 0.01 && overall < 1 ? ` ETA ${formatDuration((elapsed * (1 - overall)) / overall)}` : '';
  const lines = [
    `epoch ${state.source?.epoch ?? '?'} → ${state.topology.epoch}  ${bar(overall)} ${formatPercent(overall)}  moved ${formatCount(totals.moved)} keys (${formatBytes(totals.bytes)})  ${formatCount(tracker.keysPerSecond())} keys/s  sources ${totals.done}/${tracker.sources.size}${eta}`,
  ];
  const width = Math.max(...[...tracker.sources.keys()].map((id) => id.length));
  for (const source of tracker.sources.values()) {
    const fraction = sourceFraction(source);
    lines.push(`  ${source.source.padEnd(width)}  ${bar(fraction, 20)} ${source.done ? ' done ' : formatPercent(fraction).padStart(6)}  moved ${formatCount(source.moved)}  scanned ${formatCount(source.scanned)}`);
  }
  return lines;
}
