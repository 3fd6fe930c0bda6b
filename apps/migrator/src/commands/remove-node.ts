import { Command } from 'commander';
import type { Cli } from '../cli-context.ts';
import { addChangeOptions, runChange, type ChangeFlags } from './change.ts';

export function removeNodeCommand(cli: Cli): Command {
  const command = new Command('remove-node')
    .summary('remove node(s): preview, confirm, write MIGRATING (--wait: and move the keys)')
    .description('Removes one or more nodes from the placement; their keys move to the nodes that own them next. Prints the preview, asks for confirmation on a terminal unless --yes, then writes the MIGRATING state. A removed node can be shut down once the cluster is STABLE again.')
    .argument('<id...>', 'id(s) of the node(s) to remove')
    .addHelpText('after', `
Examples:
  $ shardis remove-node n2 --cluster cache --seed redis://10.0.0.1:6379
  $ shardis remove-node n2 n3 --yes --wait --json`);
  addChangeOptions(command);
  return command.action(async (ids: string[], flags: ChangeFlags) => {
    cli.exitCode = await runChange(cli, flags, { build: () => ({ remove: ids }) });
  });
}
