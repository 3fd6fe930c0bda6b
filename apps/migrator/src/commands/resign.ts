import { Command } from 'commander';
import { stateSigning, TopologyKeyring } from '@shardis/engine';
import { addCommonOptions, connectionFor, loggerFor, withSession, type Cli, type CommonFlags } from '../cli-context.ts';
import { confirm } from '../confirm.ts';
import { CliError, errorCode, EXIT_FAILURE, EXIT_OK, UsageError } from '../errors.ts';
import { stateSummary } from '../worker-view.ts';

interface ResignFlags extends CommonFlags {
  readonly yes?: boolean;
  readonly acceptUnsigned?: boolean;
}

export function resignCommand(cli: Cli): Command {
  const command = new Command('resign')
    .summary('write the stable state again, signed with the first topology key (key rotation, repair)')
    .description(`Writes the stable state in force again, unchanged, as the next revision, signed with the first --topology-key-file (or SHARDIS_TOPOLOGY_KEY). Nothing moves. Step 2 of a key rotation (SECURITY.md): give every client both keys, run this with the new key first, then remove the old one. Also the repair after a node held a bogus or refused state: a new revision is read again everywhere.

--accept-unsigned turns signing on for a cluster whose state is unsigned: the state in force is taken without a signature (check it with \`shardis status\` first) and written signed. A state signed with a key not given is still refused.`)
    .option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .option('--accept-unsigned', 'take an unsigned state in force and sign it (turning signing on)')
    .addHelpText('after', `
Examples:
  $ shardis resign --topology-key-file new.key --topology-key-file old.key --cluster cache --seed redis://10.0.0.1:6379
  $ SHARDIS_TOPOLOGY_KEY_FILE=/etc/shardis/topology.key shardis resign --accept-unsigned --yes --json`);
  addCommonOptions(command);
  return command.action(async (flags: ResignFlags) => {
    const connection = connectionFor(cli, flags);
    const key = connection.topologyKeys.key;
    if (flags.acceptUnsigned === true && key === undefined) throw new UsageError('--accept-unsigned signs the state: pass --topology-key-file (or SHARDIS_TOPOLOGY_KEY / SHARDIS_TOPOLOGY_KEY_FILE)');
    const logger = loggerFor(cli, flags);
    const out = cli.output;
    cli.exitCode = await withSession(connection, async (session) => {
      const state = await session.state();
      const fields = await session.stateFields(state);
      const before = await session.signerOf(state);
      if (flags.acceptUnsigned === true) {
        // Unsigned is what we accept; a signature that our keys refuse is a forgery or another key.
        try {
          stateSigning(TopologyKeyring.from(key!)).verify(fields ?? {});
        } catch (error) {
          if (errorCode(error) !== 'ERR_TOPOLOGY_REJECTED' || (error as { kind?: unknown }).kind !== 'unsigned') throw new CliError('ERR_TOPOLOGY_REJECTED', `--accept-unsigned takes an unsigned state only, and revision ${state.revision} is signed but refused: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      await session.requireSigningKey(state, 'resign');
      const signer = connection.topologyKeys.ids[0];
      const now = `${before === undefined ? 'unsigned' : `signed with key ${before}`}`;
      const next = signer === undefined ? 'unsigned (no topology key given)' : `signed with key ${signer}`;
      if (flags.json !== true) out.line(`cluster ${connection.cluster}: revision ${state.revision} (${state.mode}, epoch ${state.topology.epoch}, ${state.topology.nodes.length} node(s)), ${now}`);
      if (!(await confirm(out, `Write it again as revision ${state.revision + 1}, ${next}?`, flags.yes === true))) {
        out.err('cancelled; nothing written\n');
        return EXIT_FAILURE;
      }
      const written = await session.admin.resign();
      logger.info('state re-signed', { ...stateSummary(written), key: signer ?? null });
      if (flags.json === true) out.json({ cluster: connection.cluster, written: true, state: stateSummary(written), signedWith: signer ?? null, previous: { revision: state.revision, signedWith: before ?? null } });
      else out.line(`written: revision ${written.revision}, ${next}`);
      return EXIT_OK;
    }, { acceptUnsigned: flags.acceptUnsigned === true });
  });
}
