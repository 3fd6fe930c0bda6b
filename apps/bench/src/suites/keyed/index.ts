import { fixed, withRange } from '../../report/format.ts';
import type { Suite, SuiteContext, SuiteReport, Table } from '../../suite.ts';
import { flood, type FloodRow } from './flooding.ts';
import { pinCosts, type PinRow } from './pins.ts';

const full = { crafted: 10_000, seeds: 20, pins: [0, 1000, 100_000], pool: 100_000, batch: 1000, plan: { rounds: 5, timeMs: 200, warmupMs: 50, minCalls: 20 } };
const quick = { crafted: 1000, seeds: 3, pins: [0, 1000], pool: 10_000, batch: 1000, plan: { rounds: 2, timeMs: 25, warmupMs: 10, minCalls: 5 } };

function floodTable(rows: readonly FloodRow[], seeds: number): Table {
  return {
    title: 'Crafted keys: all on one node of 10 under the public hash, spread under a keyed one',
    columns: ['algorithm', 'ids tried', 'crafted ids', 'max/mean, murmur3 (public)', `max/mean, siphash24 (median of ${seeds} secret seeds)`, 'worst seed', 'ordinary ids, siphash24'],
    rows: rows.map((row) => [row.algorithm, row.tried.toLocaleString('en'), row.crafted.toLocaleString('en'), fixed(row.publicMaxOverMean, 2), fixed(row.keyedMedian, 3), fixed(row.keyedWorst, 3), fixed(row.ordinaryMedian, 3)]),
    notes: [
      'The attacker knows the algorithm and the public hash, not the seed. 10.00 under murmur3 means every crafted id landed on the same node.',
      'The last column is the same keyed placement with ordinary ids: what is left is the algorithm\'s own unevenness (a 160-point ring is uneven by itself), not the attack.',
      'Trade-off: changing the seed moves every key, and no other tool can place keys without it.',
    ],
  };
}

function pinTable(rows: readonly PinRow[]): Table {
  const ns = (value: PinRow['unpinned'] | undefined) => (value === undefined ? '–' : withRange(value));
  return {
    title: 'Lookup cost with pins (ns per lookup, 10 nodes)',
    columns: ['algorithm', 'pins', 'unpinned key', 'unpinned {tag} key', 'pinned key'],
    rows: rows.map((row) => [row.algorithm, row.pins.toLocaleString('en'), ns(row.unpinned), ns(row.tagged), ns(row.pinnedKeys)]),
    notes: ['Pins are consulted before the algorithm (one Map lookup for a plain string key; a hash of the tag and a bit filter otherwise); a pinned key skips the algorithm.'],
  };
}

export const keyedSuite: Suite = {
  name: 'keyed',
  title: 'Keyed hashing against flooding, and pinned keys',
  needs: 'nothing',
  async run(context: SuiteContext): Promise<SuiteReport> {
    const sizes = context.quick ? quick : full;
    context.log(`crafting ${sizes.crafted} ids per algorithm that land on node 0 under murmur3`);
    const flooding = flood(sizes.crafted, sizes.seeds);
    context.log(`lookup cost with ${sizes.pins.join(', ')} pins`);
    const pins = pinCosts(sizes.pins, sizes.pool, sizes.batch, sizes.plan);
    return {
      suite: 'keyed',
      title: keyedSuite.title,
      reproduce: `pnpm bench --suite keyed${context.quick ? ' --quick' : ''}`,
      method: [
        'Flooding: candidate ids user:<i> are tried against a 10-node placement hashed with murmur3 until enough land on node 0; the same ids are then placed with siphash24 under random secret seeds.',
        'Pins: jump and ring over 10 nodes, with 0, 1,000 and 100,000 pins (hot:<i> → a node); unpinned answers are checked against the bare algorithm before timing.',
      ],
      tables: [floodTable(flooding, sizes.seeds), pinTable(pins)],
      charts: [],
      data: { flooding, pins },
    };
  },
};
