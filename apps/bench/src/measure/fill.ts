import type { ConnectedClient } from '../contenders/clients/index.ts';

/**
 * Writes `bench:0` … `bench:<count-1>` once through `client`, `callers` writes in flight, so that
 * GETs hit and migrations have keys to move. Set-up, not measurement.
 */
export async function fillKeys(client: ConnectedClient, count: number, value: string, callers = 50): Promise<void> {
  const perCaller = Math.ceil(count / callers);
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      const end = Math.min(count, (caller + 1) * perCaller);
      for (let k = caller * perCaller; k < end; k++) await client.set(`bench:${k}`, value);
    }),
  );
}
