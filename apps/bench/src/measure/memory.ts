/** Retained memory of built objects, from heap deltas around forced garbage collections. */

const gc = (globalThis as { gc?: () => void }).gc;

export function gcAvailable(): boolean {
  return typeof gc === 'function';
}

function settledBytes(): number {
  // Two passes: the first may only promote what the second frees.
  gc!();
  gc!();
  const usage = process.memoryUsage();
  // Typed arrays (ring points, slot tables) live outside the JS heap, in `external`.
  return usage.heapUsed + usage.external;
}

/**
 * Bytes retained per object made by `make`, averaged over `count` live objects, or `undefined`
 * when the process was started without `--expose-gc` (a delta without a forced GC is noise).
 * Call it after the code under test has run once, so compiled code is not counted.
 */
export function retainedBytesPer(make: () => unknown, count: number): number | undefined {
  if (!gcAvailable()) return undefined;
  const keep: unknown[] = new Array<unknown>(count);
  const before = settledBytes();
  for (let i = 0; i < count; i++) keep[i] = make();
  const after = settledBytes();
  // Keep `keep` alive until after the second measurement.
  if (keep.length !== count) throw new Error('unreachable');
  return Math.max(0, after - before) / count;
}
