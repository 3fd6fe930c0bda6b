import { jump, pinned, ring, type Placement } from '@shardis/core';
import { AgreementError } from '../../suite.ts';
import type { Spread } from '../../measure/stats.ts';
import { batchLoop, timeInterleaved, type TimedTask, type TimingPlan } from '../../measure/timing.ts';

export interface PinRow {
  readonly algorithm: string;
  readonly pins: number;
  /** ns per lookup of keys that are not pinned (the common case: the pins are consulted first). */
  readonly unpinned: Spread;
  /** ns per lookup of `{tag}` keys that are not pinned. */
  readonly tagged: Spread;
  /** ns per lookup of pinned keys (the algorithm is skipped). */
  readonly pinnedKeys: Spread | undefined;
}

const NODES = Array.from({ length: 10 }, (_, i) => ({ id: `node-${i}` }));

/**
 * Lookup cost with 0, 1,000 and 100,000 pins, beside the bare algorithm. Before timing, every
 * unpinned key must locate exactly as the bare algorithm does, and every pinned key on its pin.
 */
export function pinCosts(pinCounts: readonly number[], pool: number, batch: number, plan: TimingPlan): PinRow[] {
  const keys = Array.from({ length: pool }, (_, i) => `user:${i}:profile`);
  const tagged = Array.from({ length: pool }, (_, i) => `{user:${i}}:cart`);
  const rows: PinRow[] = [];
  for (const [algorithm, create] of [['jump', jump], ['ring', ring]] as const) {
    const bare = create(NODES);
    const tasks: TimedTask[] = [];
    const placements = new Map<number, Placement>();
    for (const count of pinCounts) {
      const pins = Array.from({ length: count }, (_, i) => [`hot:${i}`, NODES[i % NODES.length]!.id] as const);
      const placement = count === 0 ? bare : pinned(bare, pins);
      for (const key of [...keys, ...tagged]) {
        if (placement.locate(key) !== bare.locate(key)) throw new AgreementError(`${algorithm} with ${count} pins places unpinned ${key} elsewhere than the bare algorithm`);
      }
      for (const [key, node] of pins.slice(0, 1000)) {
        if (placement.locate(key) !== node) throw new AgreementError(`${algorithm} with ${count} pins ignores the pin of ${key}`);
      }
      placements.set(count, placement);
      tasks.push({ name: `${count}:unpinned`, fn: batchLoop(placement, 'locate', keys, batch), opsPerCall: batch });
      tasks.push({ name: `${count}:tagged`, fn: batchLoop(placement, 'locate', tagged, batch), opsPerCall: batch });
      if (count > 0) {
        const hot = Array.from({ length: pool }, (_, i) => `hot:${i % count}`);
        tasks.push({ name: `${count}:pinned`, fn: batchLoop(placement, 'locate', hot, batch), opsPerCall: batch });
      }
    }
    const timed = timeInterleaved(tasks, plan);
    for (const count of pinCounts) {
      rows.push({ algorithm, pins: count, unpinned: timed.get(`${count}:unpinned`)!, tagged: timed.get(`${count}:tagged`)!, pinnedKeys: timed.get(`${count}:pinned`) });
    }
  }
  return rows;
}
