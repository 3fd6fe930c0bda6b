import { Command } from 'commander';
import type { Cli } from '../cli-context.ts';
import { checkNodeId } from '../node-spec.ts';
import { addPinOptions, fieldText, pinFieldArg, runPinChange, type PinFlags } from '../pin-change.ts';

export function pinCommand(cli: Cli): Command {
  const command = new Command('pin')
    .summary('pin a key, or every key of a {tag}, to a node: preview, confirm, write MIGRATING')
    .description('Pins a key, or a {hash tag} (every key of the tag: `{user:42}` pins `{user:42}:cart` and `profile:{user:42}`), to a node of the topology, ahead of the placement algorithm. A key that has a tag cannot be pinned alone: pin its tag. Prints the keys or tags whose node changes, asks for confirmation on a terminal unless --yes, then writes the MIGRATING state; the keys move when a worker runs (`shardis migrate`, or --wait here). Pinning a field where it is pinned already changes nothing.')
    .argument('<key|{tag}>', 'the key, or the {tag} with its braces (--hex: its bytes in hex)')
    .argument('<node>', 'id of the node to pin it to')
    .addHelpText('after', `
Examples:
  $ shardis pin '{user:42}' n3 --cluster cache --seed redis://10.0.0.1:6379
  $ shardis pin hot-counter n1 --yes --wait
  $ shardis pin --hex ff00fe n2 --dry-run --json`);
  addPinOptions(command);
  return command.action(async (key: string, node: string, flags: PinFlags) => {
    const field = pinFieldArg(key, flags.hex === true);
    checkNodeId(node, 'pin');
    cli.exitCode = await runPinChange(cli, flags, {
      change: { pin: [[field, node]] },
      what: `pin ${fieldText(field)} to ${node}`,
      write: (admin) => admin.pin(field, node),
    });
  });
}
