import { Command, Option } from 'commander';
import { createTopology, redactUrl } from '@shardis/core';
import type { Cli } from '../cli-context.ts';
import { CliError, UsageError } from '../errors.ts';
import { checkNodeUrl, nameNodes } from '../node-spec.ts';
import { parseWeight } from '../parsers.ts';
import { addChangeOptions, runChange, type ChangeFlags } from './change.ts';

interface AddNodeFlags extends ChangeFlags {
  readonly weight?: number;
}

export function addNodeCommand(cli: Cli): Command {
  const command = new Command('add-node')
    .summary('add a node: preview, confirm, write MIGRATING (--wait: and move the keys)')
    .description('Adds a node to the placement. Prints what changes and how many keys would move (estimated on a SCAN sample), asks for confirmation on a terminal unless --yes, then writes the MIGRATING state. Keys move when a worker runs (`shardis migrate`, or --wait here). The new node must answer and hold no data (--force to accept data).')
    .argument('<id>', 'id of the new node')
    .argument('<url>', 'its address, redis://host:port[/db] or rediss://…')
    .addOption(new Option('--weight <n>', 'its weight (default 1)').argParser((value) => parseWeight(value, '--weight')))
    .option('--force', 'accept a node that already holds data keys')
    .addHelpText('after', `
Examples:
  $ shardis add-node n4 redis://10.0.0.4:6379 --cluster cache --seed redis://10.0.0.1:6379
  $ shardis add-node n4 redis://10.0.0.4:6379 --weight 2 --yes --wait --max-keys-per-second 20000`);
  addChangeOptions(command);
  return command.action(async (id: string, url: string, flags: AddNodeFlags) => {
    checkNodeUrl(id, url);
    cli.exitCode = await runChange(cli, flags, {
      build(state) {
        const existing = state.topology.nodes.find((node) => node.id === id);
        if (existing !== undefined) throw new UsageError(`node ${JSON.stringify(id)} already exists (at ${redactUrl(existing.url)}); use reweight to change its weight`);
        // Same server as an existing node, checked by core with the nodes in our order, so its
        // error names the right ids.
        const nodes = [...state.topology.nodes.map((node) => ({ id: node.id, url: node.url })), { id, url }];
        try {
          createTopology({ cluster: state.topology.cluster, algorithm: 'modulo', nodes });
        } catch (error) {
          throw nameNodes(error, nodes.map((node) => node.id));
        }
        return { add: [flags.weight === undefined ? { id, url } : { id, url, weight: flags.weight }] };
      },
      async check(session) {
        const probe = await session.probe(url);
        if (!probe.ok) throw new CliError('ERR_NODE_UNREACHABLE', `node ${JSON.stringify(id)} at ${redactUrl(url)} does not answer (${probe.error}); nothing written`);
        if (probe.keys > 0 && flags.force !== true) {
          throw new CliError('ERR_NODE_NOT_EMPTY', `node ${JSON.stringify(id)} at ${redactUrl(url)} already holds ${probe.keys} key(s): moves onto it would fail on those that exist, and the rest would be served as if they belonged there; empty it first, or pass --force; nothing written`);
        }
      },
    });
  });
}
