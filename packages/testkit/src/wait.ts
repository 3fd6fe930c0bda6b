/**
 * Polls `condition` until it holds, instead of a fixed sleep: fast when the system is fast, and a
 * clear message naming what never happened when it is not. Errors thrown by `condition` count as
 * "not yet" (a node may be restarting); the last one is reported on timeout.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, options: { timeoutMs: number; what: string; intervalMs?: number }): Promise<number> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await condition()) return Date.now() - started;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
  const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${detail}`);
}
