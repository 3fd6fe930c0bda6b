import type { ClusterState, WorkerEvent } from '@shardis/engine';

/** One source node of the migration under way, as far as this process knows. */
export interface SourceState {
  readonly source: string;
  /** Cumulative for the migration (checkpoint plus this process's pages). */
  moved: number;
  bytes: number;
  scanned: number;
  done: boolean;
  /** Keys SCAN visits in all, estimated: keys on the node when we looked plus keys already moved off it. */
  total: number | undefined;
  /** False until a checkpoint or an event told us where the source stood. */
  known: boolean;
}

/** Checkpoint of a source read when the move begins, and the node's key count then. */
export interface SourceBaseline {
  readonly moved: number;
  readonly bytes: number;
  readonly scanned: number;
  readonly done: boolean;
  readonly keysNow: number;
}

const RATE_WINDOW_MS = 10_000;

/**
 * Turns the worker's events into what progress bars, logs and metrics show. Per-process totals
 * count only what this process moved (deltas over the checkpoint read when a move begins), so
 * a restarted worker does not count the keys of its previous life again.
 */
export class MigrationTracker {
  state: ClusterState | undefined;
  migrationId: number | undefined;
  movingSince: number | undefined;
  readonly sources = new Map<string, SourceState>();
  readonly movedBySource = new Map<string, number>();
  readonly bytesBySource = new Map<string, number>();
  readonly scannedBySource = new Map<string, number>();
  /** `source → target` → failed MIGRATE batches. */
  readonly batchesFailed = new Map<string, { source: string; target: string; count: number }>();
  readonly bigKeys = new Map<string, number>();
  readonly errors = new Map<string, number>();
  commits = 0;
  rollbacks = 0;
  fencedConnections = 0;
  behind: readonly string[] = [];
  barrierSince: number | undefined;
  barrierTotalMs = 0;
  lastProgressAt: number | undefined;
  private readonly window: Array<{ at: number; keys: number; bytes: number }> = [];
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  handle(event: WorkerEvent): void {
    if (event.type !== 'waiting-for-clients') this.endBarrier();
    switch (event.type) {
      case 'state':
      case 'committed':
      case 'reversing':
        this.state = event.state;
        if (event.type === 'committed') this.commits++;
        if (event.type === 'reversing') this.rollbacks++;
        if (event.state.mode === 'stable') this.movingSince = undefined;
        // The lag clock starts when this process first sees work to do.
        else this.lastProgressAt ??= this.now();
        return;
      case 'waiting-for-clients':
        this.behind = event.behind;
        this.barrierSince ??= this.now();
        return;
      case 'moving':
        if (event.migrationId !== this.migrationId) {
          this.migrationId = event.migrationId;
          this.sources.clear();
          this.movingSince = this.now();
          this.lastProgressAt = this.now();
        }
        this.behind = [];
        for (const source of event.sources) if (!this.sources.has(source)) this.sources.set(source, { source, moved: 0, bytes: 0, scanned: 0, done: false, total: undefined, known: false });
        return;
      case 'progress':
        this.progress(event.progress);
        return;
      case 'big-key':
        this.bigKeys.set(event.source, (this.bigKeys.get(event.source) ?? 0) + 1);
        return;
      case 'batch-failed': {
        const key = `${event.source}\u0000${event.target}`;
        const known = this.batchesFailed.get(key) ?? { source: event.source, target: event.target, count: 0 };
        this.batchesFailed.set(key, { ...known, count: known.count + 1 });
        return;
      }
      case 'fenced':
        this.fencedConnections += event.connections;
        return;
    }
  }

  baseline(source: string, baseline: SourceBaseline): void {
    const state = this.sources.get(source);
    if (state === undefined || state.known) return; // an event got there first: it is newer
    Object.assign(state, { moved: baseline.moved, bytes: baseline.bytes, scanned: baseline.scanned, done: baseline.done, total: baseline.keysNow + baseline.moved, known: true });
  }

  recordError(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  keysPerSecond(): number {
    return this.rate('keys');
  }

  bytesPerSecond(): number {
    return this.rate('bytes');
  }

  /** Seconds since the last page of progress while keys are moving; 0 when nothing is to move. */
  lagSeconds(): number {
    if (this.state === undefined || this.state.mode === 'stable' || this.lastProgressAt === undefined) return 0;
    if ([...this.sources.values()].every((source) => source.done) && this.sources.size > 0) return 0;
    return (this.now() - this.lastProgressAt) / 1000;
  }

  barrierWaitMs(): number {
    return this.barrierSince === undefined ? 0 : this.now() - this.barrierSince;
  }

  totals(): { moved: number; bytes: number; scanned: number; total: number | undefined; done: number; pending: number } {
    let moved = 0;
    let bytes = 0;
    let scanned = 0;
    let total: number | undefined = 0;
    let done = 0;
    for (const source of this.sources.values()) {
      moved += source.moved;
      bytes += source.bytes;
      scanned += source.scanned;
      if (source.done) done++;
      total = source.total === undefined || total === undefined ? undefined : total + source.total;
    }
    return { moved, bytes, scanned, total, done, pending: this.sources.size - done };
  }

  private progress(progress: { source: string; moved: number; bytes: number; scanned: number; done: boolean }): void {
    const now = this.now();
    let state = this.sources.get(progress.source);
    if (state === undefined) {
      state = { source: progress.source, moved: 0, bytes: 0, scanned: 0, done: false, total: undefined, known: false };
      this.sources.set(progress.source, state);
    }
    // Without a baseline the first page is not counted: better low than counting a previous run's keys.
    const keys = state.known ? Math.max(0, progress.moved - state.moved) : 0;
    const bytes = state.known ? Math.max(0, progress.bytes - state.bytes) : 0;
    const scanned = state.known ? Math.max(0, progress.scanned - state.scanned) : 0;
    Object.assign(state, { moved: progress.moved, bytes: progress.bytes, scanned: progress.scanned, done: progress.done, known: true });
    add(this.movedBySource, progress.source, keys);
    add(this.bytesBySource, progress.source, bytes);
    add(this.scannedBySource, progress.source, scanned);
    this.window.push({ at: now, keys, bytes });
    this.lastProgressAt = now;
  }

  private rate(what: 'keys' | 'bytes'): number {
    const now = this.now();
    while (this.window.length > 0 && this.window[0]!.at < now - RATE_WINDOW_MS) this.window.shift();
    const sum = this.window.reduce((total, sample) => total + sample[what], 0);
    const span = Math.min(RATE_WINDOW_MS, now - (this.movingSince ?? now - RATE_WINDOW_MS));
    return span <= 0 ? 0 : sum / (span / 1000);
  }

  private endBarrier(): void {
    if (this.barrierSince === undefined) return;
    this.barrierTotalMs += this.now() - this.barrierSince;
    this.barrierSince = undefined;
  }
}

function add(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
