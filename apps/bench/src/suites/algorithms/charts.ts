import type { TopLevelSpec } from 'vega-lite';
import { chartConfig } from '../../report/charts.ts';
import type { Chart } from '../../suite.ts';
import type { AlgorithmsData } from './results.ts';

/** Load per node (keys ÷ mean) as one small bar chart per algorithm, at one node count. */
export function loadChart(data: AlgorithmsData, nodeCount: number): Chart | undefined {
  const entry = data.byNodeCount.find((e) => e.nodeCount === nodeCount);
  if (entry === undefined) return undefined;
  const values = entry.results.flatMap((result) => {
    const counts = result.quality.counts;
    const average = counts.reduce((a, b) => a + b, 0) / counts.length;
    return counts.map((count, node) => ({ algorithm: result.name, node, load: count / average }));
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Load per node at N=${nodeCount} (keys ÷ mean; random floor max/mean ${entry.floor.maxOverMean.toFixed(3)})`,
    config: chartConfig,
    data: { values },
    facet: { field: 'algorithm', type: 'nominal', title: null, sort: entry.results.map((result) => result.name) },
    columns: 4,
    spec: {
      width: 170,
      height: 110,
      layer: [
        {
          mark: { type: 'bar', color: '#4c78a8' },
          encoding: {
            x: { field: 'node', type: 'ordinal', axis: nodeCount > 20 ? { labels: false, ticks: false, title: 'node' } : { title: 'node' } },
            y: { field: 'load', type: 'quantitative', title: 'load ÷ mean' },
          },
        },
        { mark: { type: 'rule', color: '#e45756', strokeDash: [4, 3] }, encoding: { y: { datum: 1 } } },
      ],
    },
    resolve: { scale: { y: 'shared' } },
  };
  return { file: `algorithms-load-n${nodeCount}`, title: `Load per node at N=${nodeCount}`, spec };
}

/**
 * Keys moved ÷ optimal as the node count grows, one line per algorithm, add and remove side by
 * side. Modulo is left out: it moves about N times the optimum and would flatten every other line.
 */
export function disruptionChart(data: AlgorithmsData): Chart {
  const values = data.byNodeCount.flatMap((entry) =>
    entry.results
      .filter((result) => result.name !== 'modulo')
      .flatMap((result) =>
        (['add', 'remove'] as const).map((change) => ({
          algorithm: result.name,
          nodes: entry.nodeCount,
          change,
          ratio: result.quality[change].moved / result.quality[change].optimal,
        })),
      ),
  );
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Keys moved ÷ optimal as the node count grows (modulo, at ≈ N×, not shown)',
    config: chartConfig,
    data: { values },
    facet: { column: { field: 'change', type: 'nominal', title: null } },
    spec: {
      width: 320,
      height: 260,
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'nodes',
          type: 'quantitative',
          scale: { type: 'log', domain: [Math.min(...data.nodeCounts), Math.max(...data.nodeCounts)], nice: false },
          axis: { values: [...data.nodeCounts] },
          title: 'nodes before the change (log scale)',
        },
        y: { field: 'ratio', type: 'quantitative', scale: { zero: false }, title: 'moved ÷ optimal' },
        color: { field: 'algorithm', type: 'nominal', sort: null, scale: { scheme: 'category20' } },
      },
    },
  };
  return { file: 'algorithms-disruption', title: 'Keys moved ÷ optimal as the node count grows', spec };
}

/** Lookups per second per algorithm, one panel per node count, on one shared scale. */
export function lookupChart(data: AlgorithmsData): Chart {
  const values = data.byNodeCount.flatMap((entry) =>
    entry.results.map((result) => ({ algorithm: result.name, origin: result.origin, nodes: `N=${entry.nodeCount}`, mlps: 1e3 / result.speed.lookupNs.median })),
  );
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Lookups per second (millions; median of rounds)',
    config: chartConfig,
    data: { values },
    facet: { column: { field: 'nodes', type: 'nominal', title: null, sort: data.nodeCounts.map((n) => `N=${n}`) } },
    spec: {
      width: 180,
      height: { step: 16 },
      mark: 'bar',
      encoding: {
        y: { field: 'algorithm', type: 'nominal', sort: null, title: null },
        x: { field: 'mlps', type: 'quantitative', title: 'M lookups/s' },
        color: { field: 'origin', type: 'nominal', title: null, scale: { range: ['#4c78a8', '#e45756'] } },
      },
    },
  };
  return { file: 'algorithms-lookups', title: 'Lookups per second by algorithm and node count', spec };
}
