import type { TopLevelSpec } from 'vega-lite';
import { spread } from '../../measure/stats.ts';
import { chartConfig } from '../../report/charts.ts';
import { fixed, integer, withRange } from '../../report/format.ts';
import type { Chart, Table } from '../../suite.ts';
import { dip, type MigrationRun } from './run.ts';

type Group = { readonly contender: string; readonly loaded: boolean; readonly runs: readonly MigrationRun[] };

export function migrationTables(groups: readonly Group[]): Table[] {
  const rate: Table = {
    title: 'Keys moved per second, median (range) over rounds',
    columns: ['mover', 'client load', 'keys moved', 'seconds', 'keys/s'],
    rows: groups.map(({ contender, loaded, runs }) => [
      contender,
      loaded ? 'yes, 50 callers' : 'none',
      integer(spread(runs.map((r) => r.moved)).median),
      withRange(spread(runs.map((r) => r.seconds))),
      withRange(spread(runs.map((r) => r.keysPerSecond))),
    ]),
  };
  const loadedGroups = groups.filter((g) => g.loaded);
  const impact: Table = {
    title: 'The clients during the move (50 callers, half GET half SET on the keys being moved)',
    columns: ['mover', 'lowest throughput ÷ before', 'mean throughput ÷ before', 'p99 before (ms)', 'worst p99 during (ms)', 'errors seen by clients'],
    rows: loadedGroups.map(({ contender, runs }) => {
      const dips = runs.map(dip).filter((d) => d !== undefined);
      const med = (pick: (d: NonNullable<ReturnType<typeof dip>>) => number) => (dips.length === 0 ? Number.NaN : spread(dips.map(pick)).median);
      const errors = runs.reduce((sum, r) => sum + (r.load?.errors ?? 0), 0);
      const first = runs.find((r) => r.load?.firstError !== undefined)?.load?.firstError;
      return [contender, fixed(med((d) => d.lowest), 2), fixed(med((d) => d.average), 2), fixed(med((d) => d.p99Before), 2), fixed(med((d) => d.p99During), 2), `${integer(errors)}${first === undefined ? '' : ` (first: ${first.slice(0, 60)})`}`];
    }),
    notes: ['Throughput in 250 ms buckets (100 ms with --quick); "before" is the median bucket of the settle period before the move.'],
  };
  return [rate, impact];
}

/** Throughput and p99 over time in the first loaded round of each mover, t = 0 when the move starts. */
export function migrationChart(groups: readonly Group[]): Chart {
  const values = groups.flatMap(({ contender, loaded, runs }) => {
    const load = loaded ? runs[0]?.load : undefined;
    if (load === undefined) return [];
    return load.timeline.flatMap((p) => [
      { mover: contender, t: p.t - load.moveStart, metric: 'k ops/s', value: p.opsPerSecond / 1000 },
      { mover: contender, t: p.t - load.moveStart, metric: 'p99 ms', value: p.p99Ms },
    ]);
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Client throughput and p99 during a migration (t = 0: the move starts)',
    config: chartConfig,
    data: { values },
    facet: { row: { field: 'metric', type: 'nominal', title: null } },
    spec: {
      width: 560,
      height: 160,
      layer: [
        {
          mark: { type: 'line', interpolate: 'step-after' },
          encoding: {
            x: { field: 't', type: 'quantitative', title: 'seconds since the move started' },
            y: { field: 'value', type: 'quantitative', title: null },
            color: { field: 'mover', type: 'nominal', sort: null },
          },
        },
        { mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { x: { datum: 0 } } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
  return { file: 'migration-timeline', title: 'Client throughput and p99 during a migration', spec };
}
