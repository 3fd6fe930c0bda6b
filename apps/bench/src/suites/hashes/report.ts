import type { TopLevelSpec } from 'vega-lite';
import type { HashOrigin } from '../../contenders/hashes/index.ts';
import type { Spread } from '../../measure/stats.ts';
import { chartConfig } from '../../report/charts.ts';
import { fixed, withRange } from '../../report/format.ts';
import type { Chart, Table } from '../../suite.ts';

export interface HashesData {
  readonly contenders: readonly { readonly name: string; readonly origin: HashOrigin; readonly output: string }[];
  readonly agreement: readonly string[];
  /** Column label (`16 B`, `key`) → contender → ns per hash. */
  readonly columns: ReadonlyMap<string, ReadonlyMap<string, Spread>>;
}

export function hashTables(data: HashesData): Table[] {
  const labels = [...data.columns.keys()];
  const times: Table = {
    title: 'Nanoseconds per hash, median (range over rounds)',
    columns: ['hash', 'implementation', ...labels],
    rows: data.contenders.map((c) => [c.name, c.origin, ...labels.map((label) => {
      const value = data.columns.get(label)!.get(c.name);
      return value === undefined ? 'n/a' : withRange(value);
    })]),
  };
  // Pure vs native for the same function: the question the suite exists to answer.
  const pairs = data.contenders.flatMap((pure) => {
    if (pure.origin !== 'shardis (pure TS)') return [];
    return data.contenders.filter((other) => other.output === pure.output && other.origin !== pure.origin).map((other) => [pure, other] as const);
  });
  const ratios: Table = {
    title: 'Pure TypeScript time ÷ the other implementation of the same function, measured side by side (< 1: pure is faster)',
    columns: ['pure', 'other', ...labels],
    rows: pairs.map(([pure, other]) => [pure.name, other.name, ...labels.map((label) => {
      const a = data.columns.get(label)!.get(pure.name);
      const b = data.columns.get(label)!.get(other.name);
      return a === undefined || b === undefined ? 'n/a' : fixed(a.median / b.median, 2);
    })]),
  };
  return [times, ratios];
}

export function hashChart(data: HashesData): Chart {
  const origins = new Map(data.contenders.map((c) => [c.name, c.origin]));
  const values = [...data.columns].flatMap(([label, map]) => {
    const length = Number.parseInt(label, 10);
    if (!Number.isFinite(length)) return [];
    return [...map].map(([name, spread]) => ({ hash: name, implementation: origins.get(name), length, ns: spread.median }));
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Nanoseconds per hash by input length (log scales)',
    config: chartConfig,
    data: { values },
    width: 560,
    height: 340,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'length', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'input bytes' },
      y: { field: 'ns', type: 'quantitative', scale: { type: 'log' }, title: 'ns per hash' },
      color: { field: 'hash', type: 'nominal', sort: null, scale: { scheme: 'category20' } },
      // Pure TypeScript solid, everything else dashed: colours alone repeat with 20 lines.
      strokeDash: { field: 'implementation', type: 'nominal', sort: null },
    },
  };
  return { file: 'hashes-by-length', title: 'Nanoseconds per hash by input length', spec };
}
