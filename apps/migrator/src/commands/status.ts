import { Command } from 'commander';
import { addCommonOptions, connectionFor, withSession, type Cli, type CommonFlags } from '../cli-context.ts';
import { EXIT_FAILURE, EXIT_OK } from '../errors.ts';
import { printStatus, statusDocument } from '../status-view.ts';

export function statusCommand(cli: Cli): Command {
  const command = new Command('status')
    .summary('show the topology, nodes, clients and migration progress')
    .description('Shows the cluster state (mode, revision, epoch), its pins (count and set digest), whether it is signed and with which key (key ids only), every node with reachability, keys and memory, nodes whose state was refused (unsigned, forged, another key), the live clients and the revision each acknowledged, and the progress of a migration per source. Exits 1 when a node does not answer or holds a refused state.')
    .addHelpText('after', `
Examples:
  $ shardis status --cluster cache --seed redis://10.0.0.1:6379
  $ shardis status --json | jq '.nodes[] | select(.reachable == false)'`);
  addCommonOptions(command);
  return command.action(async (flags: CommonFlags) => {
    const connection = connectionFor(cli, flags);
    cli.exitCode = await withSession(connection, async (session) => {
      const state = await session.state();
      const status = await session.admin.status();
      const signedBy = await session.signerOf(state);
      // The engine reports the failed command; a probe of the node says why it failed.
      const nodes = await Promise.all(status.nodes.map(async (node) => {
        if (node.reachable) return node;
        const probe = await session.probe(node.url);
        return probe.ok ? node : { ...node, error: probe.error };
      }));
      const doc = statusDocument({ ...status, nodes }, { signedBy, keyIds: connection.topologyKeys.ids, refused: [...session.refused.values()] });
      if (flags.json === true) cli.output.json(doc);
      else printStatus(cli.output, doc);
      // A refused state is a node that does not route like the others: worth a failing exit too.
      return doc.nodes.every((node) => node.reachable) && doc.refused.length === 0 ? EXIT_OK : EXIT_FAILURE;
    });
  });
}
