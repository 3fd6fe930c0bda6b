import { placementContenders, REFERENCE_CONTENDER, type PlacementContender } from '../../contenders/placement/index.ts';
import { nodeIds, profileKeys } from '../../keys.ts';
import { randomAssignmentFloor } from '../../measure/stats.ts';
import type { Chart, Suite, SuiteContext, SuiteReport } from '../../suite.ts';
import { checkAgreement } from './agreement.ts';
import { disruptionChart, loadChart, lookupChart } from './charts.ts';
import { measureQuality } from './quality.ts';
import type { AlgorithmsData, ContenderResult, NodeCountResult } from './results.ts';
import { resolveSizes, type AlgorithmSizes } from './sizes.ts';
import { measureSpeed } from './speed.ts';
import { balanceTables, buildTable, disruptionTable, lookupTable, memoryTable } from './tables.ts';
import { targetsTable } from './targets.ts';

function measureNodeCount(contenders: readonly PlacementContender[], n: number, keys: readonly string[], sizes: AlgorithmSizes, context: SuiteContext): NodeCountResult {
  const nodes = nodeIds(n);
  const skipped = contenders.flatMap((c) => {
    const reason = c.skip?.(n);
    return reason === undefined ? [] : [{ name: c.name, reason }];
  });
  const measured = contenders.filter((c) => c.skip?.(n) === undefined);
  context.log(`N=${n}: balance and disruption over ${keys.length.toLocaleString('en-US')} keys`);
  const quality = new Map(measured.map((c) => [c.name, measureQuality(c, nodes, keys)]));
  context.log(`N=${n}: lookups, builds and memory of ${measured.length} contenders, interleaved`);
  const speed = measureSpeed(measured, nodes, keys, sizes);
  const results: ContenderResult[] = measured.map((c) => ({ name: c.name, origin: c.origin, quality: quality.get(c.name)!, speed: speed.get(c.name)! }));
  return { nodeCount: n, floor: randomAssignmentFloor(keys.length, n), results, skipped };
}

function charts(data: AlgorithmsData): Chart[] {
  const loads = [10, 100].map((n) => loadChart(data, n)).filter((chart) => chart !== undefined);
  return [lookupChart(data), ...loads, disruptionChart(data)];
}

/**
 * Every placement algorithm of @shardis/core and the npm peers, in one process: agreement
 * first, then balance, disruption, lookup speed, construction time and memory per node count.
 */
export const algorithmsSuite: Suite = {
  name: 'algorithms',
  title: 'Placement algorithms',
  needs: 'nothing',
  async run(context: SuiteContext): Promise<SuiteReport> {
    const sizes = resolveSizes(context.quick, context.keys, context.nodes);
    const contenders = placementContenders;
    const keys = profileKeys(sizes.keys);
    context.log(`agreement check on ${sizes.sampleKeys.toLocaleString('en-US')} keys, before any timing`);
    const agreement = checkAgreement(contenders, sizes.nodeCounts, keys.slice(0, sizes.sampleKeys));
    const byNodeCount = sizes.nodeCounts.map((n) => measureNodeCount(contenders, n, keys, sizes, context));
    const data: AlgorithmsData = { keys: sizes.keys, nodeCounts: sizes.nodeCounts, reference: REFERENCE_CONTENDER, agreement, byNodeCount };
    return {
      suite: 'algorithms',
      title: 'Placement algorithms: lookups, construction, memory, balance, disruption',
      reproduce: `pnpm bench --suite algorithms${context.quick ? ' --quick' : ''}`,
      method: [
        `${sizes.keys.toLocaleString('en-US')} distinct keys \`user:<i>:profile\`, nodes \`node-0\`…\`node-<N-1>\`, equal weights, N = ${sizes.nodeCounts.join(', ')}.`,
        `Lookup and build times: tinybench, warm-up then ${sizes.lookupPlan.rounds} (lookups) / ${sizes.buildPlan.rounds} (builds) interleaved rounds, all contenders in one process; median of rounds, range in brackets.`,
        'Checked before timing (the run fails otherwise): every answer is one of the nodes, deterministic contenders rebuild identically, and:',
        ...agreement.map((line) => `  ${line}`),
        ...contenders.map((c) => `\`${c.name}\` (${c.origin}): ${c.description}${c.deterministic ? '' : '; not deterministic: a new ring in every process'}.`),
      ],
      tables: [
        targetsTable(data),
        lookupTable(data, contenders),
        buildTable(data, contenders),
        memoryTable(data, contenders, Math.min(sizes.memoryLookups, sizes.keys)),
        ...balanceTables(data, contenders),
        disruptionTable(data, contenders, 'add'),
        disruptionTable(data, contenders, 'remove'),
      ],
      charts: charts(data),
      data,
    };
  },
};
