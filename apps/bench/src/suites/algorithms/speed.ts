import type { PlacementContender } from '../../contenders/placement/index.ts';
import { retainedBytesPer } from '../../measure/memory.ts';
import type { Spread } from '../../measure/stats.ts';
import { batchLoop, timeInterleaved, type TimedTask } from '../../measure/timing.ts';
import type { AlgorithmSizes } from './sizes.ts';

export interface Speed {
  /** Nanoseconds per lookup, cycling through all distinct keys (no key is looked up twice in a row). */
  readonly lookupNs: Spread;
  /** Nanoseconds per build over N nodes. */
  readonly buildNs: Spread;
  /** Bytes retained by one built placement, or undefined without --expose-gc. */
  readonly memoryBuilt: number | undefined;
  /** The same after `memoryLookups` distinct lookups: shows caches that grow with use. */
  readonly memoryAfterLookups: number | undefined;
}

/**
 * Times lookups and builds of all contenders at one node count, interleaved in the same process
 * so that ratios between them are fair, then measures retained memory one contender at a time.
 */
export function measureSpeed(
  contenders: readonly PlacementContender[],
  nodes: readonly string[],
  keys: readonly string[],
  sizes: AlgorithmSizes,
): Map<string, Speed> {
  const lookups: TimedTask[] = contenders.map((contender) => ({
    name: contender.name,
    fn: batchLoop(contender.build(nodes).lookup, 'locate', keys, sizes.lookupBatch),
    opsPerCall: sizes.lookupBatch,
  }));
  const lookupNs = timeInterleaved(lookups, sizes.lookupPlan);

  const builds: TimedTask[] = contenders.map((contender) => ({ name: contender.name, fn: () => contender.build(nodes), opsPerCall: 1 }));
  const buildNs = timeInterleaved(builds, sizes.buildPlan);

  const copies = sizes.memoryCopies(nodes.length);
  const used = keys.slice(0, Math.min(sizes.memoryLookups, keys.length));
  const result = new Map<string, Speed>();
  for (const contender of contenders) {
    const memoryBuilt = retainedBytesPer(() => contender.build(nodes), copies);
    const memoryAfterLookups = retainedBytesPer(() => {
      const built = contender.build(nodes);
      for (const key of used) built.lookup.locate(key);
      return built;
    }, copies);
    result.set(contender.name, {
      lookupNs: lookupNs.get(contender.name)!,
      buildNs: buildNs.get(contender.name)!,
      memoryBuilt,
      memoryAfterLookups,
    });
  }
  return result;
}
