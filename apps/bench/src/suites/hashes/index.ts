import { hashContenders, type HashFunctions } from '../../contenders/hashes/index.ts';
import { profileKeys } from '../../keys.ts';
import type { Spread } from '../../measure/stats.ts';
import { batchLoop, timeInterleaved, type TimedTask, type TimingPlan } from '../../measure/timing.ts';
import type { Suite, SuiteContext, SuiteReport } from '../../suite.ts';
import { checkHashAgreement } from './agreement.ts';
import { hashChart, hashTables, type HashesData } from './report.ts';
import { randomInputs } from './inputs.ts';

interface HashSizes {
  readonly lengths: readonly number[];
  /** Distinct inputs per length, cycled through. */
  readonly pool: number;
  /** Hashes per timed call. */
  readonly batch: number;
  readonly plan: TimingPlan;
}

const full: HashSizes = { lengths: [4, 8, 16, 32, 64, 128, 256, 1024], pool: 1024, batch: 256, plan: { rounds: 5, timeMs: 200, warmupMs: 50, minCalls: 20 } };
const quick: HashSizes = { lengths: [16, 64, 1024], pool: 256, batch: 256, plan: { rounds: 2, timeMs: 25, warmupMs: 10, minCalls: 5 } };

/** The column of string keys: what a client hashes on every command, encoding included. */
export const KEY_COLUMN = 'key';

function timeColumn(loaded: ReadonlyMap<string, HashFunctions>, inputs: readonly unknown[], method: 'bytes' | 'key', sizes: HashSizes): Map<string, Spread> {
  const tasks: TimedTask[] = [...loaded]
    .filter(([, fns]) => typeof fns[method] === 'function')
    .map(([name, fns]) => ({ name, fn: batchLoop(fns, method, inputs, sizes.batch), opsPerCall: sizes.batch }));
  return timeInterleaved(tasks, sizes.plan);
}

export const hashesSuite: Suite = {
  name: 'hashes',
  title: 'Hash functions',
  needs: 'nothing',
  async run(context: SuiteContext): Promise<SuiteReport> {
    const sizes = context.quick ? quick : full;
    const contenders = hashContenders();
    const loaded = new Map<string, HashFunctions>();
    for (const contender of contenders) loaded.set(contender.name, await contender.load());
    context.log('agreement check of every hash against its peers, before any timing');
    const agreement = checkHashAgreement(contenders, loaded, sizes.lengths);
    const columns = new Map<string, Map<string, Spread>>();
    for (const length of sizes.lengths) {
      context.log(`${length}-byte inputs: ${loaded.size} hashes, interleaved`);
      columns.set(`${length} B`, timeColumn(loaded, randomInputs(length, sizes.pool), 'bytes', sizes));
    }
    context.log('string keys user:<i>:profile');
    const keys = profileKeys(sizes.pool);
    columns.set(KEY_COLUMN, timeColumn(loaded, keys, 'key', sizes));
    const keyBytes = `${keys[0]!.length}–${keys.at(-1)!.length} bytes`;
    const data: HashesData = { contenders: contenders.map(({ name, origin, output }) => ({ name, origin, output })), agreement, columns };
    return {
      suite: 'hashes',
      title: 'Hash functions: pure TypeScript against native, WebAssembly and node:crypto, by input length',
      reproduce: `pnpm bench --suite hashes${context.quick ? ' --quick' : ''}`,
      method: [
        `Nanoseconds per hash over ${sizes.pool} distinct seeded random inputs per length, ${sizes.batch} hashes per timed call; tinybench warm-up, then ${sizes.plan.rounds} interleaved rounds; median (range).`,
        'shardis hashers are timed through `hash64` (what jump, rendezvous and ring seeds call); natives through their byte API (a BigInt for the 64-bit ones).',
        `Column "${KEY_COLUMN}": string keys \`user:<i>:profile\` (${keyBytes}): shardis through \`KeyHasher\` (UTF-8 encoding and hash-tag scan), the others through their string API.`,
        'Checked before timing (the run fails otherwise):',
        ...agreement.map((line) => `  ${line}`),
      ],
      tables: hashTables(data),
      charts: [hashChart(data)],
      data: { ...data, columns: Object.fromEntries([...columns].map(([column, map]) => [column, Object.fromEntries(map)])) },
    };
  },
};
