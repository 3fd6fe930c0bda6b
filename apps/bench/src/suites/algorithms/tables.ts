import type { PlacementContender } from '../../contenders/placement/index.ts';
import { bytes, duration, fixed, ratio, sig, withRange } from '../../report/format.ts';
import type { Table } from '../../suite.ts';
import { lookupsPerSecond, resultOf, type AlgorithmsData, type ContenderResult } from './results.ts';

type Cell = (result: ContenderResult, nodeCount: number) => string;

/** One row per contender, one column per node count; a skipped cell says so. */
function perNodeCount(data: AlgorithmsData, contenders: readonly PlacementContender[], cell: Cell): string[][] {
  return contenders.map((contender) => [
    contender.name,
    ...data.nodeCounts.map((n) => {
      const result = resultOf(data, n, contender.name);
      return result === undefined ? 'skipped' : cell(result, n);
    }),
  ]);
}

function skipNotes(data: AlgorithmsData): string[] {
  return data.byNodeCount.flatMap((entry) => entry.skipped.map((skip) => `Skipped at N=${entry.nodeCount}: ${skip.name} — ${skip.reason}.`));
}

export function lookupTable(data: AlgorithmsData, contenders: readonly PlacementContender[]): Table {
  return {
    title: `Lookups per second (millions) over ${data.keys.toLocaleString('en-US')} distinct keys, and the ratio to ${data.reference} in the same run`,
    columns: ['algorithm', ...data.nodeCounts.map((n) => `N=${n}`)],
    rows: perNodeCount(data, contenders, (result, n) => {
      const reference = resultOf(data, n, data.reference);
      const times = reference === undefined ? '' : ` · ${ratio(lookupsPerSecond(result) / lookupsPerSecond(reference))}`;
      return `${withRange(result.speed.lookupNs, (ns) => 1e3 / ns)}${times}`;
    }),
    notes: ['Median over interleaved rounds (range in brackets); each timed call looks up the next 1,000 keys of the set, so caches in front of a placement miss as they would on real traffic.', ...skipNotes(data)],
  };
}

export function buildTable(data: AlgorithmsData, contenders: readonly PlacementContender[]): Table {
  return {
    title: 'Construction time per placement',
    columns: ['algorithm', ...data.nodeCounts.map((n) => `N=${n}`)],
    rows: perNodeCount(data, contenders, (result) => {
      const ns = result.speed.buildNs;
      return `${duration(ns.median / 1e6)}${ns.samples.length > 1 ? ` (${duration(ns.min / 1e6)}–${duration(ns.max / 1e6)})` : ''}`;
    }),
  };
}

export function memoryTable(data: AlgorithmsData, contenders: readonly PlacementContender[], lookups: number): Table {
  return {
    title: `Retained memory per placement: as built / after ${lookups.toLocaleString('en-US')} distinct lookups`,
    columns: ['algorithm', ...data.nodeCounts.map((n) => `N=${n}`)],
    rows: perNodeCount(data, contenders, (result) => `${bytes(result.speed.memoryBuilt)} / ${bytes(result.speed.memoryAfterLookups)}`),
    notes: ['`heapUsed + external` delta around building several copies, after forced GCs (`--expose-gc`); typed arrays count via `external`. The second figure includes caches that fill on use, such as hashring\'s LRU.'],
  };
}

export function balanceTables(data: AlgorithmsData, contenders: readonly PlacementContender[]): Table[] {
  return data.byNodeCount.map((entry) => {
    const { maxOverMean: floorMax, stddevOverMean: floorStd } = entry.floor;
    return {
      title: `Balance at N=${entry.nodeCount} over ${data.keys.toLocaleString('en-US')} keys, beside the random-assignment floor`,
      columns: ['algorithm', 'max/mean', 'floor max/mean', 'stddev/mean', 'floor stddev/mean', 'max/mean ÷ floor'],
      rows: contenders.flatMap((contender) => {
        const result = entry.results.find((r) => r.name === contender.name);
        if (result === undefined) return [];
        const { maxOverMean, stddevOverMean } = result.quality.balance;
        return [[contender.name, fixed(maxOverMean, 4), fixed(floorMax, 4), fixed(stddevOverMean, 4), fixed(floorStd, 4), fixed(maxOverMean / floorMax, 3)]];
      }),
      notes: [
        'Floor: median of 5 simulations that put each key on a uniformly random node (same key and node counts). A placement that hashes each key independently cannot do better than this on average; only a placement that counts keys could.',
      ],
    };
  });
}

export function disruptionTable(data: AlgorithmsData, contenders: readonly PlacementContender[], change: 'add' | 'remove'): Table {
  const what = change === 'add' ? 'adding node-N (optimal K/(N+1))' : 'removing one node (optimal K/N)';
  return {
    title: `Keys moved ÷ optimal when ${what}`,
    columns: ['algorithm', ...data.nodeCounts.map((n) => `N=${n}`)],
    rows: perNodeCount(data, contenders, (result) => {
      const d = result.quality[change];
      const strayed = d.strayed === 0 ? '' : ` · ${sig((100 * d.strayed) / data.keys)}% strayed`;
      return `${fixed(d.moved / d.optimal, 3)}${strayed}`;
    }),
    notes: [
      change === 'add'
        ? '"strayed": keys that moved between two nodes that were there before and after (0 for a consistent placement).'
        : 'The removed node is the middle one (`node-⌊N/2⌋`), except for plain `jump`, which can only remove the last; "strayed" as above.',
    ],
  };
}
