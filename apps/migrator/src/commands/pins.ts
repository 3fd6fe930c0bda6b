import { Command } from 'commander';
import { addCommonOptions, connectionFor, withSession, type Cli, type CommonFlags } from '../cli-context.ts';
import { EXIT_OK } from '../errors.ts';
import { table } from '../format.ts';
import { fieldJson, fieldText } from '../pin-change.ts';

export function pinsCommand(cli: Cli): Command {
  const command = new Command('pins')
    .summary('list the pinned keys and {tag}s, and the node of each')
    .description('Lists the pins in force (while a change runs: those of its target), sorted by the bytes of each key or {tag}, with their count and the digest that names the pin set in Redis. Keys that are not printable UTF-8 are shown as hex:… (JSON: the hex with "hex": true); pass them to pin/unpin with --hex.')
    .addHelpText('after', `
Examples:
  $ shardis pins --cluster cache --seed redis://10.0.0.1:6379
  $ shardis pins --json | jq -r '.pins[] | select(.node == "n3") | .field'`);
  addCommonOptions(command);
  return command.action(async (flags: CommonFlags) => {
    const connection = connectionFor(cli, flags);
    cli.exitCode = await withSession(connection, async (session) => {
      const state = await session.state();
      const pins = await session.admin.pins();
      const ref = state.topology.pins;
      const doc = { cluster: connection.cluster, revision: state.revision, mode: state.mode, count: ref?.count ?? 0, digest: ref?.digest ?? null, pins: pins.map((pin) => ({ ...fieldJson(pin.field), node: pin.node })) };
      const out = cli.output;
      if (flags.json === true) {
        out.json(doc);
        return EXIT_OK;
      }
      const during = state.mode === 'stable' ? '' : `; ${state.mode}: these are the pins of the change's target`;
      if (ref === undefined) {
        out.line(`no pins (revision ${state.revision}${during})`);
        return EXIT_OK;
      }
      out.line(`pins       ${ref.count}, set ${ref.digest} (revision ${state.revision}${during})`);
      out.lines(table(['KEY OR TAG', 'NODE'], pins.map((pin) => [fieldText(pin.field), pin.node])).map((line) => `  ${line}`));
      return EXIT_OK;
    });
  });
}
