import { Command } from 'commander';
import type { Cli } from '../cli-context.ts';
import { parseWeightSpec } from '../node-spec.ts';
import { addChangeOptions, runChange, type ChangeFlags } from './change.ts';

export function reweightCommand(cli: Cli): Command {
  const command = new Command('reweight')
    .summary('change node weights: preview, confirm, write MIGRATING (--wait: and move the keys)')
    .description('Changes the weight of one or more nodes (a node with weight 2 gets about twice the keys of one with weight 1). Prints the preview, asks for confirmation on a terminal unless --yes, then writes the MIGRATING state.')
    .argument('<id=weight...>', 'node id and its new weight, a finite number > 0')
    .addHelpText('after', `
Examples:
  $ shardis reweight n1=2 --cluster cache --seed redis://10.0.0.1:6379
  $ shardis reweight n1=2 n3=0.5 --yes --wait`);
  addChangeOptions(command);
  return command.action(async (specs: string[], flags: ChangeFlags) => {
    const weights = Object.fromEntries(specs.map(parseWeightSpec));
    cli.exitCode = await runChange(cli, flags, { build: () => ({ weights }) });
  });
}
