import { fixed, ratio } from '../../report/format.ts';
import type { Table } from '../../suite.ts';
import { lookupsPerSecond, resultOf, type AlgorithmsData } from './results.ts';

/** The targets, each judged at every node count measured. Informational: never fails a run. */
const SPEED_TARGETS = [
  { name: 'ring (ketama)', times: 10 },
  { name: 'jump', times: 20 },
] as const;
const BALANCE_TARGET = { names: ['jump', 'rendezvous', 'maglev'], nodeCount: 100, maxOverMean: 1.02 } as const;
const DISRUPTION_TARGET = { names: ['jump', 'jump (memento)', 'rendezvous', 'slots'], limit: 1.05 } as const;

function speedRows(data: AlgorithmsData): string[][] {
  return SPEED_TARGETS.flatMap((target) =>
    data.nodeCounts.flatMap((n) => {
      const result = resultOf(data, n, target.name);
      const reference = resultOf(data, n, data.reference);
      if (result === undefined || reference === undefined) return [];
      const measured = lookupsPerSecond(result) / lookupsPerSecond(reference);
      return [[`lookups ≥ ${target.times}× ${data.reference}`, target.name, String(n), ratio(measured), '—', measured >= target.times ? 'met' : 'not met']];
    }),
  );
}

function balanceRows(data: AlgorithmsData): string[][] {
  const entry = data.byNodeCount.find((e) => e.nodeCount === BALANCE_TARGET.nodeCount);
  if (entry === undefined) return [];
  const floor = entry.floor.maxOverMean;
  return BALANCE_TARGET.names.flatMap((name) => {
    const result = entry.results.find((r) => r.name === name);
    if (result === undefined) return [];
    const measured = result.quality.balance.maxOverMean;
    const verdict =
      measured <= BALANCE_TARGET.maxOverMean
        ? 'met'
        : floor > BALANCE_TARGET.maxOverMean
          ? `target is below the random floor: unreachable by per-key hashing at ${data.keys.toLocaleString('en-US')} keys; ${fixed(measured / floor, 3)}× floor`
          : 'not met';
    return [[`max/mean ≤ ${BALANCE_TARGET.maxOverMean}`, name, String(entry.nodeCount), fixed(measured, 4), fixed(floor, 4), verdict]];
  });
}

function disruptionRows(data: AlgorithmsData): string[][] {
  return DISRUPTION_TARGET.names.flatMap((name) =>
    (['add', 'remove'] as const).flatMap((change) =>
      data.nodeCounts.flatMap((n) => {
        const result = resultOf(data, n, name);
        if (result === undefined) return [];
        const d = result.quality[change];
        const measured = d.moved / d.optimal;
        // Moved keys are a binomial count: two standard deviations of it, relative to the optimum.
        const noise = 2 / Math.sqrt(d.optimal);
        const verdict = measured <= DISRUPTION_TARGET.limit ? 'met' : DISRUPTION_TARGET.limit - 1 < noise ? 'not met, within sampling noise' : 'not met';
        return [[`moved ÷ optimal ≤ ${DISRUPTION_TARGET.limit} (${change})`, name, String(n), fixed(measured, 3), `±${fixed(noise, 3)} (2σ)`, verdict]];
      }),
    ),
  );
}

export function targetsTable(data: AlgorithmsData): Table {
  return {
    title: 'Targets from the issue, measured in this run',
    columns: ['target', 'algorithm', 'N', 'measured', 'floor / noise', 'verdict'],
    rows: [...speedRows(data), ...balanceRows(data), ...disruptionRows(data)],
    notes: [
      'Speed targets are ratios to hashring measured side by side in this process. The balance floor is the random-assignment floor for the same keys and nodes. For moved ÷ optimal, "noise" is two standard deviations of the binomial count of keys a new node draws, relative to the optimum.',
    ],
  };
}
