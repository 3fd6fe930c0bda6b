import type { Command } from 'commander';
import type { Pin } from '@shardis/core';
import type { ClusterAdmin, ClusterState, PinChange } from '@shardis/engine';
import { addCommonOptions, connectionFor, loggerFor, withSession, type Cli } from './cli-context.ts';
import { confirmAndWrite, type ChangeFlagsBase } from './commands/change.ts';
import { CliError, EXIT_OK, UsageError } from './errors.ts';
import { printableKey, printableText } from './io.ts';
import { quote } from './parsers.ts';
import { addWorkerOptions } from './worker-options.ts';

/** Flags of `pin` and `unpin`. */
export interface PinFlags extends ChangeFlagsBase {
  readonly hex?: boolean;
}

export function addPinOptions(command: Command): Command {
  command
    .option('--hex', 'the key arguments are hex-encoded bytes (keys that are not UTF-8; `shardis pins` lists those as hex:…)')
    .option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .option('--dry-run', 'print the preview and stop; nothing is written')
    .option('--wait', 'run a migration worker here until the keys have moved (with the worker options below)');
  addCommonOptions(command);
  return addWorkerOptions(command);
}

/** A key or `{tag}` from the command line: its text, or with `--hex` the bytes it spells. */
export function pinFieldArg(text: string, hex: boolean): string | Buffer {
  if (!hex) return text;
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(text)) throw new UsageError(`--hex ${quote(text)}: write the key's bytes as an even number of hex digits`);
  return Buffer.from(text, 'hex');
}

/** A pinned field for people: its text, or `hex:…` when it is not printable UTF-8. */
export function fieldText(field: string | Uint8Array): string {
  return printableKey(typeof field === 'string' ? Buffer.from(field, 'utf8') : field, 120);
}

/** A pinned field for JSON: `{ field }`, or `{ field: <hex>, hex: true }` for bytes that are not printable text. */
export function fieldJson(field: string | Uint8Array): { field: string; hex?: true } {
  const bytes = typeof field === 'string' ? Buffer.from(field, 'utf8') : Buffer.from(field);
  const text = printableText(bytes);
  return text === undefined ? { field: bytes.toString('hex'), hex: true } : { field: text };
}

/** `{name}`: a pin field that stands for every key of a hash tag (core's tag rule: the first `}` closes it). */
function isTag(field: string | Uint8Array): boolean {
  const text = Buffer.from(field).toString('latin1');
  return text.length > 2 && text.startsWith('{') && text.indexOf('}') === text.length - 1;
}

function pinKey(pin: Pin): string {
  return `${Buffer.from(pin.field).toString('hex')} ${pin.node}`;
}

export interface PinChangeSpec {
  readonly change: PinChange;
  /** What it does, for messages: `pin {user:42} to n3`. */
  readonly what: string;
  readonly write: (admin: ClusterAdmin) => Promise<ClusterState>;
}

/**
 * pin and unpin: check, preview (the keys or `{tag}`s whose node changes), confirm, write
 * MIGRATING, and with --wait run a worker until STABLE. Bad pins (unknown node, a key with a tag,
 * a field that is not pinned) are usage errors, before any node is probed; nothing is written
 * unless the operator confirmed this very preview.
 */
export async function runPinChange(cli: Cli, flags: PinFlags, spec: PinChangeSpec): Promise<number> {
  const out = cli.output;
  const json = flags.json === true;
  const connection = connectionFor(cli, flags);
  const logger = loggerFor(cli, flags);
  return withSession(connection, async (session) => {
    const state = await session.state();
    if (state.mode !== 'stable') {
      throw new CliError('ERR_MIGRATION_STATE', `a change is already under way (${state.mode}, revision ${state.revision}); let a worker finish it (\`shardis migrate\`) or roll it back (\`shardis abort\`)`);
    }
    const preview = await session.admin.previewPins(spec.change);
    const before = await session.admin.pins();
    const epoch = { from: state.topology.epoch, to: state.topology.epoch + 1 };
    const moves = preview.moves.map((move) => ({ ...fieldJson(move.field), from: move.from, to: move.to }));
    const doc = { cluster: connection.cluster, revision: state.revision, change: spec.what, epoch, pins: { before: before.length, after: preview.pins.length }, moves };
    if (before.map(pinKey).join('\n') === preview.pins.map(pinKey).join('\n')) {
      if (json) out.json({ ...doc, written: false, unchanged: true });
      else out.line(`already pinned there: ${spec.what} changes nothing (revision ${state.revision}); nothing written`);
      return EXIT_OK;
    }
    await session.requireSigningKey(state, spec.what);
    await session.requireReachable(state, 'a pin change');
    if (!json) printPinPreview(cli, state, spec.what, preview.moves, doc.pins);
    else if (flags.wait === true && flags.dryRun !== true) out.jsonLine({ type: 'preview', time: new Date().toISOString(), ...doc });
    return confirmAndWrite(cli, session, flags, logger, {
      state,
      epoch,
      doc,
      write: () => spec.write(session.admin),
      logMessage: 'pin change written',
      rerun: 'run the command with --wait',
      unchangedLine: `already pinned there: revision ${state.revision} stays; nothing written`,
    });
  });
}

function printPinPreview(cli: Cli, state: ClusterState, what: string, moves: ReadonlyArray<{ field: string | Uint8Array; from: string; to: string }>, pins: { before: number; after: number }): void {
  const out = cli.output;
  out.line(`pin change to cluster ${state.topology.cluster} (now revision ${state.revision}): ${what}`);
  out.line(`  epoch ${state.topology.epoch} → ${state.topology.epoch + 1}; pins ${pins.before} → ${pins.after}`);
  if (moves.length === 0) out.line('  no key changes node (each field already lives where it is pinned)');
  const width = Math.max(0, ...moves.map((move) => fieldText(move.field).length));
  for (const move of moves) out.line(`  move  ${fieldText(move.field).padEnd(width)}  ${move.from} → ${move.to}${isTag(move.field) ? '  (every key of the tag)' : ''}`);
}
