import type { Command } from 'commander';
import { describeTopologyDiff, diffTopology, type Topology } from '@shardis/core';
import { nextTopology, type ClusterState, type TopologyChange } from '@shardis/engine';
import { addCommonOptions, connectionFor, loggerFor, withSession, type Cli, type CommonFlags } from '../cli-context.ts';
import { confirm } from '../confirm.ts';
import { CliError, EXIT_FAILURE, EXIT_OK, UsageError } from '../errors.ts';
import { formatCount, formatDuration, formatPercent } from '../format.ts';
import { integer } from '../parsers.ts';
import type { Session } from '../session.ts';
import { addWorkerOptions, type WorkerFlags } from '../worker-options.ts';
import { runWorker } from '../worker-runner.ts';
import { stateSummary } from '../worker-view.ts';

/** The flags every change command has (add-node…, pin, unpin). */
export interface ChangeFlagsBase extends CommonFlags, WorkerFlags {
  readonly yes?: boolean;
  readonly dryRun?: boolean;
  readonly wait?: boolean;
}

export interface ChangeFlags extends ChangeFlagsBase {
  readonly sample: number;
  readonly force?: boolean;
}

export function addChangeOptions(command: Command): Command {
  command
    .option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .option('--dry-run', 'print the preview and stop; nothing is written')
    .option('--wait', 'run a migration worker here until the change is done (with the worker options below)')
    .option('--sample <n>', 'keys to SCAN to estimate how many would move', integer(0, 1_000_000), 10_000);
  addCommonOptions(command);
  return addWorkerOptions(command);
}

/** The share of the total weight that changes hands: the least any placement must move. */
function idealFraction(from: Topology, to: Topology): number {
  const share = (topology: Topology) => {
    const total = topology.nodes.reduce((sum, node) => sum + node.weight, 0);
    return new Map(topology.nodes.map((node) => [node.id, node.weight / total]));
  };
  const before = share(from);
  const after = share(to);
  let moved = 0;
  for (const [id, weight] of after) moved += Math.max(0, weight - (before.get(id) ?? 0));
  return moved;
}

export interface ChangeSpec {
  /** The change, from the current state; throws a usage error for bad input. */
  readonly build: (state: ClusterState) => TopologyChange;
  /** Checks against live nodes before anything is written (a new node must answer, be empty). */
  readonly check?: (session: Session, state: ClusterState, change: TopologyChange) => Promise<void>;
}

export interface ChangePreview {
  readonly cluster: string;
  readonly revision: number;
  readonly epoch: { readonly from: number; readonly to: number };
  readonly change: readonly string[];
  readonly totalKeys: number;
  readonly sample: number;
  readonly movedFraction: number | null;
  readonly estimatedKeysToMove: number | null;
  readonly idealFraction: number;
  readonly liveClients: number;
}

/**
 * Checks a change against the cluster and says what it would do. Input errors come first
 * (unknown node, bad weight…: exit 2), then the servers (every node must answer). The share of
 * keys that would move is estimated on a SCAN sample taken from each node in proportion to its
 * keys.
 */
async function previewChange(session: Session, state: ClusterState, flags: ChangeFlags, spec: ChangeSpec): Promise<{ change: TopologyChange; preview: ChangePreview }> {
  const change = spec.build(state);
  const diff = diffTopology(state.topology, nextTopology(state.topology, change));
  if (diff.unchanged) throw new UsageError('the change leaves the placement as it is; nothing to do');
  // Checked with the pins before any node is probed or sampled: a removal that pins point at is
  // refused (NodeHasPinsError names them; exit 2).
  await session.admin.preview(change, []);
  await session.requireReachable(state, 'a change');
  await spec.check?.(session, state, change);
  const status = await session.admin.status();
  const totalKeys = status.nodes.reduce((sum, node) => sum + (node.keys ?? 0), 0);
  const sample = flags.sample > 0 ? await session.sampleKeys(state, flags.sample, new Map(status.nodes.map((node) => [node.id, node.keys ?? 0]))) : [];
  // An estimate: a binary key read as UTF-8 still hashes somewhere random.
  const { next, movedFraction } = await session.admin.preview(change, sample.map((key) => key.toString('utf8')));
  const preview: ChangePreview = {
    cluster: state.topology.cluster,
    revision: state.revision,
    epoch: { from: state.topology.epoch, to: next.epoch },
    change: describeTopologyDiff(diff),
    totalKeys,
    sample: sample.length,
    movedFraction: sample.length > 0 ? movedFraction : null,
    estimatedKeysToMove: sample.length > 0 ? Math.round(movedFraction * totalKeys) : null,
    idealFraction: idealFraction(state.topology, next),
    liveClients: status.clients.size,
  };
  return { change, preview };
}

/**
 * add-node, remove-node and reweight: preview, confirm, write MIGRATING, and with --wait run a
 * worker until STABLE. Nothing is written unless the operator confirmed this very preview.
 */
export async function runChange(cli: Cli, flags: ChangeFlags, spec: ChangeSpec): Promise<number> {
  const out = cli.output;
  const json = flags.json === true;
  const connection = connectionFor(cli, flags);
  const logger = loggerFor(cli, flags);
  return withSession(connection, async (session) => {
    const state = await session.state();
    if (state.mode !== 'stable') {
      throw new CliError('ERR_MIGRATION_STATE', `a change is already under way (${state.mode}, revision ${state.revision}, epoch ${state.source?.epoch} → ${state.topology.epoch}); let a worker finish it (\`shardis migrate\`) or roll it back (\`shardis abort\`)`);
    }
    await session.requireSigningKey(state, 'a change');
    const { change, preview } = await previewChange(session, state, flags, spec);
    // JSON: one document at the end, or a line now when worker events will follow (--wait).
    if (!json) printPreview(cli, preview);
    else if (flags.wait === true && flags.dryRun !== true) out.jsonLine({ type: 'preview', time: new Date().toISOString(), ...preview });
    return confirmAndWrite(cli, session, flags, logger, {
      state,
      epoch: preview.epoch,
      doc: preview,
      write: () => session.admin.change(change),
      logMessage: 'change written',
      rerun: 'run the change with --wait',
    });
  });
}

/** What `confirmAndWrite` writes, and how it speaks of it. */
export interface ConfirmedWrite {
  /** The state the preview was made from: nothing is written if the cluster has moved on since. */
  readonly state: ClusterState;
  readonly epoch: { readonly from: number; readonly to: number };
  /** The preview as JSON, repeated in the final document. */
  readonly doc: object;
  readonly write: () => Promise<ClusterState>;
  readonly logMessage: string;
  /** How to get the keys moved here and now, for the line that says they move later. */
  readonly rerun: string;
  /** Said when the write left the revision as it was (a pin already in place). */
  readonly unchangedLine?: string;
}

/**
 * The end every change command shares, once its preview is shown: stop on --dry-run, ask, check
 * that the cluster is still at the previewed revision (a confirmation may take minutes: what was
 * confirmed must still be what gets changed), write MIGRATING, and with --wait run a worker.
 */
export async function confirmAndWrite(cli: Cli, session: Session, flags: ChangeFlagsBase, logger: ReturnType<typeof loggerFor>, what: ConfirmedWrite): Promise<number> {
  const out = cli.output;
  const json = flags.json === true;
  const { state, epoch, doc } = what;
  if (flags.dryRun === true) {
    if (json) out.json({ ...doc, written: false });
    else out.line('dry run: nothing written');
    return EXIT_OK;
  }
  if (!(await confirm(out, `Write revision ${state.revision + 1} (MIGRATING, epoch ${epoch.from} → ${epoch.to})?`, flags.yes === true))) {
    out.err('cancelled; nothing written\n');
    return EXIT_FAILURE;
  }
  const now = await session.state();
  if (now.revision !== state.revision) throw new CliError('ERR_TOPOLOGY_CONFLICT', `the cluster changed while the preview was shown (revision ${state.revision} → ${now.revision}); nothing written, run the command again`);
  const written = await what.write();
  if (what.unchangedLine !== undefined && written.revision === state.revision) {
    if (json) out.json({ ...doc, written: false, unchanged: true });
    else out.line(what.unchangedLine);
    return EXIT_OK;
  }
  logger.info(what.logMessage, stateSummary(written));
  if (flags.wait !== true) {
    if (json) out.json({ ...doc, written: true, state: stateSummary(written) });
    else out.line(`written: revision ${written.revision} MIGRATING (epoch ${epoch.from} → ${epoch.to}); keys move when a worker runs: \`shardis migrate\` (or ${what.rerun})`);
    return EXIT_OK;
  }
  if (json) out.jsonLine({ type: 'written', time: new Date().toISOString(), state: stateSummary(written) });
  else out.line(`written: revision ${written.revision} MIGRATING; moving keys…`);
  return finishWithWorker(cli, session, flags, logger);
}

/** Runs a worker until stable (the `--wait` of a change or an abort) and prints how it ended. */
export async function finishWithWorker(cli: Cli, session: Session, flags: CommonFlags & WorkerFlags, logger = loggerFor(cli, flags)): Promise<number> {
  const started = Date.now();
  const result = await runWorker({ session, output: cli.output, logger, flags, json: flags.json === true, daemon: false, version: cli.version });
  const moved = [...result.tracker.movedBySource.values()].reduce((sum, n) => sum + n, 0);
  if (flags.json === true) {
    cli.output.jsonLine({ type: result.interrupted ? 'stopped' : 'done', time: new Date().toISOString(), movedHere: moved, ...(result.state === undefined ? {} : { state: stateSummary(result.state) }) });
  } else if (result.state?.mode === 'stable') {
    cli.output.line(`done: STABLE at revision ${result.state.revision}, epoch ${result.state.topology.epoch}; ${formatCount(moved)} keys moved in ${formatDuration(Date.now() - started)}`);
  } else {
    cli.output.line(`stopped: ${formatCount(moved)} keys moved; progress is checkpointed, \`shardis migrate\` resumes`);
  }
  return result.exitCode;
}

function printPreview(cli: Cli, doc: ChangePreview): void {
  const out = cli.output;
  out.line(`change to cluster ${doc.cluster} (now revision ${doc.revision}):`);
  for (const line of doc.change) out.line(`  ${line}`);
  if (doc.movedFraction === null) out.line(`keys: ${formatCount(doc.totalKeys)}; no sample taken (the ideal for this change is ${formatPercent(doc.idealFraction)})`);
  else out.line(`keys: ${formatCount(doc.totalKeys)}; ~${formatPercent(doc.movedFraction)} would move (≈ ${formatCount(doc.estimatedKeysToMove ?? 0)} keys), estimated on ${formatCount(doc.sample)} sampled keys; ideal ${formatPercent(doc.idealFraction)}`);
  out.line(`clients: ${doc.liveClients} live; the move starts once each has acknowledged the new revision`);
}
