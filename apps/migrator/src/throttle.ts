import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandArgs, NodeConnection, RedisDriver } from '@shardis/engine';

/**
 * Paces key moves to `keysPerSecond` (`--max-keys-per-second`), so a migration can run beside
 * production traffic. The engine moves keys with one script per batch (`EVAL <move script>
 * <n> key…`, a MIGRATE inside Lua); this driver decorator delays those calls so the batches
 * average the given rate, and passes every other command through untouched. The worker's own
 * options keep each page short enough to renew its lease in between (see `workerSettings`).
 */
export function throttledDriver(driver: RedisDriver, keysPerSecond: number): RedisDriver {
  let nextFree = 0;
  const pace = async (keys: number): Promise<void> => {
    const now = Date.now();
    const start = Math.max(now, nextFree);
    nextFree = start + (keys / keysPerSecond) * 1000;
    if (start > now) await sleep(start - now);
  };
  return {
    name: driver.name,
    capabilities: driver.capabilities,
    isServerError: (error) => driver.isServerError(error),
    connect(endpoint, role, name) {
      const connection = driver.connect(endpoint, role, name);
      return role === 'control' ? throttled(connection, pace) : connection;
    },
  };
}

/** The move script is the only script that runs MIGRATE. */
function movedKeys(args: CommandArgs): number {
  if (String(args[0]).toUpperCase() !== 'EVAL') return 0;
  const script = args[1];
  if (typeof script !== 'string' || !script.includes("{'MIGRATE'")) return 0;
  return Number(args[2]) || 0;
}

function throttled(connection: NodeConnection, pace: (keys: number) => Promise<void>): NodeConnection {
  return {
    async send(args) {
      const keys = movedKeys(args);
      if (keys > 0) await pace(keys);
      return connection.send(args);
    },
    batch: (commands) => connection.batch(commands),
    subscribe: (channel, onMessage) => connection.subscribe(channel, onMessage),
    onEvent: (listener) => connection.onEvent(listener),
    get ready() {
      return connection.ready;
    },
    close: () => connection.close(),
    disconnect: () => connection.disconnect(),
  };
}
