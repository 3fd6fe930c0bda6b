import type { TopLevelSpec } from 'vega-lite';
import type { ClientContender } from '../../contenders/clients/index.ts';
import type { LoadResult } from '../../measure/load.ts';
import { spread } from '../../measure/stats.ts';
import { chartConfig } from '../../report/charts.ts';
import { fixed, integer, withRange } from '../../report/format.ts';
import type { Chart, Table } from '../../suite.ts';

export interface ClientMeasurement {
  readonly contender: ClientContender;
  readonly command: 'GET' | 'SET';
  readonly runs: readonly LoadResult[];
}

const SETUPS = { single: 'one server', shardisSingle: 'one shardis node', shardis: 'three shardis nodes', redisCluster: 'Redis Cluster, three masters' } as const;

const median = (runs: readonly LoadResult[], pick: (run: LoadResult) => number) => spread(runs.map(pick)).median;

export function clientTables(measurements: readonly ClientMeasurement[]): Table[] {
  const results: Table = {
    title: 'Throughput (thousand commands/s) and latency (ms), median (range) over rounds',
    columns: ['client', 'set-up', 'command', 'k ops/s', 'p50 ms', 'p99 ms', 'errors'],
    rows: measurements.map(({ contender, command, runs }) => [
      contender.name,
      SETUPS[contender.target],
      command,
      withRange(spread(runs.map((r) => r.opsPerSecond)), (v) => v / 1000),
      withRange(spread(runs.map((r) => r.p50Ms))),
      withRange(spread(runs.map((r) => r.p99Ms))),
      integer(runs.reduce((sum, r) => sum + r.errors, 0)),
    ]),
  };
  const byName = new Map(measurements.map((m) => [`${m.contender.name}|${m.command}`, m]));
  const ratios: Table = {
    title: 'Each adapter ÷ its raw client in the same mode, measured side by side (throughput; p99)',
    columns: ['adapter', 'raw client', 'command', 'throughput ratio', 'p99 ratio'],
    rows: measurements.flatMap((m) => {
      const base = m.contender.baseline === undefined ? undefined : byName.get(`${m.contender.baseline}|${m.command}`);
      if (base === undefined) return [];
      return [[
        m.contender.name,
        base.contender.name,
        m.command,
        fixed(median(m.runs, (r) => r.opsPerSecond) / median(base.runs, (r) => r.opsPerSecond), 2),
        fixed(median(m.runs, (r) => r.p99Ms) / median(base.runs, (r) => r.p99Ms), 2),
      ]];
    }),
    notes: ['×1 rows do the raw client\'s work on the same hardware (one server): the adapter\'s own cost. ×3 rows spread the load over three servers, which on a small machine compete with the load generator for the cores, so a ratio above or below 1 there is partly the set-up.'],
  };
  return [results, ratios];
}

export function clientChart(measurements: readonly ClientMeasurement[]): Chart {
  const values = measurements.map(({ contender, command, runs }) => ({
    client: contender.name,
    command,
    kops: median(runs, (r) => r.opsPerSecond) / 1000,
    kind: contender.target === 'shardis' || contender.target === 'shardisSingle' ? 'shardis' : 'peer',
  }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Thousand commands per second, 50 callers, 100-byte values',
    config: chartConfig,
    data: { values },
    facet: { column: { field: 'command', type: 'nominal', title: null } },
    spec: {
      width: 260,
      height: { step: 18 },
      mark: 'bar',
      encoding: {
        y: { field: 'client', type: 'nominal', sort: null, title: null },
        x: { field: 'kops', type: 'quantitative', title: 'k ops/s' },
        color: { field: 'kind', type: 'nominal', title: null, scale: { range: ['#e45756', '#4c78a8'] } },
      },
    },
  };
  return { file: 'client-throughput', title: 'Client throughput', spec };
}
