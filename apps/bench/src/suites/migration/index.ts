import { migrationContenders } from '../../contenders/migration/index.ts';
import type { Suite, SuiteContext, SuiteReport } from '../../suite.ts';
import { migrationChart, migrationTables } from './report.ts';
import { runMigration, type MigrationRun } from './run.ts';
import { fullMigrationSizes, quickMigrationSizes } from './sizes.ts';

/**
 * Keys per second moved by the shardis worker and by `redis-cli --cluster reshard`, each from a
 * fresh set-up holding the same keys and moving about the same third of them, with and without
 * client load, and what the clients saw meanwhile.
 */
export const migrationSuite: Suite = {
  name: 'migration',
  title: 'Migration',
  needs: 'redis',
  async run(context: SuiteContext): Promise<SuiteReport> {
    const sizes = context.quick ? quickMigrationSizes : fullMigrationSizes;
    const runs = new Map<string, MigrationRun[]>();
    const modes = sizes.idle ? [false, true] : [true];
    for (let round = 0; round < sizes.rounds; round++) {
      for (const loaded of modes) {
        for (const contender of migrationContenders) {
          context.log(`round ${round + 1}/${sizes.rounds}: ${contender.name}, ${loaded ? 'under load' : 'idle'}`);
          const run = await runMigration(contender, loaded, sizes);
          const id = `${contender.name}|${loaded}`;
          runs.set(id, [...(runs.get(id) ?? []), run]);
        }
      }
    }
    const groups = modes.flatMap((loaded) => migrationContenders.map((c) => ({ contender: c.name, loaded, runs: runs.get(`${c.name}|${loaded}`)! })));
    return {
      suite: 'migration',
      title: 'Migration: the shardis worker against redis-cli --cluster reshard',
      reproduce: `pnpm bench --suite migration${context.quick ? ' --quick' : ''}`,
      method: [
        `${sizes.keys.toLocaleString('en-US')} keys of ${sizes.valueBytes} bytes, written before each run into a fresh set-up; each move relocates about a third of them.`,
        ...migrationContenders.map((c) => `\`${c.name}\`: ${c.description}.`),
        'Timed from the request to move until the mover reports done (shardis: topology committed and stable; redis-cli: process exit). Keys moved: for shardis, the distinct bench keys on the new node afterwards; for redis-cli, DBSIZE of the source before and after.',
        'redis-cli moves slot by slot (5,461 slots here), with several round trips per slot however few keys it holds: with few keys (`--quick`) that overhead, not key transfer, sets its rate.',
        `Under load: ${sizes.callers} callers (half GET, half SET, on all keys) start ${sizes.settleMs / 1000} s before the move and run until ${sizes.settleMs / 1000} s after it; every error a caller receives is counted.`,
        `${sizes.rounds} round(s), each running every mover ${sizes.idle ? 'idle and then under load' : 'under load only (--quick)'}; medians over rounds.`,
      ],
      tables: migrationTables(groups),
      charts: [migrationChart(groups)],
      data: groups.map((g) => ({ ...g, runs: g.runs.map((r) => ({ ...r, load: r.load === undefined ? undefined : { ...r.load } })) })),
    };
  },
};
