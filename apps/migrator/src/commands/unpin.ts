import { Command } from 'commander';
import type { Cli } from '../cli-context.ts';
import { addPinOptions, fieldText, pinFieldArg, runPinChange, type PinFlags } from '../pin-change.ts';

export function unpinCommand(cli: Cli): Command {
  const command = new Command('unpin')
    .summary('unpin keys or {tag}s: their keys go back where the algorithm puts them')
    .description('Removes pins, as one change: each key or {tag} (every key of it) goes back to the node the placement algorithm gives it. Each field must be pinned; for a key with a tag, unpin its tag. Prints the preview, asks for confirmation on a terminal unless --yes, then writes the MIGRATING state.')
    .argument('<key|{tag}...>', 'pinned keys or {tag}s, as `shardis pins` lists them (--hex: their bytes in hex)')
    .addHelpText('after', `
Examples:
  $ shardis unpin '{user:42}' --cluster cache --seed redis://10.0.0.1:6379
  $ shardis unpin hot-counter '{user:42}' --yes --wait --json`);
  addPinOptions(command);
  return command.action(async (keys: string[], flags: PinFlags) => {
    const fields = keys.map((key) => pinFieldArg(key, flags.hex === true));
    const first = fields[0]!;
    cli.exitCode = await runPinChange(cli, flags, {
      change: { unpin: fields },
      what: `unpin ${fields.map(fieldText).join(', ')}`,
      // One field through `unpin`, several as one change: either way the engine names a key
      // that is not pinned, and the tag to unpin instead when the key has one.
      write: (admin) => (fields.length === 1 ? admin.unpin(first) : admin.changePins({ unpin: fields })),
    });
  });
}
