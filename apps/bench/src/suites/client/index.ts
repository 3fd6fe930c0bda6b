import { clientContenders, type ClientTarget, type ConnectedClient } from '../../contenders/clients/index.ts';
import { fillKeys } from '../../measure/fill.ts';
import { runLoad, type LoadResult } from '../../measure/load.ts';
import type { Suite, SuiteContext, SuiteReport } from '../../suite.ts';
import { startClientEnvironment } from './environment.ts';
import { clientChart, clientTables, type ClientMeasurement } from './report.ts';
import { benchKey, fullClientSizes, quickClientSizes, type ClientSizes } from './sizes.ts';

const COMMANDS = ['SET', 'GET'] as const;

function measure(client: ConnectedClient, command: (typeof COMMANDS)[number], sizes: ClientSizes, value: string): Promise<LoadResult> {
  const operation =
    command === 'GET'
      ? (caller: number, i: number) => client.get(benchKey(caller, i, sizes.keyspace))
      : (caller: number, i: number) => client.set(benchKey(caller, i, sizes.keyspace), value);
  return runLoad(operation, { callers: sizes.callers, durationMs: sizes.durationMs });
}

/**
 * GET and SET throughput and latency of the adapters, their raw clients and the Redis Cluster
 * clients, each against its own set-up, interleaved over rounds so that drift hits all alike.
 */
export const clientSuite: Suite = {
  name: 'client',
  title: 'Clients',
  needs: 'redis',
  async run(context: SuiteContext): Promise<SuiteReport> {
    const sizes = context.quick ? quickClientSizes : fullClientSizes;
    const value = 'v'.repeat(sizes.valueBytes);
    context.log('starting one redis-server, three shardis nodes, a one-node shardis cluster and a three-master Redis Cluster');
    const running = await startClientEnvironment();
    const connected = new Map<string, ConnectedClient>();
    try {
      for (const contender of clientContenders) connected.set(contender.name, await contender.connect(running.environment));
      const filled = new Set<ClientTarget>();
      for (const contender of clientContenders) {
        if (filled.has(contender.target)) continue;
        context.log(`writing ${sizes.keyspace.toLocaleString('en-US')} keys to the ${contender.target} set-up`);
        await fillKeys(connected.get(contender.name)!, sizes.keyspace, value, sizes.callers);
        filled.add(contender.target);
      }
      const results = new Map<string, LoadResult[]>();
      for (let round = 0; round < sizes.rounds; round++) {
        const shift = round % clientContenders.length;
        const order = [...clientContenders.slice(shift), ...clientContenders.slice(0, shift)];
        for (const command of COMMANDS) {
          for (const contender of order) {
            context.log(`round ${round + 1}/${sizes.rounds}: ${command} ${contender.name}`);
            const result = await measure(connected.get(contender.name)!, command, sizes, value);
            const id = `${contender.name}|${command}`;
            results.set(id, [...(results.get(id) ?? []), result]);
          }
        }
      }
      const measurements: ClientMeasurement[] = clientContenders.flatMap((contender) =>
        COMMANDS.map((command) => ({ contender, command, runs: results.get(`${contender.name}|${command}`)! })),
      );
      return {
        suite: 'client',
        title: 'Clients: the adapters against their raw clients and against Redis Cluster clients',
        reproduce: `pnpm bench --suite client${context.quick ? ' --quick' : ''}`,
        method: [
          `${sizes.callers} concurrent callers, each awaiting its previous command (closed loop), for ${sizes.durationMs / 1000} s per measurement; ${sizes.valueBytes}-byte values; ${sizes.keyspace.toLocaleString('en-US')} keys, all written before the first GET.`,
          `${sizes.rounds} interleaved round(s): every contender runs SET then GET once per round; medians over rounds, range in brackets. Latency: Node's HDR histogram (\`perf_hooks.createHistogram\`), per command, from call to reply.`,
          'Raw clients talk to one redis-server; the shardis adapters to one (×1: the same work as the raw client) and to three (×3) (topology in Redis, jump placement); ioredis `Cluster` and node-redis `createCluster` to a three-master Redis Cluster. All servers are local and started by the suite.',
          '"auto-pipelined": the client writes the commands of concurrent callers together once per tick (ioredis `enableAutoPipelining: true`; node-redis always does this). Each adapter is compared with its own raw client in the same mode.',
        ],
        tables: clientTables(measurements),
        charts: [clientChart(measurements)],
        data: measurements.map(({ contender, command, runs }) => ({ contender: contender.name, target: contender.target, pipelining: contender.pipelining, command, runs: runs.map(({ timeline: _t, ...rest }) => rest) })),
      };
    } finally {
      await Promise.all([...connected.values()].map((client) => client.close().catch(() => undefined)));
      await running.stop();
    }
  },
};
