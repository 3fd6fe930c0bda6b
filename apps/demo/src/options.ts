import { parseArgs } from 'node:util';
import { algorithmNames, type AlgorithmName } from '@shardis/core';

export interface DemoOptions {
  /** Nodes the cluster starts with (one more is added, then one removed). */
  readonly nodes: number;
  readonly keys: number;
  readonly algorithm: AlgorithmName;
  /** Servers the user already runs; otherwise the demo starts its own. */
  readonly seeds: readonly string[];
  /** Print one JSON document instead of the story. */
  readonly json: boolean;
}

export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
}

export const HELP = `Usage: shardis-demo [options]

Starts a local cluster of redis-server processes (or uses yours), writes keys of several types
through the ioredis adapter, then adds a node and removes one while a writer keeps writing, and
checks every key and every acknowledged write at the end. Leaves nothing behind.

Options:
  --nodes <n>          nodes to start with (default 3; one more is added, then one removed)
  --keys <n>           keys to write before the moves (default 100000)
  --algorithm <name>   placement: ${'ring, jump, rendezvous, maglev, slots, modulo'} (default ring)
  --seeds <urls>       run against your own servers instead (comma-separated redis:// urls;
                       give --nodes + 1 of them; only the demo's own keys are touched and removed)
  --json               print the results as one JSON document
  -h, --help           show this help
`;

function positiveInteger(value: string | undefined, fallback: number, name: string, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  return number;
}

export function parseOptions(argv: readonly string[]): DemoOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        nodes: { type: 'string' },
        keys: { type: 'string' },
        algorithm: { type: 'string' },
        seeds: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values;
  if (values.help === true) return 'help';
  const algorithm = values.algorithm ?? 'ring';
  if (!(algorithmNames() as string[]).includes(algorithm)) throw new UsageError(`--algorithm must be one of ${algorithmNames().join(', ')}, got ${JSON.stringify(algorithm)}`);
  const nodes = positiveInteger(values.nodes, 3, 'nodes', 64);
  if (nodes < 2) throw new UsageError('--nodes must be at least 2: the demo removes one node at the end');
  const seeds = (values.seeds ?? []).flatMap((value) => value.split(',')).map((url) => url.trim()).filter((url) => url.length > 0);
  for (const url of seeds) {
    if (!/^rediss?:\/\//.test(url)) throw new UsageError(`--seeds takes redis:// urls, got ${JSON.stringify(url)}`);
  }
  if (seeds.length > 0 && seeds.length < nodes + 1) throw new UsageError(`--seeds needs ${nodes + 1} servers for --nodes ${nodes} (one is added during the demo), got ${seeds.length}`);
  return {
    nodes,
    keys: positiveInteger(values.keys, 100_000, 'keys', 100_000_000),
    algorithm: algorithm as AlgorithmName,
    seeds,
    json: values.json === true,
  };
}
