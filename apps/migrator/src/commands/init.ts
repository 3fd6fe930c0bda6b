import { Command, Option } from 'commander';
import { algorithmNames, builtinHashNames, createTopology, redactTopology, type AlgorithmName, type JsonValue, type Topology } from '@shardis/core';
import { addCommonOptions, connectionFor, withSession, type Cli, type CommonFlags } from '../cli-context.ts';
import { CliError, UsageError } from '../errors.ts';
import { nameNodes, parseNodeSpec, type NodeInput } from '../node-spec.ts';
import { collect, integer, quote } from '../parsers.ts';
import { printNodesTable } from '../status-view.ts';

interface InitFlags extends CommonFlags {
  readonly algorithm: AlgorithmName;
  readonly node?: string[];
  readonly hash?: string;
  readonly hashTags: boolean;
  readonly hashSeed?: string;
  readonly vnodes?: number;
  readonly tableSize?: number;
  readonly removals?: string;
  readonly param?: string[];
  readonly force?: boolean;
}

/** Algorithm options that are flags of their own, and the algorithm each belongs to. */
const ALGORITHM_FLAGS = [
  { flag: '--vnodes', key: 'vnodes', algorithm: 'ring' },
  { flag: '--table-size', key: 'tableSize', algorithm: 'maglev' },
  { flag: '--removals', key: 'removals', algorithm: 'jump' },
] as const;

export function initCommand(cli: Cli): Command {
  const command = new Command('init')
    .summary('create a cluster: write its first topology to every node')
    .description('Creates a cluster: validates the topology, checks that every node answers, and writes the topology (STABLE, revision 1) to every node. Refuses to overwrite an existing topology unless --force.')
    .addOption(new Option('--algorithm <name>', 'placement algorithm').choices(algorithmNames()).default('ring'))
    .option('--node <spec>', 'a node: id=redis://host:port[/db][,weight=N]; repeat for each node (required)', collect)
    .addOption(new Option('--hash <name>', 'hash function (default: the algorithm\'s; slots always crc16)').choices(builtinHashNames()))
    .option('--no-hash-tags', 'hash whole keys, ignoring {hash tags}')
    .option('--hash-seed <hex>', 'seed of a keyed hash (siphash24, siphash13); a secret (env: SHARDIS_HASH_SEED)')
    .option('--vnodes <n>', 'ring: points per unit of weight (default 160)', integer(1, 1 << 24))
    .option('--table-size <n>', 'maglev: lookup table size, a prime above the node count (default 65537)', integer(2, 1 << 26))
    .addOption(new Option('--removals <mode>', 'jump: any node can be removed (any, MementoHash) or only the last (last, plain jump hash)').choices(['any', 'last']))
    .option('--param <name=json>', 'any other algorithm parameter, e.g. --param variant=\'"skeleton"\'; repeatable', collect)
    .option('--force', 'overwrite an existing topology (keys are NOT moved; for repairs only)')
    .addHelpText('after', `
Examples:
  $ shardis init --cluster cache --algorithm ring --node n1=redis://10.0.0.1:6379 --node n2=redis://10.0.0.2:6379,weight=2
  $ SHARDIS_CLUSTER=cache shardis init --algorithm jump --node a=redis://a:6379 --node b=redis://b:6379 --json`);
  addCommonOptions(command);
  return command.action(async (flags: InitFlags) => {
    cli.exitCode = await runInit(cli, flags);
  });
}

/**
 * The algorithm's parameters. Built as entries, so a name such as `__proto__` becomes a key of
 * its own that core refuses, never the object's prototype.
 */
export function paramsOf(flags: Pick<InitFlags, 'algorithm' | 'param' | 'vnodes' | 'tableSize' | 'removals'>): Record<string, JsonValue> {
  const entries: Array<[string, JsonValue]> = [];
  for (const { flag, key, algorithm } of ALGORITHM_FLAGS) {
    const value = flags[key];
    if (value === undefined) continue;
    if (flags.algorithm !== algorithm) throw new UsageError(`${flag} applies to --algorithm ${algorithm} only`);
    entries.push([key, value]);
  }
  for (const spec of flags.param ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param ${quote(spec)}: write name=value, the value in JSON`);
    const text = spec.slice(eq + 1);
    let value: JsonValue;
    try {
      value = JSON.parse(text) as JsonValue;
    } catch {
      value = text; // a bare word is a string
    }
    entries.push([spec.slice(0, eq), value]);
  }
  return Object.fromEntries(entries);
}

function buildTopology(cluster: string, flags: InitFlags, nodes: readonly NodeInput[], hashSeed: string | undefined, epoch: number): Topology {
  try {
    return createTopology({
      cluster,
      algorithm: flags.algorithm,
      nodes,
      epoch,
      params: paramsOf(flags),
      ...(flags.hash === undefined ? {} : { hash: flags.hash }),
      ...(flags.hashTags === false ? { hashTags: false } : {}),
      ...(hashSeed === undefined ? {} : { hashSeed }),
    });
  } catch (error) {
    throw nameNodes(error, nodes.map((node) => node.id));
  }
}

async function runInit(cli: Cli, flags: InitFlags): Promise<number> {
  const connection = connectionFor(cli, flags, false);
  const hashSeed = flags.hashSeed ?? cli.io.env['SHARDIS_HASH_SEED'];
  cli.secrets.add(hashSeed);
  const nodes = (flags.node ?? []).map(parseNodeSpec);
  if (nodes.length === 0) throw new UsageError('init needs at least one --node id=redis://host:port');
  const ids = new Set<string>();
  for (const node of nodes) {
    if (ids.has(node.id)) throw new UsageError(`--node ${quote(node.id)} is given twice; node ids must be unique`);
    ids.add(node.id);
  }
  // Validate everything before touching any server: bad input writes nothing.
  buildTopology(connection.cluster, flags, nodes, hashSeed, 0);
  const out = cli.output;
  return withSession(connection, async (session) => {
    const probes = await Promise.all(nodes.map(async (node) => ({ node, probe: await session.probe(node.url) })));
    const down = probes.filter(({ probe }) => !probe.ok);
    if (down.length > 0) {
      const detail = down.map(({ node, probe }) => `${node.id}: ${probe.ok ? '' : probe.error}`).join('; ');
      throw new CliError('ERR_NODE_UNREACHABLE', `every node must answer before a cluster is created; nothing written (${detail})`);
    }
    const current = await session.admin.access.read();
    if (current === undefined && session.refused.size > 0) {
      throw new CliError('ERR_TOPOLOGY_REJECTED', `the nodes hold states this command does not trust (${[...session.refused.values()].map((refusal) => `${refusal.node}: ${refusal.kind}`).join('; ')}); check --topology-key-file, or see \`shardis status\``);
    }
    if (current !== undefined && flags.force !== true) {
      throw new CliError('ERR_CLUSTER_EXISTS', `cluster ${JSON.stringify(connection.cluster)} already has a topology (revision ${current.revision}, epoch ${current.topology.epoch}, ${current.mode}); change it with add-node, remove-node or reweight, or pass --force to overwrite it (keys are not moved)`);
    }
    if (current !== undefined) await session.requireSigningKey(current, 'init --force');
    // A forced overwrite advances the epoch, so no reader mistakes it for an older placement.
    const topology = buildTopology(connection.cluster, flags, nodes, hashSeed, current === undefined ? 0 : current.topology.epoch + 1);
    const existingKeys = probes.reduce((sum, { probe }) => sum + (probe.ok ? probe.keys : 0), 0);
    const state = await session.admin.init(topology, { force: flags.force === true });
    const redacted = redactTopology(state.topology);
    if (flags.json === true) {
      out.json({ cluster: connection.cluster, revision: state.revision, mode: state.mode, epoch: state.topology.epoch, overwritten: current === undefined ? null : { revision: current.revision, mode: current.mode }, existingKeys, topology: redacted });
      return 0;
    }
    if (current !== undefined) out.line(`! overwrote revision ${current.revision} (${current.mode}); keys were not moved: run \`shardis verify\``);
    out.line(`initialised cluster ${connection.cluster}: revision ${state.revision}, epoch ${state.topology.epoch}, ${state.topology.algorithm} (hash ${state.topology.hash}) over ${state.topology.nodes.length} node(s)`);
    printNodesTable(out, redacted.nodes.map((node) => ({ ...node, probe: probes.find((p) => p.node.id === node.id)?.probe })));
    if (existingKeys > 0) out.line(`note: the nodes already hold ${existingKeys} key(s); \`shardis verify\` shows whether each sits where this topology puts it`);
    return 0;
  }, { extraSeeds: nodes.map((node) => node.url) });
}
